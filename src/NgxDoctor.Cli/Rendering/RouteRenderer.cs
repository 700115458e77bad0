using NgxDoctor.Core.Analysis;
using Spectre.Console;

namespace NgxDoctor.Cli.Rendering;

/// <summary>`route`: the server, each location step and the ends of the route, a line each with file:line.</summary>
public static class RouteRenderer
{
    public static void Render(IAnsiConsole console, RouteReport route)
    {
        console.MarkupLine($"[bold]{Terminal.Safe(route.Url)}[/]  [grey]Host[/] {Terminal.Safe(route.Host.Length == 0 ? "(none)" : route.Host)}  [grey]URI[/] {Terminal.Safe(route.Path)}");
        if (route.Server is { } s)
        {
            console.MarkupLine($"  {Terminal.Safe(s.Source)}  [bold]{Terminal.Safe(s.What)}[/]  [grey]{Terminal.Safe(s.How)}[/]");
        }

        foreach (var step in route.Locations)
        {
            console.MarkupLine($"  {Terminal.Safe(step.Source)}  [bold]{Terminal.Safe(step.What)}[/]  [grey]{Terminal.Safe(step.How)}[/]");
        }

        foreach (var (name, value) in route.Captures)
        {
            console.MarkupLine($"  [grey]capture ${Terminal.Safe(name)} = {Terminal.Safe(value)}[/]");
        }

        foreach (var end in route.Ends)
        {
            var upstreams = end.Upstreams.Count > 0 ? $"  -> {string.Join(", ", end.Upstreams)}" : "";
            console.MarkupLine($"  {Terminal.Safe(end.Source)}  [bold]{Terminal.Safe(end.Directive)}[/]{Terminal.Safe(upstreams)}  [grey]{Terminal.Safe(end.How)}[/]");
        }

        foreach (var note in route.Notes)
        {
            console.MarkupLine($"  [yellow]note[/] {Terminal.Safe(note)}");
        }
    }
}
