using System.Globalization;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// For an instance in a network namespace of its own: probe, DNS and connection evidence says it was taken from
/// there, and remedy commands that look at sockets (ss, curl, dig...) run there too (nsenter into its master's namespace).
/// </summary>
public static class InstanceVantage
{
    private static readonly string[] NetworkCommands = ["ss ", "curl ", "dig ", "getent ", "nc ", "ping "];

    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, InstanceIdentity? identity)
    {
        if (identity is not { OwnNetwork: true, MasterPid: { } pid })
        {
            return findings;
        }

        var from = $" (from {identity.Where})";
        var enter = $"nsenter -t {pid.ToString(CultureInfo.InvariantCulture)} -n ";
        return findings.Select(f => f with
        {
            Evidence = f.Evidence.Select(e => e.Kind is EvidenceKind.Probe or EvidenceKind.Dns or EvidenceKind.Connection ? e with { Text = e.Text + from } : e).ToList(),
            Remedy = f.Remedy with { Commands = f.Remedy.Commands.Select(c => NetworkCommands.Any(n => c.StartsWith(n, StringComparison.Ordinal)) ? enter + c : c).ToList() },
        }).ToList();
    }
}
