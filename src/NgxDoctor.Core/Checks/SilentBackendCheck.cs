using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A backend that accepted the probe's connection and request but sent no complete reply before the probe gave up
/// (hung or busy workers, a trickle, a length that lies; HTTP, uwsgi, SCGI, gRPC or a FastCGI server that is not a
/// known PHP-FPM pool, whose silence fastcgi-probe names as a saturated pool): nginx waits up to the read timeout in
/// force, then answers 504. Critical when the probe waited at least that long, a warning otherwise.
/// </summary>
public sealed class SilentBackendCheck : ICheck
{
    public string Id => "silent-backend";

    public string Title => "Upstreams that accept a request also answer it";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.UpstreamTimeout];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.HttpProbes is null && facts.FastCgiProbes is null)
        {
            return CheckOutcome.Skip(facts.Gap(Fact.HttpProbes)!);
        }

        var silent = (facts.HttpProbes ?? []).Where(p => p.Outcome == HttpProbeResult.NoResponse)
            .Select(p => (p.Target, p.WaitedMs, Probe: new Evidence(EvidenceKind.Probe, $"{Protocol(facts, p.Target)} {p.Target} \"{p.Request}\"", $"{p.Detail} (connect {p.ConnectMs:0.0} ms)")))
            .Concat((facts.FastCgiProbes ?? []).Where(p => p.Outcome == FastCgiProbeResult.NoResponse && !facts.PhpFpm.Any(f => f.PoolAt(p.Target) is not null))
                .Select(p => (p.Target, WaitedMs: p.ElapsedMs, Probe: new Evidence(EvidenceKind.Probe, $"fastcgi {p.Target} \"{p.Request}\"", $"{p.Detail} after {p.ElapsedMs:0.0} ms"))));
        var findings = new List<Finding>();
        foreach (var (address, waitedMs, probe) in silent)
        {
            if (FactsLookups.Of(facts).Targets.GetValueOrDefault(address) is { } target)
            {
                findings.Add(Make(target, waitedMs, probe));
            }
        }

        return CheckOutcome.Ran(findings);
    }

    private static string Protocol(DiagnosisFacts facts, string address) =>
        FactsLookups.Of(facts).Targets.GetValueOrDefault(address)?.Sites[0].Directive switch
        {
            "uwsgi_pass" => "uwsgi",
            "scgi_pass" => "scgi",
            "grpc_pass" => "grpc",
            _ => "http",
        };

    private Finding Make(UpstreamTarget target, double waitedMs, Evidence probe)
    {
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(probe);
        var site = target.Sites[0];
        var setting = site.Setting("_read_timeout");
        var readTimeout = setting is not null && ConfigValues.TryParseTime(setting.Value, out var t) ? t : TimeSpan.FromSeconds(60);
        var name = setting?.Name ?? $"{site.Directive[..site.Directive.IndexOf('_', StringComparison.Ordinal)]}_read_timeout";
        evidence.Add(new Evidence(EvidenceKind.Config, setting?.Pos?.ToString() ?? "default", $"{name} {setting?.Value ?? "60s"}{(setting is null || setting.IsDefault ? " (nginx's default)" : "")}"));
        var past = TimeSpan.FromMilliseconds(waitedMs) >= readTimeout;
        var seconds = (waitedMs / 1000).ToString("0.#", CultureInfo.InvariantCulture);
        var remedy = past
            ? $"The backend accepts and then stays silent longer than nginx waits ({name}): nginx answers 504. Look at the backend's own state (its log, a worker or thread dump, `strace -p PID`) for hung or busy workers."
            : $"The backend accepts and then stays silent: its workers may be hung or all busy (its log, a thread dump, `strace -p PID`). nginx waits up to {name} before a 504; run diagnose with --probe-timeout {Math.Ceiling(readTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)} to see whether it answers within that.";
        return new Finding(Cause.UpstreamTimeout, past ? Severity.Critical : Severity.Warning, target.Address.Text,
            $"{target.Address.Text} accepts connections but sent no complete reply within {seconds} s{(past ? $", past {name}" : "")}",
            evidence, new Remedy(remedy, []))
        { Check = Id };
    }
}
