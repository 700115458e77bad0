using NgxDoctor.TestSupport;

namespace NgxDoctor.Cli.Tests;

/// <summary>
/// The .NET tool package as ./build.sh makes it (dotnet pack: a RID-specific native package and the package that
/// points to it), installed with `dotnet tool install` from that folder alone, into a tool path and a NuGet cache of
/// the test's own: the installed command is the native binary and runs.
/// </summary>
[Collection(nameof(LauncherTests))]
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public void The_tool_package_installs_as_a_native_command_and_runs()
    {
        Skip.If(Environment.GetEnvironmentVariable("NGXDOCTOR_CLI") is null or "", "NGXDOCTOR_CLI names no native build (test.sh builds one with ./ngxdoctor)");
        var feed = Path.Combine(_dir, "feed");
        var project = Path.Combine(RepoRoot.Path, "src/NgxDoctor.Cli/NgxDoctor.Cli.csproj");
        var rid = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        // The same properties as ./build.sh and ./ngxdoctor: the native compile ./ngxdoctor made is up to date.
        Run(ownCache: false, "dotnet", "pack", project, "-c", "Release", "-r", rid, "-p:PublishAot=true", "-p:NgxDoctorTool=true", "-o", feed, "-nologo", "-v", "q");
        Run(ownCache: false, "dotnet", "pack", project, "-c", "Release", "-p:NgxDoctorTool=true", "-o", feed, "-nologo", "-v", "q");
        Assert.Equal(["ngxdoctor.1.0.0.nupkg", $"ngxdoctor.{rid}.1.0.0.nupkg"], Directory.GetFiles(feed).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var tools = Path.Combine(_dir, "tools");
        Run(ownCache: true, "dotnet", "tool", "install", "ngxdoctor", "--tool-path", tools, "--add-source", feed, "--ignore-failed-sources");
        var command = Path.Combine(tools, "ngxdoctor");
        var target = new FileInfo(command).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? command;
        Assert.Equal("\u007fELF", File.ReadAllText(target)[..4]);
        Assert.Matches(@"^ngxdoctor 1\.0\.0 \(commit [0-9a-f]+, built ", Run(ownCache: false, command, "--version"));
        Assert.StartsWith("# `upstream-down`:", Run(ownCache: false, command, "explain", "upstream-down"), StringComparison.Ordinal);
    }

    private string Run(bool ownCache, string file, params string[] args)
    {
        // With ownCache, a NuGet cache of its own: a package of the same version installed before must not stand in for this one.
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        if (ownCache)
        {
            environment["NUGET_PACKAGES"] = Path.Combine(_dir, "nuget");
        }

        var run = Processes.Run(file, TimeSpan.FromMinutes(6), environment, args);
        Assert.True(run.Code == 0, $"{file} {string.Join(' ', args)}: {run}");
        return run.Stdout;
    }
}
