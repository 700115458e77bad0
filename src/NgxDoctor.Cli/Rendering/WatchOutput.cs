using NgxDoctor.Core.Watch;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>Where a watch's incidents go: lines (text or JSON) on stdout, or the live view with the same lines beneath it.</summary>
public sealed class WatchOutput(bool json, bool plain, string instance, TrafficStats stats)
{
    private readonly List<string> _log = [];

    public int Incidents { get; private set; }

    public Task EmitAsync(WatchEvent e)
    {
        Incidents += e.Change.Phase == IncidentPhase.Started ? 1 : 0;
        if (plain)
        {
            Console.Out.WriteLine(json ? WatchRenderer.Json(e) : WatchRenderer.Text(e));
            Console.Out.Flush();
        }
        else
        {
            _log.Add(WatchRenderer.Text(e));
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs the watch; on a terminal inside the live display, redrawn at most once a second from its ticks.</summary>
    public async Task RunAsync(Func<Action<DateTime>, Task> watch)
    {
        if (plain)
        {
            await watch(_ => { });
            return;
        }

        var console = Terminal.Create();
        var drawn = DateTime.MinValue;
        var width = console.Profile.Width;
        await console.Live(WatchLiveView.Render(instance, stats, _log, DateTime.Now, width)).AutoClear(false).StartAsync(async ctx =>
        {
            await watch(now =>
            {
                if (now - drawn >= TimeSpan.FromSeconds(1))
                {
                    drawn = now;
                    ctx.UpdateTarget(WatchLiveView.Render(instance, stats, _log, now, width));
                }
            });

            // The table stays on screen without its lines: they follow it once, all of them (not twice).
            ctx.UpdateTarget(WatchLiveView.Render(instance, stats, [], DateTime.Now, width));
            ctx.Refresh();
        });
        foreach (var line in _log)
        {
            Console.Out.WriteLine(line);
        }
    }
}
