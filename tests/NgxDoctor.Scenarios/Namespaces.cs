using System.Diagnostics;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Namespaces a scenario makes for itself, so that it can change what it must not change on the host: a network
/// namespace for packet-filter rules, a private mount namespace to give the lab its own /etc/hosts.
/// </summary>
public static class Namespaces
{
    /// <summary>A new network namespace with loopback up; the returned wrapper runs a command inside it. Deleted on dispose.</summary>
    public static NetworkNamespace CreateNetwork()
    {
        var name = "ngxd-" + Guid.NewGuid().ToString("N")[..8];
        Run("ip", "netns", "add", name);
        Run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        return new NetworkNamespace(name);
    }

    /// <summary>A wrapper that runs a command in a private mount namespace where <paramref name="hostsFile"/> is /etc/hosts.</summary>
    public static IReadOnlyList<string> WithHosts(string hostsFile) =>
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", $"mount --bind '{hostsFile}' /etc/hosts && exec \"$0\" \"$@\""];

    public static string Run(string file, params string[] args) => Run(file, TimeSpan.FromSeconds(20), args);

    public static string Run(string file, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        return p.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {errors.Result}");
    }
}

public sealed class NetworkNamespace(string name) : IDisposable
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Wrapper => ["ip", "netns", "exec", Name];

    /// <summary>Runs an nft command (arguments as one would type them) inside the namespace.</summary>
    public void Nft(string command) => Namespaces.Run("ip", "netns", "exec", Name, "nft", command);

    /// <summary>An input rule inside the namespace for TCP to <paramref name="port"/>: "drop", "reject with tcp reset"...</summary>
    public void FilterPort(int port, string verdict = "drop")
    {
        Nft("add table inet ngxdtest");
        Nft("add chain inet ngxdtest input { type filter hook input priority 0 ; }");
        Nft($"add rule inet ngxdtest input tcp dport {port.ToString(System.Globalization.CultureInfo.InvariantCulture)} {verdict}");
    }

    /// <summary>A rule on the namespace's output hook for sockets of one owner ("meta skuid 65534"), as an operator might have left it.</summary>
    public void FilterOwner(string owner, int port, string verdict)
    {
        Nft("add table inet ngxdtest");
        Nft("add chain inet ngxdtest output { type filter hook output priority 0 ; }");
        Nft($"add rule inet ngxdtest output {owner} tcp dport {port.ToString(System.Globalization.CultureInfo.InvariantCulture)} {verdict}");
    }

    /// <summary>A GET from inside the namespace (python's urllib); returns the status.</summary>
    public int Get(string url)
    {
        const string Script = "import sys, urllib.request, urllib.error\ntry:\n    print(urllib.request.urlopen(sys.argv[1], timeout=30).status)\nexcept urllib.error.HTTPError as e:\n    print(e.code)";
        return int.Parse(Namespaces.Run("ip", "netns", "exec", Name, "python3", "-c", Script, url).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            Namespaces.Run("ip", "netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
