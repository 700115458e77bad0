using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// The README's first command and the .deb on a fresh Debian 12 machine: containers of the images
/// tests/containers/build-debian.sh made with debootstrap (minbase, empty apt lists, no sudo; and one with a sudo user),
/// with no network, their apt source a local repository of Debian's packages. The release folder and the .deb are
/// ./build.sh's, around the native binary under test.
/// </summary>
[Trait("Category", "Docker")]
public sealed class InstallScenarios : IDisposable
{
    private const string Fresh = "ngxdoctor-debian:local";
    private const string SudoUser = "ngxdoctor-debian-sudo:local";
    private readonly List<string> _containers = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-install-").FullName;

    public void Dispose()
    {
        foreach (var id in _containers)
        {
            Docker(TimeSpan.FromSeconds(60), "rm", "-f", "-v", id);
        }

        Directory.Delete(_dir, true);
    }

    [SkippableFact]
    public async Task The_readmes_first_command_and_the_deb_work_on_a_fresh_debian_as_root_and_as_a_sudo_user()
    {
        var repo = Environment.GetEnvironmentVariable("NGXDOCTOR_DEBIAN_REPO") is { Length: > 0 } r ? r : Path.Combine(RepoRoot.Path, ".build/debian-repo");
        var noDocker = DockerLab.Why();
        Skip.If(noDocker is not null, noDocker);
        Skip.If(Environment.GetEnvironmentVariable("NGXDOCTOR_CLI") is null or "", "NGXDOCTOR_CLI names no native binary (test.sh sets it)");
        Skip.IfNot(File.Exists(Path.Combine(repo, "Packages")) && Docker(TimeSpan.FromSeconds(20), "image", "inspect", SudoUser).Code == 0,
            "no fresh Debian image: test.sh builds it with tests/containers/build-debian.sh");

        var (command, sudoForm) = ReadmeFirstCommand();
        Assert.Equal($"sudo sh -c '{command}'", sudoForm);
        var artifacts = Path.Combine(_dir, "artifacts");
        Run(Path.Combine(RepoRoot.Path, "build.sh"), "--binary", Environment.GetEnvironmentVariable("NGXDOCTOR_CLI")!, "--out", artifacts, "--no-image");
        var tarball = Assert.Single(Directory.GetFiles(artifacts, "ngxdoctor-*-linux-*.tar.gz"));
        var folder = Path.GetFileName(tarball)[..^".tar.gz".Length];
        var deb = Assert.Single(Directory.GetFiles(artifacts, "*.deb"));
        string[] mounts = ["-v", $"{repo}:/srv/debian-repo:ro", "-v", $"{tarball}:/tmp/release.tar.gz:ro", "-v", $"{deb}:/tmp/ngxdoctor.deb:ro"];

        // All three at once: each is a minute of dpkg alone, and they share nothing.
        var asRoot = Start(Fresh, mounts, $"cd /root && tar -xzf /tmp/release.tar.gz && cd {folder} && {command}");
        var asSudoUser = Start(SudoUser, mounts, $"test \"$(id -un)\" = ops && tar -xzf /tmp/release.tar.gz && cd {folder} && {sudoForm}");
        var fromDeb = Start(Fresh, mounts, DebScript);

        foreach (var (id, who) in new[] { (asRoot, "root"), (asSudoUser, "a sudo user") })
        {
            var (code, log) = await Finish(id);
            Assert.True(code == 0, $"the README's first command as {who}: exit {code}\n{log}");
            AssertDemo(log);
        }

        var (debCode, debLog) = await Finish(fromDeb);
        Assert.True(debCode == 0, $"the .deb: exit {debCode}\n{debLog}");
        AssertDemo(debLog);
        Assert.Contains("ngxdoctor 1.0.0 (commit ", debLog, StringComparison.Ordinal);
        Assert.Contains("critical upstream-down  Nothing is listening on 127.0.0.1:9", debLog, StringComparison.Ordinal);
        Assert.Contains("/etc/nginx/sites-enabled/default:4  proxy_pass http://127.0.0.1:9;", debLog, StringComparison.Ordinal);
        Assert.Contains("diagnose exit 2", debLog, StringComparison.Ordinal);
        Assert.Contains("purged: no /usr/bin/ngxdoctor, no /etc/ngxdoctor", debLog, StringComparison.Ordinal);
    }

    /// <summary>After `apt-get install` of the .deb: --version, demo, a real nginx broken and diagnosed, then purge.</summary>
    private const string DebScript = """
        set -e
        apt-get update && apt-get install -y /tmp/ngxdoctor.deb nginx python3
        ngxdoctor --version
        ngxdoctor demo
        printf 'server {\n  listen 127.0.0.1:8080 default_server;\n  location / {\n    proxy_pass http://127.0.0.1:9;\n  }\n}\n' > /etc/nginx/sites-enabled/default
        nginx -t && { nginx -s reload 2>/dev/null || nginx; }
        sleep 1
        set +e
        ngxdoctor diagnose; echo "diagnose exit $?"
        set -e
        apt-get purge -y ngxdoctor
        [ ! -e /usr/bin/ngxdoctor ] && [ ! -e /etc/ngxdoctor ] && echo "purged: no /usr/bin/ngxdoctor, no /etc/ngxdoctor"
        """;

    private static void AssertDemo(string log)
    {
        Assert.Contains("-> 502 Bad Gateway", log, StringComparison.Ordinal);
        Assert.Contains("critical upstream-down  Nothing is listening on 127.0.0.1:", log, StringComparison.Ordinal);
        Assert.Contains("connection refused (111)", log, StringComparison.Ordinal);
        // In a container without CAP_SYS_ADMIN nginx -t's sandbox cannot be made: not checked, never a config-error.
        Assert.DoesNotContain("critical config-error", log, StringComparison.Ordinal);
        Assert.Contains("config-error: nginx -t not run: no private mount namespace for it (unshare: unshare failed: Operation not permitted)", log, StringComparison.Ordinal);
    }

    /// <summary>The README's first line, without its comment, and the form its comment gives a sudo user.</summary>
    private static (string Command, string SudoForm) ReadmeFirstCommand()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot.Path, "README.md"));
        var first = lines[Array.IndexOf(lines, "```") + 1];
        var hash = first.IndexOf("  #", StringComparison.Ordinal);
        var comment = first[hash..];
        var sudo = comment.IndexOf("sudo sh -c '", StringComparison.Ordinal);
        Assert.True(sudo >= 0, "the README's first line says no sudo form: " + first);
        var command = first[..hash].Trim();
        return (command, comment[sudo..(comment.IndexOf("'", sudo + 12, StringComparison.Ordinal) + 1)].Replace("...", command, StringComparison.Ordinal));
    }

    private string Start(string image, string[] mounts, string script)
    {
        var (code, output) = Docker(TimeSpan.FromSeconds(60), ["run", "-d", "--network", "none", .. mounts, image, "sh", "-c", script]);
        Assert.True(code == 0, output);
        _containers.Add(output.Trim());
        return output.Trim();
    }

    private static async Task<(int Code, string Log)> Finish(string id)
    {
        var (waited, status) = await Task.Run(() => Docker(TimeSpan.FromMinutes(6), "wait", id));
        Assert.True(waited == 0, status);
        var (_, log) = Docker(TimeSpan.FromSeconds(60), "logs", id);
        return (int.Parse(status.Trim(), System.Globalization.CultureInfo.InvariantCulture), log);
    }

    private static (int Code, string Output) Docker(TimeSpan timeout, params string[] args)
    {
        var run = Processes.Run("docker", timeout, null, args);
        return (run.Code, run.Stdout + run.Stderr);
    }

    private static void Run(string file, params string[] args)
    {
        var (code, output) = (0, "");
        try
        {
            output = Namespaces.Run(file, TimeSpan.FromMinutes(3), args);
        }
        catch (InvalidOperationException e)
        {
            (code, output) = (1, e.Message);
        }

        Assert.True(code == 0, output);
    }
}
