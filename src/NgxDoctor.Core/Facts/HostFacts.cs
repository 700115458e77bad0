namespace NgxDoctor.Core.Facts;

/// <summary>A process as /proc shows it.</summary>
public sealed record ProcessInfo(int Pid, string Name, string CommandLine, uint Uid, int ParentPid)
{
    /// <summary>When it started (local time, from /proc/PID/stat and the boot time); null when not known.</summary>
    public DateTime? Started { get; init; }
}

/// <summary>A listening socket (what `ss -tlnpx` shows) and the processes holding it.</summary>
public sealed record Listener(string Transport, string? Address, int? Port, string? Path, ulong Inode, IReadOnlyList<ProcessInfo> Processes)
{
    /// <summary>Connections the kernel completed that the process has not accepted yet (rx_queue of a TCP listener).</summary>
    public int AcceptQueue { get; init; }

    /// <summary>The listen backlog the kernel applies (the smaller of the program's and net.core.somaxconn); 0 when unknown.</summary>
    public int Backlog { get; init; }

    /// <summary>As nginx would name this address: "127.0.0.1:3000", "[::1]:5000", "*:8080", "unix:/run/x.sock".</summary>
    public string Display => Path is not null
        ? "unix:" + Path
        : Address is "0.0.0.0" or "::" ? $"*:{Port}" : Address!.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsWildcard => Address is "0.0.0.0" or "::";

    [System.Text.Json.Serialization.JsonIgnore]
    public string Owner => Processes.Count == 0
        ? "an unknown process"
        : string.Join(", ", Processes.GroupBy(p => p.Name).Select(g => $"{g.Key} (pid {string.Join(',', g.Select(p => p.Pid).Take(3))})"));
}

/// <summary>The user and groups nginx's workers run as, and how that was learnt.</summary>
public sealed record WorkerIdentity(string User, uint Uid, uint Gid, string GroupName, IReadOnlyList<uint> Groups, string Source);

/// <summary>A running nginx master and its workers.</summary>
public sealed record NginxInstance(
    int MasterPid,
    string? Executable,
    string CommandLine,
    string? ConfigFile,
    string? Prefix,
    IReadOnlyList<string> Globals,
    IReadOnlyList<int> WorkerPids,
    long? WorkerOpenFilesLimit)
{
    /// <summary>File descriptors the first worker holds now (/proc/PID/fd).</summary>
    public int? WorkerOpenFiles { get; init; }

    /// <summary>When its oldest worker started: its last start or reload (a reload replaces every worker); null when not known.</summary>
    public DateTime? WorkersStarted { get; init; }
}

/// <summary>A file or directory on the way to a unix socket, with owner and mode.</summary>
public sealed record PathEntry(string Path, string Kind, uint Uid, uint Gid, int Mode, string OwnerName, string GroupName)
{
    public string ModeOctal => Convert.ToString(Mode & 0xfff, 8).PadLeft(4, '0');

    [System.Text.Json.Serialization.JsonIgnore]
    public string Describe => $"{Path} ({Kind}, {OwnerName}:{GroupName}, mode {ModeOctal})";
}

/// <summary>What the filesystem says of a configured unix socket path: the socket and every directory above it.</summary>
public sealed record SocketPathFacts(string Path, string? ResolvedPath, PathEntry? Socket, IReadOnlyList<PathEntry> Directories, string? Problem)
{
    /// <summary>Every directory above a path, from "/" down to its parent: the ones whose search bit a connect needs.</summary>
    public static IReadOnlyList<string> DirectoriesAbove(string path)
    {
        var chain = new List<string>();
        for (var dir = System.IO.Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = System.IO.Path.GetDirectoryName(dir))
        {
            chain.Add(dir);
        }

        chain.Reverse();
        return chain;
    }
}
