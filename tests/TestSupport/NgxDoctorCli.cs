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
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "ngxdoctor.dll");

    public static CliRun Run(params string[] args) => Run(TimeSpan.FromSeconds(60), args);

    public static CliRun Run(TimeSpan timeout, params string[] args) => Run(timeout, new Dictionary<string, string>(), args);

    public static CliRun Run(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args) => RunUnder([], timeout, environment, args);

    /// <summary>Runs ngxdoctor under a wrapper command (`ip netns exec NS`, `unshare ...`) that execs it.</summary>
    public static CliRun RunUnder(IReadOnlyList<string> wrapper, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var w in wrapper.Skip(1).Append(wrapper.Count > 0 ? "dotnet" : null).OfType<string>())
        {
            psi.ArgumentList.Add(w);
        }

        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

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
        return new CliRun(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
