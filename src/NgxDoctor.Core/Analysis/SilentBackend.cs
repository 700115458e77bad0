using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>
/// A backend that accepted the probe's connection and request but sent no complete reply before the probe gave up
/// (hung workers, a trickle, a length that lies): nginx waits for it up to the read timeout in force, then answers
/// 504. Critical when the probe waited at least that long (nginx would have given up too), a warning otherwise.
/// </summary>
public static class SilentBackend
{
    public static Finding Finding(UpstreamTarget target, double waitedMs, List<Evidence> evidence, string check)
    {
        var site = target.Sites[0];
        var setting = site.Setting("_read_timeout");
        var readTimeout = setting is not null && ConfigValues.TryParseTime(setting.Value, out var t) ? t : TimeSpan.FromSeconds(60);
        var name = setting?.Name ?? $"{site.Directive[..site.Directive.IndexOf('_', StringComparison.Ordinal)]}_read_timeout";
        evidence.Add(new Evidence("config", setting?.Pos?.ToString() ?? "default", $"{name} {setting?.Value ?? "60s"}{(setting is null || setting.IsDefault ? " (nginx's default)" : "")}"));
        var waited = TimeSpan.FromMilliseconds(waitedMs);
        var past = waited >= readTimeout;
        var seconds = waited.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        return new Finding(Cause.UpstreamTimeout, past ? Severity.Critical : Severity.Warning, target.Address.Text,
            $"{target.Address.Text} accepts connections but sent no complete reply within {seconds} s{(past ? $", past {name}" : "")}",
            evidence,
            new Remedy(past
                    ? $"The backend accepts and then stays silent longer than nginx waits ({name}): nginx answers 504. Look at the backend's own state (its log, its worker or thread dump, `strace -p PID`) for hung or busy workers."
                    : $"The backend accepts and then stays silent: its workers may be hung or all busy (its log, a thread dump, `strace -p PID`). nginx waits up to {name} before a 504; run diagnose with --probe-timeout {Math.Ceiling(readTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)} to see whether it answers within that.",
                []))
        { Check = check };
    }
}
