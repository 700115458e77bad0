using System.Diagnostics;
using System.Text;
using NgxDoctor.Config;

namespace NgxDoctor.Host;

public sealed record CommandResult(int ExitCode, string Output, bool TimedOut, string CommandLine)
{
    /// <summary>Why the program was not run at all (another user could have planted or changed it); null when it ran.</summary>
    public string? Refused { get; init; }
}

/// <summary>
/// Runs a program with a deadline and collects its stdout and stderr together; kills it when time is up. Only a
/// program that root owns on a path only root can change is run (<see cref="FileTrust.WhyNotRunnable"/>): ngxdoctor
/// runs as root, and a binary another user wrote would run with root's rights.
/// </summary>
public static class CommandRunner
{
    /// <summary>A program on PATH or in the sbin directories (not on an ordinary user's PATH).</summary>
    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <param name="keep">Which lines of stdout to keep (all by default; stderr is always kept, it says why a command failed); the output is capped at 64 KB of kept lines.</param>
    public static async Task<CommandResult> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct = default, Func<string, bool>? keep = null)
    {
        var commandLine = file + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
        var program = file.Contains('/', StringComparison.Ordinal) ? file : Which(file);
        if (program is null)
        {
            return new CommandResult(127, $"{file}: not found", false, commandLine);
        }

        if (FileTrust.WhyNotRunnable(program) is { } why)
        {
            return new CommandResult(126, $"not run: {why}", false, commandLine) { Refused = why };
        }

        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(output, e.Data, keep);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data, null);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandResult(127, e.Message, false, commandLine);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            process.WaitForExit();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new CommandResult(-1, output.ToString(), true, commandLine);
        }

        lock (output)
        {
            return new CommandResult(process.ExitCode, output.ToString(), false, commandLine);
        }
    }

    private static void Append(StringBuilder sb, string? line, Func<string, bool>? keep)
    {
        if (line is null || (keep is not null && !keep(line)))
        {
            return;
        }

        lock (sb)
        {
            if (sb.Length < 64 * 1024)
            {
                sb.Append(line).Append('\n');
            }
        }
    }
}
