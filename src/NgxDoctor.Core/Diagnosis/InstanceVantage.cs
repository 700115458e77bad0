using System.Globalization;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// Remedies for this instance, run where it is: nginx's own commands name its binary, -p and -c (a bare `nginx -s
/// reload` signals the system's nginx, not one started with `-c /srv/x/nginx.conf`); for one in a container they run
/// in the container (docker exec); for one in a network namespace of its own, socket commands (ss, curl, dig...)
/// run there (nsenter) and probe, DNS and connection evidence says it was taken from there.
/// </summary>
public static class InstanceVantage
{
    private static readonly string[] NetworkCommands = ["ss ", "curl ", "dig ", "nc ", "ping "];
    private static readonly string[] StandardBinaries = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/bin/nginx"];

    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, DiagnosisFacts facts)
    {
        var identity = facts.Identity;
        var nginx = NginxCommand(facts.Instance);
        var elsewhere = identity is { MasterPid: not null } && (identity.OwnNetwork || identity.Container is not null);
        if (nginx == "nginx" && !elsewhere)
        {
            return findings;
        }

        var from = elsewhere && identity!.OwnNetwork ? $" (from {identity.Where})" : "";
        return findings.Select(f => f with
        {
            Evidence = f.Evidence.Select(e => from.Length > 0 && e.Kind is EvidenceKind.Probe or EvidenceKind.Dns or EvidenceKind.Connection ? e with { Text = e.Text + from } : e).ToList(),
            Remedy = f.Remedy with
            {
                Summary = nginx == "nginx" ? f.Remedy.Summary : f.Remedy.Summary.Replace("`nginx -", $"`{nginx} -", StringComparison.Ordinal).Replace("&& nginx -", $"&& {nginx} -", StringComparison.Ordinal),
                Commands = f.Remedy.Commands.Select(c => Where(Own(c, nginx), identity, elsewhere)).ToList(),
            },
        }).ToList();
    }

    /// <summary>"nginx", or the instance's binary with the -p and -c its master was started with.</summary>
    public static string NginxCommand(NginxInstance? master)
    {
        if (master is null)
        {
            return "nginx";
        }

        var exe = master.Executable is { } e && !e.EndsWith(" (deleted)", StringComparison.Ordinal) && !StandardBinaries.Contains(e) ? Quote(e) : "nginx";
        var prefix = master.Prefix is { } p ? $" -p {Quote(p)}" : "";
        var conf = master.ConfigFile is { } c ? $" -c {Quote(c)}" : "";
        return exe + prefix + conf;
    }

    private static string Own(string command, string nginx) =>
        nginx != "nginx" && command.StartsWith("nginx ", StringComparison.Ordinal) ? nginx + command["nginx".Length..] : command;

    private static string Where(string command, InstanceIdentity? identity, bool elsewhere)
    {
        if (!elsewhere || identity is not { MasterPid: { } pid })
        {
            return command;
        }

        if (identity.Container is { } c && (IsNginx(command) || command.StartsWith("getent ", StringComparison.Ordinal)))
        {
            return $"{(c.Runtime is "docker" or "podman" ? c.Runtime : "crictl")} exec {c.Name ?? c.ShortId} {command}";
        }

        return identity.OwnNetwork && NetworkCommands.Any(n => command.StartsWith(n, StringComparison.Ordinal))
            ? $"nsenter -t {pid.ToString(CultureInfo.InvariantCulture)} -n {command}"
            : command;
    }

    private static bool IsNginx(string command) => command.StartsWith("nginx ", StringComparison.Ordinal) || command.StartsWith('/') && command.Split(' ')[0].EndsWith("/nginx", StringComparison.Ordinal);

    private static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) || s.Contains('\'', StringComparison.Ordinal) ? "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : s;
}
