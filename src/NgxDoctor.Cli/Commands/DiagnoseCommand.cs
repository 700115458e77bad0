using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Watch;
using NgxDoctor.Host.Watch;
using NgxDoctor.Config;
using NgxDoctor.Core;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host.Security;
using Spectre.Console;

namespace NgxDoctor.Cli.Commands;

/// <summary>`diagnose`: gather facts once, run every check, print the verdict; exit 0/1/2/3 per the contract.</summary>
public static class DiagnoseCommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Text, OutputFormat.Json, OutputFormat.Markdown, OutputFormat.Nagios, OutputFormat.Sarif, OutputFormat.Junit];

    private sealed record Options(
        Option<string?> Config, Option<string?> Url, Option<string> Since, Option<bool> Json, Option<string?> Format, Option<double> Timeout,
        Option<double> ProbeTimeout, Option<bool> Verbose, Option<string?> SaveFacts, Option<string?> Facts, Option<string[]> From, Option<string?> HealthPath, Option<int?> Pid, Option<string?> Container);

    public static Command Create()
    {
        var o = new Options(
            SharedOptions.Config(),
            new Option<string?>("--url") { Description = "diagnose the request path of this URL: problems of upstreams it does not reach are never critical" },
            SharedOptions.Since(),
            SharedOptions.Json(),
            SharedOptions.Format(Formats),
            SharedOptions.Timeout("the whole diagnosis"),
            SharedOptions.ProbeTimeout(),
            new Option<bool>("--verbose", "-v") { Description = "also list every check with its outcome and time" },
            new Option<string?>("--save-facts") { Description = "also write the gathered facts (JSON) to this file, to diagnose elsewhere" },
            new Option<string?>("--facts") { Description = "diagnose a facts file written by --save-facts instead of this host" },
            new Option<string[]>("--from") { Description = "diagnose a bundle written by `ngxdoctor collect` (tar.gz) instead of this host, without probing; several bundles (hosts): one fleet view", AllowMultipleArgumentsPerToken = true },
            new Option<string?>("--health-path") { Description = "the path HTTP probes ask upstreams for (default: what each location would send)" },
            SharedOptions.Pid(),
            SharedOptions.Container());
        var cmd = new Command("diagnose", """
            Find why nginx answers 502/504: check every upstream nginx points at, as nginx's workers would.

            Examples:
              ngxdoctor diagnose                          # every running nginx: host, containers, namespaces
              ngxdoctor diagnose --container app-nginx-1  # only the nginx in that container
              ngxdoctor diagnose --config /etc/nginx/nginx.conf --json
              ngxdoctor diagnose --url https://shop.example.com/checkout
              ngxdoctor diagnose --format markdown > ticket.md
              ngxdoctor diagnose --format nagios          # a Nagios/Icinga check: one line, perfdata after |
              ngxdoctor diagnose --format sarif > ngx.sarif   # config findings at file:line, for code scanning
              ngxdoctor diagnose --format junit > ngx.xml  # a test case per check, for CI pipelines
              ngxdoctor diagnose --save-facts host1.json  # then elsewhere: ngxdoctor diagnose --facts host1.json
              ngxdoctor diagnose --from web1.tar.gz       # a bundle written by `ngxdoctor collect`
              ngxdoctor diagnose --from bundles/*.tar.gz  # many hosts' bundles: one fleet view, worst host first

            Exit codes: 0 ok, 1 warning, 2 critical, 3 unknown (ngxdoctor could not run).
            """)
        {
            o.Config, o.Url, o.Since, o.Json, o.Format, o.Timeout, o.ProbeTimeout, o.Verbose, o.SaveFacts, o.Facts, o.From, o.HealthPath, o.Pid, o.Container,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(() => RunAsync(r, o, ct)));
        return cmd;
    }

    private static async Task<int> RunAsync(ParseResult r, Options o, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var collect = Collect(r, o);
        var output = SharedOptions.Output(r, o.Json, o.Format, Formats);
        if (r.GetValue(o.Url) is { } given && !RouteCommand.IsHttpUrl(given))
        {
            throw new UsageException($"--url: not an http(s) URL: {given}");
        }

        var froms = r.GetValue(o.From) ?? [];
        if (froms.Length > 1)
        {
            if (r.GetValue(o.Url) is not null || r.GetValue(o.SaveFacts) is not null || r.GetValue(o.Facts) is not null)
            {
                throw new UsageException("--url, --save-facts and --facts take one host, and --from names several bundles");
            }

            return Fleet(froms, output, r.GetValue(o.Verbose), clock);
        }

        var bundle = froms.Length == 1 ? LoadBundle(froms[0]) : null;
        DiagnosisFacts facts;
        DiagnosisReport report;
        NginxConfig? live = null;
        if (bundle is not null || r.GetValue(o.Facts) is not null)
        {
            facts = bundle?.Facts ?? LoadFacts(r.GetValue(o.Facts)!);
            report = DiagnosisService.Decide(facts);
        }
        else
        {
            var instances = await DiagnosisService.LocateAllAsync(r.GetValue(o.Config), new InstanceSelector(r.GetValue(o.Pid), r.GetValue(o.Container)), ct);
            if (instances.Count > 1 && (r.GetValue(o.SaveFacts) is not null || r.GetValue(o.Url) is not null))
            {
                throw new UsageException($"{(r.GetValue(o.Url) is not null ? "--url" : "--save-facts")} needs one instance, and {instances.Count} run here: pick one with --pid or --container");
            }

            var (all, gathered) = await DiagnosisService.DiagnoseAllAsync(instances, collect, ct);
            (facts, report, live) = (gathered[0].Facts, all, gathered[0].Config);
            report = report with { RecordedIncidents = RecordedIncidents.Of(facts, report.Findings, IncidentStore.Default().Recorded(), DateTime.Now, collect.Since) };
        }

        if (r.GetValue(o.SaveFacts) is { } target)
        {
            // Redacted as a bundle is, 0600, never written through a planted symlink.
            PrivateFile.Write(target, NgxJson.Serialize(NgxDoctor.Core.Text.FactsRedaction.Apply(facts, keepQuery: false)));
        }

        if (r.GetValue(o.Url) is { } url)
        {
            // The configuration the facts were read from (a container's, through its root), else the bundle's or the file's.
            var routed = live ?? (bundle is { ConfigDump: { } dump } ? ConfigLoader.LoadDump(dump, "the bundle's nginx-T.conf") : LoadConfig(facts.ConfigFile));
            var route = RouteCommand.Build(routed, url, null, facts.System?.PageSize ?? NgxDoctor.Config.Upstreams.ModuleSettings.DefaultPageSize);
            if (route.Server is null)
            {
                // Demoting every finding for a URL nginx never sees would turn a Nagios check green on a typo.
                throw new UsageException($"--url {url}: {route.Notes.FirstOrDefault() ?? "no server of this nginx takes it"}; this nginx listens on {RouteCommand.ListenPorts(routed)} (a URL of a load balancer in front of nginx needs nginx's own address)");
            }

            report = UrlScope.Apply(report, route);
        }

        Print(output, report, r.GetValue(o.Verbose), clock.Elapsed);
        return report.ExitCode;
    }

    /// <summary>Several hosts' bundles: each diagnosed as its host would be, combined one section per host, a fleet summary first.</summary>
    private static int Fleet(IReadOnlyList<string> files, OutputFormat output, bool verbose, System.Diagnostics.Stopwatch clock)
    {
        var loaded = files.Select(f => (File: f, LoadBundle(f).Facts)).ToList();
        // Hosts by their hostname, unless two share one (copies of one image): then by their bundles' file names.
        var byHostname = loaded.All(b => b.Facts.Hostname.Length > 0) && loaded.Select(b => b.Facts.Hostname).Distinct(StringComparer.Ordinal).Count() == loaded.Count;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var parts = loaded.Select(b =>
        {
            var host = byHostname ? b.Facts.Hostname : FleetRenderer.HostOf(b.File);
            var identity = b.Facts.Identity ?? new InstanceIdentity("", b.Facts.Instance?.MasterPid, b.Facts.ConfigFile);
            var label = identity.Container is null && !identity.OwnNetwork ? host : $"{host}/{identity.Id}";
            for (var n = 2; !seen.Add(label); n++)
            {
                label = $"{host} ({n})";
            }

            return (b.File, Identity: identity with { Id = label }, Report: DiagnosisService.Decide(b.Facts));
        }).ToList();
        var combined = InstanceReports.Combine(parts.Select(p => (p.Identity, p.Report)).ToList());
        var fleet = FleetReport.Of(parts.Select(p => (p.Identity.Id, p.File, p.Report)).ToList());
        if (output == OutputFormat.Markdown)
        {
            Console.Out.Write(FleetRenderer.Markdown(fleet) + "\n");
        }
        else if (output == OutputFormat.Text)
        {
            FleetRenderer.Render(Terminal.Create(), fleet);
            Console.Out.WriteLine();
        }

        Print(output, combined, verbose, clock.Elapsed);
        return combined.ExitCode;
    }

    private static void Print(OutputFormat output, DiagnosisReport report, bool verbose, TimeSpan elapsed)
    {
        switch (output)
        {
            case OutputFormat.Json:
                Console.Out.WriteLine(NgxJson.Serialize(report));
                break;
            case OutputFormat.Markdown:
                Console.Out.Write(MarkdownRenderer.Render(report));
                break;
            case OutputFormat.Nagios:
                Console.Out.Write(NagiosRenderer.Render(report, elapsed));
                break;
            case OutputFormat.Sarif:
                Console.Out.Write(SarifRenderer.Render(report, VersionText.Version));
                break;
            case OutputFormat.Junit:
                Console.Out.Write(JUnitRenderer.Render(report));
                break;
            default:
                ReportRenderer.Render(Terminal.Create(), report, verbose);
                break;
        }
    }

    /// <summary>The collection's bounds from the options, each checked (a usage error names the option).</summary>
    private static CollectOptions Collect(ParseResult r, Options o) => new()
    {
        Deadline = TimeSpan.FromSeconds(UsageException.Seconds("--timeout", r.GetValue(o.Timeout), 3600)),
        ProbeTimeout = TimeSpan.FromSeconds(UsageException.Seconds("--probe-timeout", r.GetValue(o.ProbeTimeout), 600)),
        Since = UsageException.Duration("--since", r.GetValue(o.Since)),
        HealthPath = r.GetValue(o.HealthPath) is not { } path ? null : path.StartsWith('/') ? path : throw new UsageException("--health-path must start with /"),
    };

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
            return NgxJson.Deserialize<DiagnosisFacts>(Config.RegularFile.ReadAllText(file, 256L << 20)) ?? throw new UsageException($"{file}: empty facts file");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"{file}: not a facts file written by --save-facts ({e.Message})");
        }
    }
}
