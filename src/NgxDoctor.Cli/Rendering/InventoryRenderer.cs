using NgxDoctor.Config.Upstreams;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>The `upstreams` listing: each address, its group and parameters, and every place that passes requests to it.</summary>
public static class InventoryRenderer
{
    public static void Render(IAnsiConsole console, string configFile, UpstreamInventory inventory)
    {
        console.MarkupLine($"[bold]{inventory.Targets.Count} upstream address(es)[/] in {Terminal.Safe(configFile)}");
        foreach (var t in inventory.Targets)
        {
            console.WriteLine();
            var group = "";
            if (t.Group is not null)
            {
                var g = inventory.Groups.First(x => x.Name == t.Group);
                var parameters = t.Server is { Parameters.Count: > 0 } s ? " " + string.Join(' ', s.Parameters.Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key}={p.Value}")) : "";
                var keepalive = g.Keepalive is { } k ? $", keepalive {k}" : "";
                group = $"  upstream {t.Group}{parameters} ({g.Balancer}{keepalive}) at {t.Server!.Pos}";
            }

            console.MarkupLine($"[bold]{Terminal.Safe(t.Address.Text)}[/]  [grey]{t.Address.Kind.ToString().ToLowerInvariant()}, {Terminal.Safe(t.Protocol)}[/]{Terminal.Safe(group)}");
            foreach (var site in t.Sites)
            {
                var server = site.ServerNames.Count > 0 ? string.Join(' ', site.ServerNames) : site.Listens.FirstOrDefault() ?? "-";
                console.MarkupLine($"    {Terminal.Safe(site.Pos.ToString())}  {Terminal.Safe(site.Text)}  [grey]server[/] {Terminal.Safe(server)}  {(NgxDoctor.Config.Upstreams.StreamPass.IsStream(site) ? "[grey](stream)[/]" : $"[grey]location[/] {Terminal.Safe(site.Location ?? "-")}")}");
                var set = site.Settings.Select(s => $"{s.Name.Split('_', 2)[1]}={s.Value}{(s.IsDefault ? "" : "*")}");
                console.MarkupLine($"      [grey]{Terminal.Safe(string.Join("  ", set))}[/]");
                if (site.Resolver is { } r)
                {
                    console.MarkupLine($"      [grey]resolver {Terminal.Safe(r.Value)} ({Terminal.Safe(r.Pos?.ToString())})[/]");
                }
            }
        }

        if (inventory.Targets.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[grey]* set in the configuration; others are nginx's defaults[/]");
        }
    }
}
