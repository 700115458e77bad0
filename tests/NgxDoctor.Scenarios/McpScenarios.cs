using System.Diagnostics;
using System.Text.Json;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Issue 28: `ngxdoctor mcp` asked by a real MCP client, the official TypeScript SDK (installed by test.sh from npm),
/// as an agent asks it: the read-only tools are listed (never fix), and diagnose of a real broken nginx answers with
/// the diagnose document; a parameter that would smuggle in an option is refused.
/// </summary>
public sealed class McpScenarios
{
    private const string Sdk = "/var/cache/ngxdoctor-tests/mcp";

    [SkippableFact]
    public async Task An_mcp_client_lists_the_read_only_tools_and_diagnoses_a_broken_nginx()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(Sdk, "node_modules/@modelcontextprotocol/sdk")), "the MCP TypeScript SDK is not installed (./test.sh installs it with npm)");
        using var lab = new ScenarioLab();
        var dead = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass http://127.0.0.1:{ScenarioLab.Str(dead)}; }}"));
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);

        var answer = Ask("diagnose", new Dictionary<string, object> { ["pid"] = lab.Nginx.Nginx!.Pid });
        Assert.Equal(["diagnose", "route", "logs", "upstreams", "explain"], answer.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(5, answer.GetProperty("readOnly").GetArrayLength());
        var result = answer.GetProperty("result");
        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), result.ToString());
        var document = result.GetProperty("structuredContent");
        Assert.Equal("critical", document.GetProperty("status").GetString());
        var down = document.GetProperty("findings").EnumerateArray().First();
        Assert.Equal(("upstream-down", $"127.0.0.1:{ScenarioLab.Str(dead)}"), (down.GetProperty("cause").GetString(), down.GetProperty("upstream").GetString()));
        // The text content is the same document, as `diagnose --json` prints it.
        Assert.Equal("critical", JsonDocument.Parse(result.GetProperty("content")[0].GetProperty("text").GetString()!).RootElement.GetProperty("status").GetString());

        var smuggled = Ask("upstreams", new Dictionary<string, object> { ["container"] = "--config=/etc/shadow" }).GetProperty("result");
        Assert.True(smuggled.GetProperty("isError").GetBoolean());
        Assert.DoesNotContain("shadow", smuggled.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static JsonElement Ask(string tool, Dictionary<string, object> arguments)
    {
        var script = Path.Combine(Sdk, "mcp_client.mjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "mcp_client.mjs"), script, overwrite: true);
        var server = JsonSerializer.Serialize(NgxDoctorCli.Command.Concat(["mcp"]).ToArray());
        var call = JsonSerializer.Serialize(new Dictionary<string, object> { ["name"] = tool, ["arguments"] = arguments });
        using var node = Process.Start(new ProcessStartInfo("node", [script, server, call]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Sdk })!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        Assert.True(node.WaitForExit(150_000), "the MCP client did not finish");
        Assert.True(node.ExitCode == 0, $"the MCP client failed: {error.Result}\n{output.Result}");
        return JsonDocument.Parse(output.Result).RootElement.Clone();
    }
}
