using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NgxDoctor.Cli.Commands;

namespace NgxDoctor.Cli.Mcp;

/// <summary>
/// `ngxdoctor mcp`: the read-only commands as Model Context Protocol tools over stdio (the SDK's low-level server:
/// tools listed and called by handlers, nothing found by reflection, so the native build keeps working). Each call
/// runs this same program with the command's --json, so its answer is the command's own document, redacted as always.
/// </summary>
public static class McpServe
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(string version, CancellationToken ct)
    {
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "ngxdoctor", Version = version },
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = [.. McpTools.All.Select(Describe)] }),
                CallToolHandler = (request, token) => CallAsync(request.Params, token),
            },
        };
        await using var server = McpServer.Create(new StdioServerTransport(options), options);
        await server.RunAsync(ct).ConfigureAwait(false);
    }

    private static Tool Describe(McpTool t) => new()
    {
        Name = t.Name,
        Description = t.Description,
        InputSchema = JsonDocument.Parse(t.Schema).RootElement.Clone(),
        Annotations = new ToolAnnotations { ReadOnlyHint = true, DestructiveHint = false, OpenWorldHint = false },
    };

    private static async ValueTask<CallToolResult> CallAsync(CallToolRequestParams? call, CancellationToken ct)
    {
        if (McpTools.All.FirstOrDefault(t => t.Name == call?.Name) is not { } tool)
        {
            return Error($"no tool \"{call?.Name}\": {string.Join(", ", McpTools.All.Select(t => t.Name))}");
        }

        IReadOnlyList<string> argv;
        try
        {
            argv = tool.Argv(call!.Arguments ?? new Dictionary<string, JsonElement>());
        }
        catch (UsageException e)
        {
            return Error(e.Message);
        }

        var (exit, output) = await RunSelfAsync(argv, ct).ConfigureAwait(false);
        JsonElement? document = null;
        try
        {
            document = JsonDocument.Parse(output).RootElement.Clone();
        }
        catch (JsonException)
        {
        }

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = output }],
            StructuredContent = document is { ValueKind: JsonValueKind.Object } d ? d : null,
            // Exit 3: the command could not run; 0-2 are its verdict (ok, warning, critical), an answer like any other.
            IsError = exit == 3 && document is null,
        };
    }

    private static CallToolResult Error(string message) => new() { Content = [new TextContentBlock { Text = message }], IsError = true };

    /// <summary>This program again (the native binary, or ngxdoctor.dll under dotnet), with its own stdout captured.</summary>
    private static async Task<(int Exit, string Output)> RunSelfAsync(IReadOnlyList<string> argv, CancellationToken ct)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }

        foreach (var a in argv)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return (process.ExitCode, (await output.ConfigureAwait(false)).Trim() is { Length: > 0 } o ? o : (await error.ConfigureAwait(false)).Trim());
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (3, $"ngxdoctor {argv[0]} did not finish within {CallTimeout.TotalSeconds:0} s");
        }
    }
}
