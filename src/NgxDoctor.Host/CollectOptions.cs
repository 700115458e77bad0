namespace NgxDoctor.Host;

/// <summary>How to gather the facts of an instance (which instance is the caller's: <see cref="Diagnosis.DiagnosisService.LocateAsync"/>).</summary>
public sealed record CollectOptions
{
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the whole collection may take.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(15);

    public bool RunConfigTest { get; init; } = true;

    /// <summary>How far back log evidence counts as current.</summary>
    public TimeSpan Since { get; init; } = TimeSpan.FromMinutes(15);

    public string ProcRoot { get; init; } = "/proc";

    /// <summary>The path HTTP probes ask for; null: what the location would send.</summary>
    public string? HealthPath { get; init; }

    /// <summary>The host's namespaces and containers, read once for all the instances of one run (else each instance reads them).</summary>
    public Task<Namespaces.PeerScan>? Peers { get; init; }
}
