using System.Globalization;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// For an instance in a network namespace of its own: probe, DNS and connection evidence says it was taken from
/// there, and remedy commands that look at sockets (ss, curl, dig...) run there too (nsenter into its master's
/// namespace); for one in a container, nginx's own commands run in the container (docker exec).
/// </summary>
public static class InstanceVantage
{
    private static readonly string[] NetworkCommands = ["ss ", "curl ", "dig ", "nc ", "ping "];

    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, InstanceIdentity? identity)
    {
        if (identity is not { MasterPid: { } pid } || (!identity.OwnNetwork && identity.Container is null))
        {
            return findings;
        }

        var from = identity.OwnNetwork ? $" (from {identity.Where})" : "";
        return findings.Select(f => f with
        {
            Evidence = f.Evidence.Select(e => from.Length > 0 && e.Kind is EvidenceKind.Probe or EvidenceKind.Dns or EvidenceKind.Connection ? e with { Text = e.Text + from } : e).ToList(),
            Remedy = f.Remedy with { Commands = f.Remedy.Commands.Select(c => Where(c, identity, pid)).ToList() },
        }).ToList();
    }

    private static string Where(string command, InstanceIdentity identity, int pid)
    {
        if (identity.Container is { } c && (command.StartsWith("nginx ", StringComparison.Ordinal) || command.StartsWith("getent ", StringComparison.Ordinal)))
        {
            return $"{(c.Runtime is "docker" or "podman" ? c.Runtime : "crictl")} exec {c.Name ?? c.ShortId} {command}";
        }

        return identity.OwnNetwork && NetworkCommands.Any(n => command.StartsWith(n, StringComparison.Ordinal))
            ? $"nsenter -t {pid.ToString(CultureInfo.InvariantCulture)} -n {command}"
            : command;
    }
}
