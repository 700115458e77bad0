using NgxDoctor.Host.Logs;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>A progress bar on the terminal (stderr) when a log scan takes more than a second; nothing when not a TTY.</summary>
public static class ScanProgressDisplay
{
    public static async Task<T> ShowAsync<T>(Task<T> work, long totalBytes)
    {
        if (Console.IsErrorRedirected || await Task.WhenAny(work, Task.Delay(1000)) == work)
        {
            return await work;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var start = LogLineReader.BytesRead;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("reading logs", maxValue: Math.Max(totalBytes, 1));
                task.IsIndeterminate = totalBytes == 0;
                while (!work.IsCompleted)
                {
                    task.Value = Math.Min(LogLineReader.BytesRead - start, task.MaxValue);
                    await Task.WhenAny(work, Task.Delay(100));
                }

                task.Value = task.MaxValue;
            });
        return await work;
    }
}
