using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Config;
using NgxDoctor.Core;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Security;

namespace NgxDoctor.Cli.Commands;

/// <summary>`diagnose`: gather facts once, run every check, print the verdict; exit 0/1/2/3 per the contract.</summary>
public static class DiagnoseCommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Markdown];

    public static Command Create()
    {
        var config = SharedOptions.Config();
        var url = new Option<string?>("--url") { Description = "diagnose the request path of this URL: problems of upstreams it does not reach are never critical" };
        var since = SharedOptions.Since();
        var json = SharedOptions.Json();
        var format = SharedOptions.Format(Formats);
        var timeout = SharedOptions.Timeout("the whole diagnosis");
        var probeTimeout = SharedOptions.ProbeTimeout();
        var verbose = new Option<bool>("--verbose", "-v") { Description = "also list every check with its outcome and time" };
        var saveFacts = new Option<string?>("--save-facts") { Description = "also write the gathered facts (JSON) to this file, to diagnose elsewhere" };
        var facts = new Option<string?>("--facts") { Description = "diagnose a facts file written by --save-facts instead of this host" };
        var from = new Option<string?>("--from") { Description = "diagnose a bundle written by `ngxdoctor collect` (tar.gz) instead of this host, without probing" };
        var healthPath = new Option<string?>("--health-path") { Description = "the path HTTP probes ask upstreams for (default: what each location would send)" };
        var cmd = new Command("diagnose", """
            Find why nginx answers 502/504: check every upstream nginx points at, as nginx's workers would.

            Examples:
              ngxdoctor diagnose                          # the running nginx
              ngxdoctor diagnose --config /etc/nginx/nginx.conf --json
              ngxdoctor diagnose --url https://shop.example.com/checkout
              ngxdoctor diagnose --format markdown > ticket.md
              ngxdoctor diagnose --save-facts host1.json  # then elsewhere: ngxdoctor diagnose --facts host1.json
              ngxdoctor diagnose --from web1.tar.gz       # a bundle written by `ngxdoctor collect`

            Exit codes: 0 ok, 1 warning, 2 critical, 3 unknown (ngxdoctor could not run).
            """)
        {
            config, url, since, json, format, timeout, probeTimeout, verbose, saveFacts, facts, from, healthPath,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var window = UsageException.Duration("--since", r.GetValue(since));
            var output = SharedOptions.Output(r, json, format, Formats);
            if (r.GetValue(url) is { } given && !RouteCommand.IsHttpUrl(given))
            {
                throw new UsageException($"--url: not an http(s) URL: {given}");
            }

            var seconds = UsageException.Seconds("--timeout", r.GetValue(timeout), 3600);
            var probeSeconds = UsageException.Seconds("--probe-timeout", r.GetValue(probeTimeout), 600);

            var bundle = r.GetValue(from) is { } bundleFile ? LoadBundle(bundleFile) : null;
            var diagnosisFacts = bundle is not null ? bundle.Facts
                : r.GetValue(facts) is { } factsFile ? LoadFacts(factsFile)
                : (await DiagnosisService.GatherAsync(await DiagnosisService.LocateAsync(r.GetValue(config), ct), new CollectOptions
                {
                    Deadline = TimeSpan.FromSeconds(seconds),
                    ProbeTimeout = TimeSpan.FromSeconds(probeSeconds),
                    Since = window,
                    HealthPath = r.GetValue(healthPath) is { } hp && hp.StartsWith('/') ? hp : r.GetValue(healthPath) is null ? null : throw new UsageException("--health-path must start with /"),
                }, ct)).Facts;
            if (r.GetValue(saveFacts) is { } target)
            {
                // Redacted as a bundle is, 0600, never written through a planted symlink.
                PrivateFile.Write(target, NgxJson.Serialize(NgxDoctor.Core.Text.FactsRedaction.Apply(diagnosisFacts, keepQuery: false)));
            }

            var report = DiagnosisService.Decide(diagnosisFacts);
            if (r.GetValue(url) is { } urlValue)
            {
                var routed = bundle is { ConfigDump: { } dump } ? ConfigLoader.LoadDump(dump, "the bundle's nginx-T.conf") : LoadConfig(diagnosisFacts.ConfigFile);
                report = UrlScope.Apply(report, RouteCommand.Build(routed, urlValue, null, diagnosisFacts.System?.PageSize ?? NgxDoctor.Config.Upstreams.ModuleSettings.DefaultPageSize));
            }

            switch (output)
            {
                case OutputFormat.Json:
                    Console.Out.WriteLine(NgxJson.Serialize(report));
                    break;
                case OutputFormat.Markdown:
                    Console.Out.Write(MarkdownRenderer.Render(report));
                    break;
                default:
                    ReportRenderer.Render(Terminal.Create(), report, r.GetValue(verbose));
                    break;
            }

            return report.ExitCode;
        }));
        return cmd;
    }

    /// <summary>The configuration the facts were gathered from, for routing (with --facts it must still be readable here).</summary>
    private static NginxConfig LoadConfig(string file)
    {
        try
        {
            return ConfigLoader.LoadFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigParseException)
        {
            throw new UsageException($"--url needs the configuration to route the URL: {e.Message}");
        }
    }

    private static Host.Bundles.Bundle LoadBundle(string file)
    {
        try
        {
            return Host.Bundles.Bundle.Read(file);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static DiagnosisFacts LoadFacts(string file)
    {
        try
        {
            return NgxJson.Deserialize<DiagnosisFacts>(File.ReadAllText(file)) ?? throw new UsageException($"{file}: empty facts file");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"{file}: not a facts file written by --save-facts ({e.Message})");
        }
    }
}
