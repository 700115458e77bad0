using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>A backend's own limit on how long one request may run, and where it was read.</summary>
public sealed record BackendTimeout(string Setting, TimeSpan Value, string Source);

/// <summary>
/// The backend's own request timeout behind an upstream: PHP-FPM's request_terminate_timeout (from the pool that
/// listens there), gunicorn's --timeout/-t (from the command line of the process that listens there; 30 s when not
/// given). A request that outlives it is killed and nginx sees a premature close (502), not a 504.
/// </summary>
public static class BackendTimeouts
{
    public static BackendTimeout? For(DiagnosisFacts facts, UpstreamTarget target)
    {
        foreach (var instance in facts.PhpFpm)
        {
            if (instance.PoolAt(target.Address.Text) is { } pool && pool.Settings.TryGetValue("request_terminate_timeout", out var setting)
                && ConfigValues.TryParseTime(setting.Value, out var t) && t > TimeSpan.Zero)
            {
                return new BackendTimeout("request_terminate_timeout", t, $"{setting.Pos} (pool {pool.Name})");
            }
        }

        var listener = target.Address.SocketPath is { } path
            ? FactsLookups.Of(facts).ListenerAt(path)
            : TargetListeners.Find(facts, target);
        foreach (var process in listener?.Processes ?? [])
        {
            if (Gunicorn(process) is { } timeout)
            {
                return timeout;
            }
        }

        return null;
    }

    /// <summary>Evidence that the backend's timeout is shorter than nginx's read timeout there, or nothing.</summary>
    public static IEnumerable<Evidence> Shorter(DiagnosisFacts facts, UpstreamTarget? target)
    {
        if (target is null || For(facts, target) is not { } backend || target.Sites[0].Setting("_read_timeout") is not { } read
            || !ConfigValues.TryParseTime(read.Value, out var nginx) || backend.Value >= nginx)
        {
            yield break;
        }

        yield return new Evidence(EvidenceKind.Process, backend.Source,
            $"{backend.Setting} {backend.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s is shorter than {read.Name} {read.Value}: the backend kills requests that run longer, and nginx answers 502, not 504");
    }

    private static BackendTimeout? Gunicorn(ProcessInfo process)
    {
        if (!GunicornCommand.Is(process))
        {
            return null;
        }

        if (GunicornCommand.Option(process, "--timeout", "-t") is { } value && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds == 0 ? null : new BackendTimeout("gunicorn --timeout", TimeSpan.FromSeconds(seconds), $"pid {process.Pid} ({process.Name})");
        }

        return new BackendTimeout("gunicorn --timeout", TimeSpan.FromSeconds(30), $"pid {process.Pid} ({process.Name}, default: no --timeout given)");
    }
}
