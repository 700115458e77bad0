using System.Diagnostics;
using System.Text.Json;

namespace NgxDoctor.TestSupport;

public sealed record CliRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0}s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the built ngxdoctor as a separate process, as a user would, and captures exit code and output.</summary>
public static class NgxDoctorCli
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "ngxdoctor.dll");

    /// <summary>
    /// The program under test: the binary NGXDOCTOR_CLI names (test.sh sets it to what ./ngxdoctor built, the native
    /// binary users run), else `dotnet ngxdoctor.dll` built beside the tests.
    /// </summary>
    public static IReadOnlyList<string> Command => Environment.GetEnvironmentVariable("NGXDOCTOR_CLI") is { Length: > 0 } exe ? [exe] : ["dotnet", Dll];

    /// <summary>A start of the program under test with these arguments, output redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args) => StartInfo([], args);

    /// <summary>The same under a wrapper command (`ip netns exec NS`, `unshare ...`) that execs it.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> wrapper, IEnumerable<string> args)
    {
        var line = wrapper.Concat(Command).Concat(args).ToList();
        var psi = new ProcessStartInfo(line[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in line.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    public static CliRun Run(params string[] args) => Run(TimeSpan.FromSeconds(60), args);

    public static CliRun Run(TimeSpan timeout, params string[] args) => Run(timeout, new Dictionary<string, string>(), args);

    public static CliRun Run(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args) => RunUnder([], timeout, environment, args);

    /// <summary>Runs it with <paramref name="directory"/> as the current directory (where root may stand: /tmp, a shared project).</summary>
    public static CliRun RunIn(string directory, TimeSpan timeout, params string[] args) => RunUnder(["env", "-C", directory], timeout, new Dictionary<string, string>(), args);

    /// <summary>
    /// With NGXDOCTOR_TEST_CAPTURE naming a directory, every JSON document a run printed is kept there, so two test runs
    /// (before and after a change to the insides) can be compared document by document.
    /// </summary>
    private static void Capture(string[] args, CliRun run)
    {
        if (Environment.GetEnvironmentVariable("NGXDOCTOR_TEST_CAPTURE") is not { Length: > 0 } dir || !run.Stdout.TrimStart().StartsWith('{'))
        {
            return;
        }

        Directory.CreateDirectory(dir);
        var name = Path.Combine(dir, $"{DateTime.UtcNow:HHmmss.fffffff}-{Environment.ProcessId}.json");
        File.WriteAllText(name, JsonSerializer.Serialize(new { args, exit = run.ExitCode, stdout = run.Stdout }));
    }

    /// <summary>Runs ngxdoctor under a wrapper command (`ip netns exec NS`, `unshare ...`) that execs it.</summary>
    public static CliRun RunUnder(IReadOnlyList<string> wrapper, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = StartInfo(wrapper, args);
        psi.RedirectStandardInput = true;
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"ngxdoctor {string.Join(' ', args)} did not finish within {timeout}");
        }

        p.WaitForExit();
        var run = new CliRun(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
        Capture(args, run);
        return run;
    }
}
