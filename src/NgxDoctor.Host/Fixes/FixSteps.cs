using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;

namespace NgxDoctor.Host.Fixes;

/// <summary>
/// The steps of an apply that act on the instance, as seams with the production steps as defaults: a test
/// replaces one to make that step fail for real (a write nginx -t rejects), and the shipped program has no switch.
/// </summary>
public sealed record FixSteps
{
    /// <summary>Writes a planned file's new bytes (atomically: a temporary file renamed over it).</summary>
    public Action<string, byte[]> Write { get; init; } = (path, bytes) => SafeFileWriter.Write(path, bytes);

    /// <summary>`nginx -t` of the instance with the files as written.</summary>
    public Func<LocatedInstance, NginxConfig, CancellationToken, Task<ConfigTestResult?>> Test { get; init; } =
        (located, config, ct) => ConfigTest.RunAsync(located, config, FactsCollector.IsRoot, [], ct);

    /// <summary>Reloads the master and confirms the new workers took the configuration.</summary>
    public Func<NginxInstance, string?, CancellationToken, Task<(bool Ok, string Why)>> Reload { get; init; } = NginxReloader.ReloadAsync;
}
