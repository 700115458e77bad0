using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// A PHP-FPM pool on TCP whose `listen.allowed_clients` leaves out the address nginx connects from: FPM accepts and
/// drops the connection (nginx logs a reset or a premature close, FPM's own warning only with catch_workers_output),
/// so the pool's configuration is the evidence. nginx connects to a local address from that same address.
/// </summary>
public sealed class BackendAccessListCheck : ICheck
{
    public const string Setting = "listen.allowed_clients";

    /// <summary>Its id, as findings carry it and fixers select by it.</summary>
    public const string CheckId = "backend-access-list";

    public string Id => CheckId;

    public string Title => "Backend access lists let nginx in";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.SocketPermission];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var findings = new List<Finding>();
        foreach (var target in facts.Inventory.Targets.Where(t => t.Protocol == "fastcgi" && t.Address.Kind is UpstreamAddressKind.Ip or UpstreamAddressKind.Hostname))
        {
            var pool = facts.PhpFpm.Select(m => (Master: m, Pool: m.PoolAt(target.Address.Text))).FirstOrDefault(x => x.Pool is not null);
            if (pool.Pool is not { } p || p.Settings.GetValueOrDefault(Setting) is not { } allowed || Source(facts, target) is not { } source || Allows(allowed.Value, source))
            {
                continue;
            }

            findings.Add(Describe(facts, target, pool.Master, p, allowed, source));
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>The address nginx's connection comes from: for a local upstream, the upstream's own address.</summary>
    public static string? Source(DiagnosisFacts facts, UpstreamTarget target) =>
        TargetListeners.Addresses(facts, target).FirstOrDefault() is { } a && (TargetListeners.Find(facts, target) is not null || target.Address.IsLoopback) ? a : null;

    /// <summary>FPM compares the client's address with each listed one (IPv4, IPv6; an IPv4 client also as ::ffff:a.b.c.d).</summary>
    public static bool Allows(string list, string source) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(a => a == source || a == "::ffff:" + source || (a.StartsWith("::ffff:", StringComparison.Ordinal) && a[7..] == source));

    private static Finding Describe(DiagnosisFacts facts, UpstreamTarget target, FpmInstance master, FpmPool pool, FpmSetting allowed, string source)
    {
        var evidence = DeadTargets.ConfigEvidence(target);
        evidence.Add(new Evidence(EvidenceKind.Config, allowed.Pos.ToString(), $"{Setting} = {allowed.Value} (pool [{pool.Name}] of PHP-FPM master pid {master.Pid})"));
        evidence.Add(new Evidence(EvidenceKind.Config, pool.Settings.GetValueOrDefault("listen")?.Pos.ToString() ?? pool.Pos.ToString(), $"nginx connects to {target.Address.Text} from {source}, which the list leaves out: FPM accepts and drops the connection"));
        if (facts.ProbeFor(target) is { } probe)
        {
            evidence.Add(new Evidence(EvidenceKind.Probe, $"{probe.Method} {target.Address.Text}", probe.Describe));
        }

        evidence.AddRange(LogEvidence.For(LogEvidence.ForAddress(facts, target.Address.Text, [Logs.FailureKind.PrematureClose])));
        return new Finding(Cause.SocketPermission, Severity.Critical, target.Address.Text,
            $"PHP-FPM pool [{pool.Name}] does not let nginx's address {source} in ({Setting} = {allowed.Value}): every request through {target.Address.Text} gets 502",
            evidence,
            new Remedy($"At {allowed.Pos}, add {source} to {Setting} (`{Setting} = {allowed.Value},{source}`), or remove the line to allow any client; then reload PHP-FPM (kill -USR2 {master.Pid}).",
                [$"grep -n '{Setting}' {allowed.Pos.File}", $"kill -USR2 {master.Pid}"]))
        {
            Check = "backend-access-list",
        };
    }
}
