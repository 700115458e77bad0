using System.Diagnostics;

namespace NgxDoctor.Cli.Tests;

/// <summary>
/// The launcher's fallback: without a C toolchain (forced here with NGXDOCTOR_BUILD=r2r) it builds ReadyToRun code run
/// by `dotnet`. The native path is what every other CLI test and scenario runs (test.sh).
/// </summary>
[Collection(nameof(LauncherTests))]
public sealed class LauncherTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("ngxdoctor-launcher-").FullName;

    public void Dispose() => Directory.Delete(_copy, true);

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ngxdoctor")) && File.Exists(Path.Combine(dir.FullName, "NgxDoctor.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (with ./ngxdoctor) was not found above the test binaries");
    }

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
        var root = Root();
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
    }
}

/// <summary>The build saturates both cores: it runs alone, so the time bounds of the other CLI tests hold.</summary>
[CollectionDefinition(nameof(LauncherTests), DisableParallelization = true)]
public sealed class LauncherTestsCollection;
