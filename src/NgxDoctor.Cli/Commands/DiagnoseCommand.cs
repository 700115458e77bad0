using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Config;
using NgxDoctor.Core;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host;
using NgxDoctor.Host.Security;

namespace NgxDoctor.Cli.Commands;

/// <summary>`diagnose`: gather facts once, run every check, print the verdict; exit 0/1/2/3 per the contract.</summary>
public static class DiagnoseCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "main nginx.conf of the instance (default: the running nginx master's)" };
        var url = new Option<string?>("--url") { Description = "diagnose the request path of this URL: problems of upstreams it does not reach are never critical" };
        var since = new Option<string>("--since") { Description = "how far back error-log evidence counts as current (e.g. 30s, 2h, 1d)", DefaultValueFactory = _ => "15m" };
        var json = new Option<bool>("--json") { Description = "print exactly one JSON document (the diagnose contract); same as --format json" };
        var format = new Option<string>("--format") { Description = "text (default), json, or markdown (to paste into a ticket)", DefaultValueFactory = _ => "text" };
        var timeout = new Option<double>("--timeout") { Description = "seconds the whole diagnosis may take", DefaultValueFactory = _ => 15 };
        var probeTimeout = new Option<double>("--probe-timeout") { Description = "seconds each connection probe may take", DefaultValueFactory = _ => 2 };
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
            var output = r.GetValue(json) ? "json" : r.GetValue(format);
            if (output is not ("text" or "json" or "markdown"))
            {
                throw new UsageException($"--format: \"{output}\" is not one of text, json, markdown");
            }

            if (r.GetValue(url) is { } given && !RouteCommand.IsHttpUrl(given))
            {
                throw new UsageException($"--url: not an http(s) URL: {given}");
            }

            var seconds = UsageException.Seconds("--timeout", r.GetValue(timeout), 3600);
            var probeSeconds = UsageException.Seconds("--probe-timeout", r.GetValue(probeTimeout), 600);

            var bundle = r.GetValue(from) is { } bundleFile ? LoadBundle(bundleFile) : null;
            var diagnosisFacts = bundle is not null ? bundle.Facts
                : r.GetValue(facts) is { } factsFile ? LoadFacts(factsFile)
                : await CollectWithinBudgetAsync(new CollectOptions
                {
                    ConfigFile = r.GetValue(config),
                    Deadline = TimeSpan.FromSeconds(seconds),
                    ProbeTimeout = TimeSpan.FromSeconds(probeSeconds),
                    Since = window,
                    HealthPath = r.GetValue(healthPath) is { } hp && hp.StartsWith('/') ? hp : r.GetValue(healthPath) is null ? null : throw new UsageException("--health-path must start with /"),
                }, ct);
            if (r.GetValue(saveFacts) is { } target)
            {
                // Redacted as a bundle is, 0600, never written through a planted symlink.
                PrivateFile.Write(target, NgxJson.Serialize(NgxDoctor.Core.Text.FactsRedaction.Apply(diagnosisFacts, keepQuery: false)));
            }

            // Every report (text, JSON, Markdown) is made from redacted facts, as bundles are.
            var report = DiagnosisEngine.Diagnose(NgxDoctor.Core.Text.FactsRedaction.Apply(diagnosisFacts, keepQuery: true));
            if (r.GetValue(url) is { } urlValue)
            {
                var routed = bundle is { ConfigDump: { } dump } ? ConfigLoader.LoadDump(dump, "the bundle's nginx-T.conf") : LoadConfig(diagnosisFacts.ConfigFile);
                report = UrlScope.Apply(report, RouteCommand.Build(routed, urlValue, null));
            }

            switch (output)
            {
                case "json":
                    Console.Out.WriteLine(NgxJson.Serialize(report));
                    break;
                case "markdown":
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

    /// <summary>Collects within the budget; a probe or tool that hangs cannot hold the command past it.</summary>
    public static async Task<DiagnosisFacts> CollectWithinBudgetAsync(CollectOptions options, CancellationToken ct) =>
        (await CollectAllWithinBudgetAsync(options, ct)).Facts;

    public static async Task<(DiagnosisFacts Facts, NginxConfig Config)> CollectAllWithinBudgetAsync(CollectOptions options, CancellationToken ct)
    {
        var work = Task.Run(() => FactsCollector.CollectAsync(options, ct), ct);
        var done = await Task.WhenAny(work, Task.Delay(options.Deadline + TimeSpan.FromSeconds(1), ct));
        if (done != work)
        {
            throw new OperationCanceledException();
        }

        return await work;
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
