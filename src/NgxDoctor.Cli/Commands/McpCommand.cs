using System.CommandLine;

namespace NgxDoctor.Cli.Commands;

/// <summary>`mcp`: the read-only commands as Model Context Protocol tools over stdio, for AI agents.</summary>
public static class McpCommand
{
    public static Command Create()
    {
        var cmd = new Command("mcp", """
            Serve ngxdoctor to AI agents as Model Context Protocol tools over stdio: the read-only commands (diagnose,
            route, logs, upstreams, explain), each answering with the command's --json document, redacted as every
            output. fix is never offered, and no tool takes a file path: an instance is chosen by pid or container.

            Examples:
              ngxdoctor mcp                                 # as an MCP server command of an agent (stdio)
              claude mcp add ngxdoctor -- sudo ngxdoctor mcp
            """);
        cmd.SetAction((_, ct) => CliErrors.GuardAsync(async () =>
        {
            await Mcp.McpServe.RunAsync(VersionText.Version, ct);
            return 0;
        }));
        return cmd;
    }
}
