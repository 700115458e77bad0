using NgxDoctor.Config.Limits;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// nginx itself rejects requests: `limiting requests, excess: ... by zone "one"` (limit_req) or `limiting connections
/// by zone "addr"` (limit_conn) in the error log, answered 503 (or limit_*_status) without the backend ever seeing
/// them. One finding per zone, naming the zone's rate and where it applies at file:line; critical while a quarter or
/// more of the requests the access log counts are rejected now, a warning while fewer are or once they stopped.
/// </summary>
public sealed class RateLimitCheck : ICheck
{
    private const double Outage = 0.25;

    public string Id => "rate-limited";

    public string Title => "nginx's own limits (limit_req, limit_conn) do not reject requests";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.RateLimited];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.Logs is not { } logs)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected(Fact.ErrorLog) ?? Fact.ErrorLog.Absent());
        }

        var findings = new List<Finding>();
        foreach (var group in logs.Incidents.Where(i => i.Kind is FailureKind.LimitReq or FailureKind.LimitConn).GroupBy(i => i.Upstream ?? ""))
        {
            var incidents = group.ToList();
            var kind = incidents[0].Kind == FailureKind.LimitReq ? LimitKind.Requests : LimitKind.Connections;
            var name = ZoneName(group.Key);
            var zone = facts.Limits.Zones.FirstOrDefault(z => z.Kind == kind && z.Name == name);
            var uses = facts.Limits.Uses.Where(u => u.Kind == kind && u.Zone == name).ToList();
            var count = incidents.Sum(i => i.Count);
            var stopped = LogEvidence.HasStopped(logs, incidents);
            var share = Share(logs, count);
            var severity = !stopped && (share is null || share >= Outage) ? Severity.Critical : Severity.Warning;
            var status = uses.Select(u => u.Status).DefaultIfEmpty(503).First();
            var what = $"nginx itself rejected {count} request(s) with {status} under {Directive(kind)} zone \"{name}\"{Limit(zone, uses)}{(share is { } s ? $", {s:P0} of the requests logged" : "")}: the backend never saw them";
            var title = stopped ? $"{what}; none since {LogEvidence.Time(incidents.Max(i => i.LastSeen))}" : what;
            var evidence = new List<Evidence>();
            if (zone is not null)
            {
                evidence.Add(new Evidence(EvidenceKind.Config, zone.Pos.ToString(), zone.Text));
            }

            evidence.AddRange(uses.Select(u => new Evidence(EvidenceKind.Config, u.Pos.ToString(), $"{u.Text} ({u.Context})")));
            evidence.AddRange(LogEvidence.For(incidents));
            findings.Add(new Finding(Cause.RateLimited, severity, null, title, evidence, Remedy(kind, name, zone, uses)) { Check = Id });
        }

        return CheckOutcome.Ran(findings);
    }

    /// <summary>`zone "one"` (the incidents' key) to `one`.</summary>
    private static string ZoneName(string key) => key.StartsWith("zone \"", StringComparison.Ordinal) ? key[6..].TrimEnd('"') : key;

    private static string Directive(LimitKind kind) => kind == LimitKind.Requests ? "limit_req" : "limit_conn";

    private static string Limit(LimitZone? zone, IReadOnlyList<LimitUse> uses) => zone?.Kind switch
    {
        LimitKind.Requests => $" (rate {zone.Rate ?? "?"}{(uses.FirstOrDefault(u => u.Burst is not null) is { } b ? $", burst {b.Burst}" : ", no burst")} per {zone.Key})",
        LimitKind.Connections => $" ({uses.FirstOrDefault()?.Connections ?? "?"} connection(s) at once per {zone.Key})",
        _ => "",
    };

    /// <summary>The rejected requests' share of those the access logs counted in the window; null without access-log counts.</summary>
    private static double? Share(LogFacts logs, int rejected)
    {
        var requests = logs.Access?.Files.Sum(f => f.Entries) ?? 0L;
        return requests > 0 ? Math.Min(1, rejected / (double)requests) : null;
    }

    private static Remedy Remedy(LimitKind kind, string name, LimitZone? zone, IReadOnlyList<LimitUse> uses)
    {
        var where = zone is null ? "" : $" at {zone.Pos}";
        var applied = uses.Count == 0 ? "" : $" (applied at {string.Join(", ", uses.Select(u => u.Pos.ToString()).Distinct())})";
        return kind == LimitKind.Requests
            ? new($"These answers are nginx's own, not the backend's. If this traffic is legitimate, raise `rate=` of zone {name}{where}, or give limit_req a `burst=N` (with `nodelay` to serve a burst at once){applied}, then nginx -t and reload. If it is abuse, the limit works as intended (limit_req_status 429 tells well-behaved clients to slow down).", ["nginx -t", "nginx -s reload"])
            : new($"These answers are nginx's own, not the backend's: each client may hold only so many connections at once in zone {name}{where}. If the clients are legitimate (many users behind one NAT address, HTTP/2 streams count too), raise the number of limit_conn{applied}, then nginx -t and reload.", ["nginx -t", "nginx -s reload"]);
    }
}
