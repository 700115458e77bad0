using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NgxDoctor.Host.Fixes;

/// <summary>A file an apply touched: where its backup is, and its hash before and after.</summary>
public sealed record BackupFile(string Path, string Backup, string HashBefore, string HashAfter);

/// <summary>A socket whose group and mode an apply changed, with what they were.</summary>
public sealed record SocketBackup(string Path, uint Gid, int Mode, uint NewGid, int NewMode)
{
    /// <summary>The socket checked at the start (no symlink followed): only that device and inode are ever changed.</summary>
    public ulong Device { get; init; }

    public ulong Inode { get; init; }
}

/// <summary>How far an apply got, as its journal records it (the JSON keeps these codes).</summary>
public enum FixStep
{
    [JsonStringEnumMemberName("writing")]
    Writing,

    [JsonStringEnumMemberName("written")]
    Written,

    [JsonStringEnumMemberName("tested")]
    Tested,

    [JsonStringEnumMemberName("reloaded")]
    Reloaded,

    [JsonStringEnumMemberName("applied")]
    Applied,

    [JsonStringEnumMemberName("rolled-back")]
    RolledBack,
}

/// <summary>The journal of one apply: what it changed, the step it reached, and how it ended.</summary>
public sealed record FixRecord(string Id, DateTimeOffset Created, string ConfigFile, int? MasterPid, IReadOnlyList<string> Actions, IReadOnlyList<BackupFile> Files)
{
    public FixStep Step { get; init; } = FixStep.Writing;

    public string Detail { get; init; } = "";

    /// <summary>PHP-FPM masters whose pool files the apply edits (reloaded after, and after an undo).</summary>
    public IReadOnlyList<int> PhpFpmMasters { get; init; } = [];

    /// <summary>The configuration file of each master in <see cref="PhpFpmMasters"/>, whose pid file finds it again after a re-exec.</summary>
    public IReadOnlyList<string?> PhpFpmConfigs { get; init; } = [];

    public IReadOnlyList<SocketBackup> Sockets { get; init; } = [];

    /// <summary>systemd units the apply started (stopped again by an undo).</summary>
    public IReadOnlyList<string> Units { get; init; } = [];

    /// <summary>The ngxdoctor process that runs the apply and its start time (clock ticks since boot, /proc/PID/stat): a journal is taken over only once that process is gone.</summary>
    public int OwnerPid { get; init; }

    public long OwnerStart { get; init; }

    [JsonIgnore]
    public bool Finished => Step is FixStep.Applied or FixStep.RolledBack;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(FixRecord))]
internal sealed partial class FixStateJson : JsonSerializerContext;

/// <summary>
/// Where applies keep their backups and journals: /var/lib/ngxdoctor as root, $XDG_STATE_HOME/ngxdoctor (or
/// ~/.local/state/ngxdoctor) otherwise, NGXDOCTOR_STATE_DIR when set. Each apply has backups/ID/ with a copy of
/// every file it touches and manifest.json, rewritten atomically at every step.
/// </summary>
public sealed class FixState(string dir)
{
    public string Dir { get; } = dir;

    public static FixState Default()
    {
        var overridden = Environment.GetEnvironmentVariable("NGXDOCTOR_STATE_DIR");
        var home = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return new FixState(overridden is { Length: > 0 } ? overridden : FactsCollector.IsRoot ? "/var/lib/ngxdoctor" : Path.Combine(home, "ngxdoctor"));
    }

    public string NewId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{RandomNumberGenerator.GetHexString(4, lowercase: true)}";

    public string BackupDir(string id) => Path.Combine(Dir, "backups", id);

    public void Save(FixRecord record)
    {
        var dir = BackupDir(record.Id);
        CreatePrivateDirectory(dir);
        SafeFileWriter.Write(Path.Combine(dir, "manifest.json"), JsonSerializer.SerializeToUtf8Bytes(record, FixStateJson.Default.FixRecord), like: Config.UnixFileStatus.None);
    }

    /// <summary>The state directory, backups/ and one apply's directory, each 0700 (also when an older run made them 0755).</summary>
    public void CreatePrivateDirectory(string dir) => Security.PrivateDirectory.Ensure(Dir, Path.Combine(Dir, "backups"), dir);

    /// <summary>Whether any apply left a directory here (a journal to recover, or temporary files to clean).</summary>
    public bool HasJournals => Directory.Exists(Path.Combine(Dir, "backups")) && Directory.EnumerateDirectories(Path.Combine(Dir, "backups")).Any();

    /// <summary>Temporary files (a manifest being rewritten) that runs no longer alive left in the backup directories.</summary>
    public IReadOnlyList<string> OrphanTemps()
    {
        var root = Path.Combine(Dir, "backups");
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.GetDirectories(root).SelectMany(d => Directory.GetFiles(d, ".*.ngxdoctor-*.tmp"))
            .Where(f => SafeFileWriter.TempOwner(f) is not { } pid || StartTime(pid) is null).ToList();
    }

    /// <summary>
    /// The change that stands on an instance: its newest journal when that apply finished and was not rolled back
    /// (a rollback brings the old configuration, and its failures, back). Null when there is none or it cannot be read.
    /// </summary>
    public FixRecord? Standing(string configFile)
    {
        try
        {
            var path = Path.GetFullPath(configFile);
            return History().FirstOrDefault(r => Path.GetFullPath(r.ConfigFile) == path) is { Step: FixStep.Applied } applied ? applied : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every apply, newest first; journals that cannot be read are skipped.</summary>
    public IReadOnlyList<FixRecord> History()
    {
        var root = Path.Combine(Dir, "backups");
        if (!Directory.Exists(root))
        {
            return [];
        }

        var records = new List<FixRecord>();
        foreach (var manifest in Directory.GetDirectories(root).Select(d => Path.Combine(d, "manifest.json")).Where(File.Exists))
        {
            try
            {
                records.Add(JsonSerializer.Deserialize(File.ReadAllBytes(manifest), FixStateJson.Default.FixRecord)!);
            }
            catch (JsonException)
            {
                // A manifest cut short cannot be trusted to restore from; it is left for a person.
            }
        }

        return records.OrderByDescending(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The start time of a running process (field 22 of /proc/PID/stat), null when it is gone.</summary>
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Whether the process that wrote a journal still runs (same pid, same start time).</summary>
    public static bool OwnerAlive(FixRecord r) => r.OwnerPid > 0 && StartTime(r.OwnerPid) == r.OwnerStart;

    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
