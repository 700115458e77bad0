using System.Text.Json;
using NgxDoctor.Cli.Commands;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Cli.Mcp;

/// <summary>One read-only command offered as an MCP tool: its name, what it answers, its parameters (JSON Schema).</summary>
public sealed record McpTool(string Name, string Description, string Schema, Func<IDictionary<string, JsonElement>, IReadOnlyList<string>> Argv);

/// <summary>
/// The tools `ngxdoctor mcp` serves: diagnose, route, logs, upstreams and explain, each answering with that command's
/// --json document. Parameters choose among what the command reads anyway (a running instance by pid or container,
/// a URL, a window); none names a file: no --config, --from, --facts, --file. fix is never offered.
/// </summary>
public static class McpTools
{
    private const string Instance = """
        "pid": { "type": "integer", "minimum": 1, "description": "the nginx master to diagnose (default: every running nginx)" },
        "container": { "type": "string", "description": "the container (name or id) whose nginx to diagnose" }
        """;

    public static readonly IReadOnlyList<McpTool> All =
    [
        new("diagnose",
            "Why nginx answers 502/504/503/499 right now on this host: every upstream checked as nginx's workers reach it, likeliest root cause first, with evidence (config file:line, probes, log lines) and a remedy. Returns the diagnose --json document (status, findings, failures, checks).",
            $$"""{ "type": "object", "properties": { "url": { "type": "string", "description": "scope the diagnosis to this URL's request path (http:// or https://)" }, "since": { "type": "string", "description": "how far back the logs count, e.g. 15m, 1h (default 15m)" }, {{Instance}} } }""",
            a => ["diagnose", "--json", .. Opt(a, "url", "--url", Url), .. Opt(a, "since", "--since", Window), .. Target(a)]),
        new("route",
            "Which server{} and location{} nginx picks for a URL, step by step with file:line, nginx's internal redirects, and the upstream addresses the request ends at. Returns the route --json document.",
            $$"""{ "type": "object", "required": ["url"], "properties": { "url": { "type": "string", "description": "the URL as a client asks for it (http:// or https://)" }, {{Instance}} } }""",
            a => ["route", "--json", Url(Required(a, "url")), .. Target(a)]),
        new("logs",
            "What nginx's error and access logs (and PHP-FPM's) say about 5xx and 499: per minute, by cause, by upstream with latencies, by location, top failing paths. Returns the logs --json document.",
            $$"""{ "type": "object", "properties": { "since": { "type": "string", "description": "the window, e.g. 15m, 1h (default 1h)" }, {{Instance}} } }""",
            a => ["logs", "--json", .. Opt(a, "since", "--since", Window), .. Target(a)]),
        new("upstreams",
            "Every upstream address nginx passes requests to (http and stream), its upstream{} group, where it is passed to (file:line) and the timeouts and buffers in force there. Returns the upstreams --json document.",
            $$"""{ "type": "object", "properties": { {{Instance}} } }""",
            a => ["upstreams", "--json", .. Target(a)]),
        new("explain",
            "What a cause code of a diagnosis means, how ngxdoctor detects it, how to fix it and confirm the fix (its documentation page).",
            $$"""{ "type": "object", "required": ["cause"], "properties": { "cause": { "type": "string", "enum": [{{string.Join(", ", Codes<Cause>.AllCodes.Select(c => $"\"{c}\""))}}] } } }""",
            a => ["explain", "--json", UsageException.Cause(Required(a, "cause")).Code()]),
    ];

    private static IEnumerable<string> Target(IDictionary<string, JsonElement> a) =>
        [.. Opt(a, "pid", "--pid", v => v), .. Opt(a, "container", "--container", Word)];

    private static IEnumerable<string> Opt(IDictionary<string, JsonElement> a, string name, string option, Func<string, string> check) =>
        a.TryGetValue(name, out var v) && v.ValueKind != JsonValueKind.Null ? [option, check(Text(v, name))] : [];

    private static string Required(IDictionary<string, JsonElement> a, string name) =>
        a.TryGetValue(name, out var v) ? Text(v, name) : throw new UsageException($"the parameter \"{name}\" is required");

    private static string Text(JsonElement v, string name) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number when v.TryGetInt32(out var n) && n > 0 => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new UsageException($"the parameter \"{name}\" has the wrong type"),
    };

    private static string Url(string value) =>
        Commands.RouteCommand.IsHttpUrl(value) ? value : throw new UsageException("url must be an http:// or https:// URL");

    /// <summary>A value never read as an option of its own.</summary>
    private static string Word(string value) =>
        value.Length is > 0 and <= 256 && !value.StartsWith('-') && value.All(c => c > ' ' && c != 0x7f) ? value : throw new UsageException("a container is named by a plain word");

    private static string Window(string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, "^[0-9]{1,6}[smhd]?$") ? value : throw new UsageException("since is a duration such as 15m or 1h");
}
