using System.Diagnostics;

namespace NgxDoctor.TestSupport;

/// <summary>A finished run of a program the tests start (docker, ansible-playbook, dotnet, a script): exit code and output.</summary>
public sealed record ProcessRun(int Code, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {Code}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

public static class Processes
{
    /// <summary>Runs <paramref name="file"/> to its end (killed, with its children, after <paramref name="timeout"/>: exit -1).</summary>
    public static ProcessRun Run(string file, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new ProcessRun(-1, output.Result, $"{file} {string.Join(' ', args)} did not finish in {timeout}\n{errors.Result}");
        }

        return new ProcessRun(p.ExitCode, output.Result, errors.Result);
    }
}
