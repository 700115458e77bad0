using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

/// <summary>
/// ./build.sh's .deb, built around the native binary under test, installed into a dpkg root of the test's own (the
/// machine's own dpkg database is never touched), run, completed, and purged without a file left behind.
/// </summary>
public sealed class PackagingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-deb-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public void The_deb_installs_runs_completes_and_purges_cleanly()
    {
        var binary = Environment.GetEnvironmentVariable("NGXDOCTOR_CLI");
        Skip.If(binary is null or "", "NGXDOCTOR_CLI names no native binary (test.sh sets it)");
        Skip.IfNot(File.Exists("/usr/bin/dpkg-deb"), "dpkg-deb is not installed");
        var repo = RepoRoot.Path;
        var artifacts = Path.Combine(_dir, "artifacts");
        Run(Path.Combine(repo, "build.sh"), "--binary", binary!, "--out", artifacts, "--no-image");
        var deb = Assert.Single(Directory.GetFiles(artifacts, "ngxdoctor_*.deb"));
        Assert.Single(Directory.GetFiles(artifacts, "ngxdoctor-*-linux-x64"));
        var release = Assert.Single(Directory.GetFiles(artifacts, "ngxdoctor-*-linux-x64.tar.gz"));
        var listing = Run("tar", "-tzvf", release);
        Assert.Matches(@"-rwxr-xr-x 0/0 .* ngxdoctor-[0-9.]+-linux-x64/dist/ansible/library/ngxdoctor\n", listing);
        Assert.Matches(@"-rwxr-xr-x 0/0 .* ngxdoctor-[0-9.]+-linux-x64/ngxdoctor\n", listing);
        Assert.Contains("/docs/causes/upstream-down.md", listing, StringComparison.Ordinal);
        if (File.Exists("/usr/bin/lintian"))
        {
            // Every tag lintian has, error or warning, is mended or justified in dist/deb/lintian-justified.
            Run("lintian", "--fail-on", "error,warning", "--suppress-tags-from-file", Path.Combine(repo, "dist/deb/lintian-justified"), deb);
        }

        var root = Path.Combine(_dir, "root");
        foreach (var d in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }

        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/status"), "");
        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/available"), "");
        // libc6 is the machine's, not the empty root's: the one dependency is forced, nothing else.
        // The maintainer script (postrm) runs for that root without a chroot into it, through DPKG_ROOT.
        Run("dpkg", $"--root={root}", "--log=/dev/null", "--force-depends", "--force-script-chrootless", "-i", deb);
        Assert.Matches(@"^ngxdoctor \d+\.\d+\.\d+ \(commit ", Run(Path.Combine(root, "usr/bin/ngxdoctor"), "--version"));
        Assert.Contains("`upstream-down`", Run(Path.Combine(root, "usr/bin/ngxdoctor"), "explain", "upstream-down"), StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/bin/ngxdoctor watch", File.ReadAllText(Path.Combine(root, "lib/systemd/system/ngxdoctor-watch.service")), StringComparison.Ordinal);
        string Complete(string words) => Run("bash", "-c", $"source {root}/usr/share/bash-completion/completions/ngxdoctor; COMP_WORDS=(ngxdoctor {words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _ngxdoctor; echo ${{COMPREPLY[@]}}").Trim();
        Assert.Equal("--metrics-listen", Complete("watch --metr"));
        Assert.Equal("route", Complete("rou"));
        Assert.Equal("text json markdown nagios sarif junit", Complete("diagnose --format ''"));
        Assert.Equal("upstream-down upstream-crash upstream-timeout", Complete("fix --only upstream-"));
        Assert.Equal("socket-permission", Complete("explain socket"));
        var man = Run("sh", "-c", $"gunzip -c {root}/usr/share/man/man1/ngxdoctor.1.gz");
        foreach (var command in new[] { "diagnose", "upstreams", "route", "collect", "fix", "logs", "watch", "report", "explain", "demo" })
        {
            Assert.Contains($".SS {command}\n", man, StringComparison.Ordinal);
        }

        Assert.Contains("\\-\\-metrics\\-listen", man, StringComparison.Ordinal);
        if (File.Exists("/usr/bin/man"))
        {
            // As man shows it on an 80-column terminal: a line wider is only one nothing can break (a long path).
            var shown = Run("sh", "-c", $"MANWIDTH=80 man -l {root}/usr/share/man/man1/ngxdoctor.1.gz 2>/dev/null");
            Assert.True(shown.Split('\n').Count(l => l.Length > 80) <= 2, shown);
        }
        Assert.True(File.Exists(Path.Combine(root, "etc/ngxdoctor/watch.conf")));

        // What ngxdoctor keeps while installed (fix backups, incidents) goes on purge (issue 28: it stayed).
        Directory.CreateDirectory(Path.Combine(root, "var/lib/ngxdoctor/backups/20261207-1"));
        File.WriteAllText(Path.Combine(root, "var/lib/ngxdoctor/backups/20261207-1/manifest.json"), "{}");
        Run("dpkg", $"--root={root}", "--log=/dev/null", "--force-script-chrootless", "-P", "ngxdoctor");
        Assert.False(Directory.Exists(Path.Combine(root, "var/lib/ngxdoctor")));
        var left = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p)).Where(p => !p.StartsWith("var", StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, string.Join("\n", left));
    }

    private static string Run(string file, params string[] args)
    {
        var run = Processes.Run(file, TimeSpan.FromMinutes(5), null, args);
        Assert.True(run.Code == 0, $"{file} {string.Join(' ', args)}: {run}");
        return run.Stdout;
    }
}
