using System.CommandLine;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Bundles;

namespace NgxDoctor.Cli.Commands;

/// <summary>`collect -o FILE.tar.gz`: gather the facts once (probes included) and write them with the configuration, log tails and PHP-FPM pools, secrets redacted.</summary>
public static class CollectCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "the bundle to write (tar.gz)", Required = true };
        var config = SharedOptions.Config();
        var pid = SharedOptions.Pid();
        var container = SharedOptions.Container();
        var since = SharedOptions.Since();
        var timeout = SharedOptions.Timeout("the collection");
        var keepQuery = new Option<bool>("--keep-query") { Description = "keep query strings in log lines (values of secret-looking parameters are still removed)" };
        var cmd = new Command("collect", """
            Write an offline bundle for diagnosis on another machine: the facts snapshot (probes included), the
            configuration as `nginx -T` prints it, the tails of the logs read and the PHP-FPM configuration files.
            Secrets are redacted: Authorization/Cookie/API-key headers nginx sets, *_password, secret and token values,
            PHP-FPM env[] values of that kind, credentials in URLs and command lines, and query strings in log lines.

            Examples:
              sudo ngxdoctor collect -o web1.tar.gz
              ngxdoctor diagnose --from web1.tar.gz        # anywhere, no probing
            """)
        {
            output, config, pid, container, since, timeout, keepQuery,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var seconds = UsageException.Seconds("--timeout", r.GetValue(timeout), 3600);

            var target = r.GetValue(output)!;
            if (!target.EndsWith(".tar.gz", StringComparison.Ordinal) && !target.EndsWith(".tgz", StringComparison.Ordinal))
            {
                throw new UsageException($"--output: {target}: the bundle is a gzip-compressed tar; name it *.tar.gz");
            }

            var located = await DiagnosisService.LocateOneAsync(r.GetValue(config), new InstanceSelector(r.GetValue(pid), r.GetValue(container)), ct);
            var (facts, nginx) = await DiagnosisService.GatherAsync(located, new CollectOptions
            {
                Deadline = TimeSpan.FromSeconds(seconds),
                Since = UsageException.Duration("--since", r.GetValue(since)),
            }, ct);
            var entries = BundleWriter.Write(target, facts, nginx, r.GetValue(keepQuery));
            Console.Out.WriteLine($"wrote {target}: {entries.Count} entries ({string.Join(", ", entries)})");
            return 0;
        }));
        return cmd;
    }
}
