namespace NgxDoctor.Core.Facts;

/// <summary>One minute of the access log: requests and the statuses that matter for 5xx diagnosis.</summary>
public sealed record MinuteBucket(DateTime Minute, int Requests, int Status499, int Status500, int Status502, int Status503, int Status504, int BackendGenerated);

/// <summary>Traffic to one upstream address: requests, 5xx told apart by who produced them, and the latency nginx saw.</summary>
public sealed record UpstreamTraffic(string Upstream, int Requests, int Errors5xx, int NginxGenerated, int BackendGenerated, double? P50, double? P90, double? P99, double? Max);

public sealed record PathCount(string Path, int Count);

/// <summary>Failed requests (5xx and 499) by the location that served them (server name, location, file:line).</summary>
public sealed record LocationCount(string Location, int Errors5xx, int Status499, int Status502, int Status504);

/// <summary>What the access logs say about the window.</summary>
public sealed record AccessFacts(
    IReadOnlyList<LogScan> Files,
    IReadOnlyList<MinuteBucket> Minutes,
    IReadOnlyList<UpstreamTraffic> Upstreams,
    IReadOnlyList<PathCount> TopErrorPaths,
    IReadOnlyList<LogIncident> BackendErrors)
{
    /// <summary>Whether 5xx could be told apart (nginx's own vs the backend's): needs the error log beside the access log.</summary>
    public bool Attributed { get; init; }

    /// <summary>Requests whose client closed (499) while nginx waited for an upstream ($upstream_addr logged), per upstream.</summary>
    public IReadOnlyList<LogIncident> GaveUp { get; init; } = [];

    /// <summary>5xx nginx answered itself with no error-log line of a failure for the request (per status and upstream); only where the error log was read beside.</summary>
    public IReadOnlyList<LogIncident> Unlogged { get; init; } = [];

    /// <summary>5xx and 499 by location; empty without a configuration to route the logged paths through.</summary>
    public IReadOnlyList<LocationCount> Locations { get; init; } = [];
}
