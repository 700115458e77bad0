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

    /// <summary>The commands a task may name (each a command of <see cref="CommandCatalog"/>).</summary>
    public static IReadOnlyCollection<string> Commands => Allowed.Keys;

    /// <summary>
    /// Exactly one argument, an absolute path that is not a command's word: how Ansible runs a binary module. A word
    /// of the command catalog is always that command, whatever file of that name lies in the current directory.
    /// </summary>
    public static bool IsCandidate(string[] args) => args is [var path] && path.StartsWith('/') && !CommandCatalog.IsCommandWord(path);

    /// <summary>
    /// The task's arguments, read only from a file Ansible could have written for this user: a regular file (not a
    /// link, FIFO or device) owned by the effective user and writable by no one else, in a directory of that user's
    /// that no one else may write to (Ansible's own 0700 temporary directory). Null with the reason otherwise.
    /// </summary>
    public static JsonObject? Load(string path, out string? why)
    {
        why = WhyNotTrusted(path);
        if (why is not null)
        {
            return null;
        }

        try
        {
            using var file = Config.RegularFile.Open(path, followLinks: false);
            var status = Config.UnixFileStatus.Of(file.SafeFileHandle);
            if (status.Uid != Euid || (status.Mode & 0x12) != 0)
            {
                why = $"{path}: not an Ansible arguments file of this user (uid {status.Uid}, mode {Convert.ToString(status.Mode & 0xfff, 8)}); not read";
                return null;
            }

            if (JsonNode.Parse(Config.RegularFile.ReadBounded(file, path, ArgsLimit)) is JsonObject o && o.Any(kv => kv.Key.StartsWith("_ansible_", StringComparison.Ordinal)))
            {
                return o;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            why = e is JsonException ? $"{path}: not an Ansible arguments file (not JSON)" : e.Message;
            return null;
        }

        why = $"{path}: not an Ansible arguments file (no _ansible_ keys); a command is a word such as {CommandCatalog.Listing()}";
        return null;
    }

    private static uint Euid => Config.FileTrust.EffectiveUid;

    private static string? WhyNotTrusted(string path)
    {
        var dir = Path.GetDirectoryName(path) ?? "/";
        var parent = Config.UnixFileStatus.Of(dir, followSymlinks: false);
        var self = Config.UnixFileStatus.Of(path, followSymlinks: false);
        return !self.Exists ? $"unknown command or argument \"{path}\" (see ngxdoctor --help)"
            : self.Kind != Config.UnixFileKind.Regular ? $"{path}: {Config.RegularFile.Describe(self.Kind)}, not an Ansible arguments file; not read"
            : parent.Kind != Config.UnixFileKind.Directory || parent.Uid != Euid || (parent.Mode & 0x12) != 0
                ? $"{path}: its directory {dir} is not this user's own (uid {parent.Uid}, mode {Convert.ToString(parent.Mode & 0xfff, 8)}), as Ansible's temporary directory is; not read"
            : null;
    }

    public static async Task<int> RunAsync(JsonObject args, Func<string[], Task<int>> run)
    {
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
            // One token per parameter: a value that looks like an option stays that parameter's value.
            argv.Add($"--{key.Replace('_', '-')}={value}");
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
