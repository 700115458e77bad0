using NgxDoctor.TestSupport;
using System.Diagnostics;

namespace NgxDoctor.Cli.Tests;

/// <summary>
/// The launcher's fallback: without a C toolchain (forced here with NGXDOCTOR_BUILD=r2r) it builds ReadyToRun code run
/// by `dotnet`. The native path is what every other CLI test and scenario runs (test.sh). Then: a docs change does not
/// rebuild; as root a code change does not either (noted); root builds nothing in another user's checkout.
/// </summary>
[Collection(nameof(LauncherTests))]
public sealed class LauncherTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("ngxdoctor-launcher-").FullName;

    public void Dispose() => Directory.Delete(_copy, true);

    private void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private (int Code, string Out, string Err) Launch(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(_copy, "ngxdoctor")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NGXDOCTOR_BUILD"] = "r2r";
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("./ngxdoctor did not build and run within 5 minutes");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Without_a_native_build_the_launcher_builds_for_dotnet_and_runs_it()
    {
        var root = RepoRoot.Path;
        foreach (var file in new[] { "ngxdoctor", "Directory.Build.props", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(_copy, file));
        }

        File.SetUnixFileMode(Path.Combine(_copy, "ngxdoctor"), File.GetUnixFileMode(Path.Combine(root, "ngxdoctor")));
        Copy(Path.Combine(root, "src"), Path.Combine(_copy, "src"));
        Copy(Path.Combine(root, "docs"), Path.Combine(_copy, "docs"));

        var first = Launch("explain", "upstream-down");
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("building for dotnet", first.Err, StringComparison.Ordinal);
        Assert.StartsWith("# `upstream-down`:", first.Out, StringComparison.Ordinal);
        Assert.Equal("ngxdoctor.dll", File.ReadAllText(Path.Combine(_copy, ".build/cli/.built")).Trim());

        var empty = Path.Combine(_copy, "empty.log");
        File.WriteAllText(empty, "");
        var second = Launch("logs", "--file", empty);
        Assert.True(second.Code == 0, second.Err);
        Assert.Equal("", second.Err);
        Assert.Contains("0 line(s) read", second.Out, StringComparison.Ordinal);

        var stamp = Path.Combine(_copy, ".build/cli/.built");
        var built = File.GetLastWriteTimeUtc(stamp);
        File.SetLastWriteTimeUtc(Path.Combine(_copy, "docs/causes/upstream-down.md"), DateTime.UtcNow.AddMinutes(1));
        var docs = Launch("--version");
        Assert.True(docs.Code == 0 && docs.Err == "", "a docs change rebuilt or noted: " + docs.Err);
        Assert.Equal(built, File.GetLastWriteTimeUtc(stamp));
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        File.SetLastWriteTimeUtc(Path.Combine(_copy, "src/NgxDoctor.Cli/Program.cs"), DateTime.UtcNow.AddMinutes(1));
        var code = Launch("--version");
        Assert.True(code.Code == 0, code.Err);
        Assert.Contains("src/NgxDoctor.Cli/Program.cs changed since this build; running the build there is", code.Err, StringComparison.Ordinal);
        Assert.Equal(built, File.GetLastWriteTimeUtc(stamp));

        Directory.Delete(Path.Combine(_copy, ".build"), true);
        Chown(_copy, 65534);
        var foreign = Launch("--version");
        Assert.Equal(3, foreign.Code);
        Assert.Contains("this checkout belongs to nobody; root does not build it", foreign.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_copy, ".build/cli")), "root built another user's checkout");
        Chown(_copy, 0);
    }

    private static void Chown(string path, int uid)
    {
        using var p = Process.Start("chown", ["-R", $"{uid}", path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}

/// <summary>The build saturates both cores: it runs alone, so the time bounds of the other CLI tests hold.</summary>
[CollectionDefinition(nameof(LauncherTests), DisableParallelization = true)]
public sealed class LauncherTestsCollection;
