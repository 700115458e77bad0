using System.Text.Json;
using System.Text.Json.Nodes;

namespace NgxDoctor.Cli.Commands;

/// <summary>
/// ngxdoctor as an Ansible binary module: Ansible copies the binary to the target and runs it with one argument, a
/// file of the task's arguments as JSON (with its `_ansible_*` keys). `command: diagnose` never changes anything;
/// `command: fix` is the plan in check mode and `fix --apply --yes` otherwise. The answer is one JSON object on
/// stdout: changed, failed, msg, status, exit_code, findings (cause, severity, upstream, title) and the whole document.
/// </summary>
public static class AnsibleModule
{
    private const long ArgsLimit = 1 << 20;
    private static readonly string[] Shared = ["config", "pid", "container"];
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["diagnose"] = [.. Shared, "since", "timeout", "probe_timeout", "url"],
        ["fix"] = [.. Shared, "only", "probe_timeout"],
    };

    /// <summary>Exactly one argument that is a small JSON object file with Ansible's own `_ansible_` keys.</summary>
    public static bool IsInvocation(string[] args)
    {
        if (args is not [var path] || path.StartsWith('-') || !File.Exists(path) || new FileInfo(path).Length > ArgsLimit)
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o.Any(kv => kv.Key.StartsWith("_ansible_", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static async Task<int> RunAsync(string argsFile, Func<string[], Task<int>> run)
    {
        var args = (JsonObject)JsonNode.Parse(File.ReadAllText(argsFile))!;
        var checkMode = args["_ansible_check_mode"]?.GetValueKind() == JsonValueKind.True;
        if (Argv(args, checkMode) is not { } argv)
        {
            return Answer(new JsonObject { ["failed"] = true, ["changed"] = false, ["msg"] = Unsupported(args) });
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        int code;
        try
        {
            code = await run(argv);
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }

        return Answer(Result(argv[0], checkMode, code, stdout.ToString(), stderr.ToString().Trim()));
    }

    /// <summary>The command line a task's arguments stand for, or null when one is not a parameter of that command.</summary>
    public static string[]? Argv(JsonObject args, bool checkMode)
    {
        var command = args["command"]?.ToString() ?? "diagnose";
        if (!Allowed.TryGetValue(command, out var allowed))
        {
            return null;
        }

        var given = args.Where(kv => !kv.Key.StartsWith("_ansible_", StringComparison.Ordinal) && kv.Key != "command" && kv.Value is not null).ToList();
        if (given.Any(kv => !allowed.Contains(kv.Key, StringComparer.Ordinal)))
        {
            return null;
        }

        List<string> argv = [command, "--json"];
        if (command == "fix" && !checkMode)
        {
            argv.AddRange(["--apply", "--yes"]);
        }

        foreach (var (key, value) in given)
        {
            argv.AddRange(["--" + key.Replace('_', '-'), value!.ToString()]);
        }

        return [.. argv];
    }

    private static string Unsupported(JsonObject args)
    {
        var command = args["command"]?.ToString() ?? "diagnose";
        if (!Allowed.TryGetValue(command, out var allowed))
        {
            return $"command: {command} is not diagnose or fix";
        }

        var extra = args.Select(kv => kv.Key).Where(k => !k.StartsWith("_ansible_", StringComparison.Ordinal) && k != "command" && !allowed.Contains(k, StringComparer.Ordinal));
        return $"unsupported parameter(s) for {command}: {string.Join(", ", extra)} (supported: command, {string.Join(", ", allowed)})";
    }

    private static JsonObject Result(string command, bool checkMode, int code, string stdout, string stderr)
    {
        JsonNode? document = null;
        try
        {
            document = JsonNode.Parse(stdout);
        }
        catch (JsonException)
        {
        }

        var status = document?["status"]?.ToString() ?? "unknown";
        // fix's document has its plan's actions (cause, upstream, summary) where diagnose's has findings.
        var findings = document?["findings"] as JsonArray ?? Actions(document?["plan"]?["actions"] as JsonArray);
        var failed = code == 3 || (command == "fix" && code == 2);
        var wouldChange = (document?["diffs"] as JsonArray)?.Count > 0 || (document?["plan"]?["actions"] as JsonArray ?? []).Any(a => (a?["commands"] as JsonArray)?.Count > 0);
        var changed = command == "fix" && !failed && (checkMode ? wouldChange : document?["result"] is JsonObject && code == 0);
        return new JsonObject
        {
            ["changed"] = changed,
            ["failed"] = failed,
            ["msg"] = failed ? Failure(command, code, stderr, document) : Summary(command, status, findings, checkMode, changed),
            ["status"] = status,
            ["exit_code"] = code,
            ["findings"] = new JsonArray((findings ?? []).Select(f => (JsonNode?)new JsonObject
            {
                ["cause"] = f?["cause"]?.DeepClone(),
                ["severity"] = f?["severity"]?.DeepClone(),
                ["upstream"] = f?["upstream"]?.DeepClone(),
                ["title"] = f?["title"]?.DeepClone(),
            }).ToArray()),
            [command == "fix" ? "fix" : "report"] = document?.DeepClone(),
        };
    }

    private static JsonArray? Actions(JsonArray? actions) => actions is null ? null : new JsonArray(actions.Select(a => (JsonNode?)new JsonObject
    {
        ["cause"] = a?["cause"]?.DeepClone(),
        ["severity"] = null,
        ["upstream"] = a?["upstream"]?.DeepClone(),
        ["title"] = a?["summary"]?.DeepClone(),
    }).ToArray());

    private static string Failure(string command, int code, string stderr, JsonNode? document) =>
        document?["result"]?["message"]?.ToString() ?? (stderr.Length > 0 ? stderr : document?["reason"]?.ToString() ?? $"ngxdoctor {command} exited {code}");

    private static string Summary(string command, string status, JsonArray? findings, bool checkMode, bool changed)
    {
        var first = findings?.FirstOrDefault();
        var what = first is null ? "no problems found" : $"{findings!.Count} finding(s), first {(first["severity"] is { } severity ? severity + " " : "")}{first["cause"]}: {first["title"]}";
        return command == "fix"
            ? $"{(checkMode ? (changed ? "would change files" : "nothing to change") : (changed ? "fixed and verified" : "nothing changed"))}; {status}: {what}"
            : $"{status}: {what}";
    }

    private static int Answer(JsonObject result)
    {
        Console.Out.WriteLine(result.ToJsonString());
        return result["failed"]?.GetValue<bool>() == true ? 1 : 0;
    }
}
