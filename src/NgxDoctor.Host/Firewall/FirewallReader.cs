using System.Text.Json;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Firewall;

/// <summary>
/// Reads the packet filter's rules with nft (JSON), else iptables-save and ip6tables-save; says why when it cannot.
/// With a network namespace (/proc/PID/ns/net), the same host tools are run inside it through nsenter.
/// </summary>
public static class FirewallReader
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public static async Task<FirewallFacts> ReadAsync(CancellationToken ct, string? netns = null)
    {
        var problems = new List<string>();
        var nsenter = netns is null ? null : CommandRunner.Which("nsenter");
        if (netns is not null && nsenter is null)
        {
            return new FirewallFacts("none", "nsenter (util-linux) is missing: the rules of nginx's network namespace cannot be read", []);
        }

        // The tool runs in nginx's namespace; the binaries are the host's own, found before entering it.
        Task<CommandResult> Run(string tool, IReadOnlyList<string> args, Func<string, bool>? keep = null) => nsenter is null
            ? CommandRunner.RunAsync(tool, args, Limit, ct, keep)
            : CommandRunner.RunAsync(nsenter, [$"--net={netns}", "--", tool, .. args], Limit, ct, keep);

        if (CommandRunner.Which("nft") is { } nft)
        {
            var r = await Run(nft, ["-j", "list", "ruleset"]).ConfigureAwait(false);
            if (r.ExitCode == 0 && !r.TimedOut)
            {
                try
                {
                    return new FirewallFacts("nft -j list ruleset", null, NftRules.Parse(r.Output));
                }
                catch (JsonException e)
                {
                    problems.Add($"nft printed JSON that could not be read ({e.Message})");
                }
            }
            else
            {
                problems.Add($"{r.CommandLine}: {(r.TimedOut ? "timed out" : FirstLine(r.Output))}");
            }
        }

        var save = CommandRunner.Which("iptables-save");
        if (save is null)
        {
            problems.Add("neither nft nor iptables-save is installed");
            return new FirewallFacts("none", string.Join("; ", problems), []);
        }

        var rules = new List<FirewallRule>();
        foreach (var tool in new[] { save, CommandRunner.Which("ip6tables-save") }.OfType<string>())
        {
            // A Docker or Kubernetes node has megabytes of accept and NAT rules; only what IptablesRules reads is kept.
            var r = await Run(tool, [], IptablesRules.MayMatter).ConfigureAwait(false);
            if (r.ExitCode != 0 || r.TimedOut)
            {
                problems.Add($"{r.CommandLine}: {(r.TimedOut ? "timed out" : FirstLine(r.Output))}");
                continue;
            }

            rules.AddRange(IptablesRules.Parse(r.Output));
        }

        return new FirewallFacts("iptables-save", rules.Count == 0 && problems.Count > 0 ? string.Join("; ", problems) : null, rules);
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "failed";
        return line.Length > 200 ? line[..200] : line;
    }
}
