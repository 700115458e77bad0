using System.Text.RegularExpressions;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Analysis;

/// <summary>The lines of `nginx -t` output that say what is wrong: "nginx: [emerg] MESSAGE in FILE:LINE".</summary>
public static partial class ConfigTestOutput
{
    public sealed record Problem(string Level, string Message, string? Source);

    public static IReadOnlyList<Problem> Problems(string output)
    {
        var list = new List<Problem>();
        foreach (var raw in output.Split('\n'))
        {
            var m = LinePattern().Match(raw.TrimEnd('\r'));
            if (!m.Success || m.Groups["level"].Value is not ("emerg" or "alert" or "crit" or "error"))
            {
                continue;
            }

            var message = m.Groups["msg"].Value;
            var at = AtPattern().Match(message);
            list.Add(at.Success
                ? new Problem(m.Groups["level"].Value, message[..at.Index], at.Groups[1].Value)
                : new Problem(m.Groups["level"].Value, message, null));
        }

        return list;
    }

    public static bool IsDns(Problem p) => p.Message.Contains("host not found in upstream", StringComparison.Ordinal)
        || p.Message.Contains("host not found in resolver", StringComparison.Ordinal);

    public static Evidence ToEvidence(Problem p, string command) =>
        new(EvidenceKind.Command, p.Source ?? command, $"[{p.Level}] {p.Message}");

    [GeneratedRegex(@"\[(?<level>[a-z]+)\] (?:\d+#\d+: )?(?<msg>.*)$", RegexOptions.None, 1000)]
    private static partial Regex LinePattern();

    [GeneratedRegex(@" in (/[^\s]*:\d+)$", RegexOptions.None, 1000)]
    private static partial Regex AtPattern();
}
