using System.Globalization;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Proc;

namespace NgxDoctor.Host.Nginx;

/// <summary>Running nginx masters and their workers, from the process table.</summary>
public static class NginxProcesses
{
    private const string MasterTitle = "nginx: master process";

    public static IReadOnlyList<NginxInstance> Find(IReadOnlyList<ProcessInfo> processes, string procRoot = "/proc")
    {
        var result = new List<NginxInstance>();
        foreach (var master in processes.Where(p => p.CommandLine.StartsWith(MasterTitle, StringComparison.Ordinal)).OrderBy(p => p.Pid))
        {
            var args = Tokenize(master.CommandLine[MasterTitle.Length..]);
            var binary = args.Count > 0 ? args[0] : null;
            var workers = processes.Where(p => p.ParentPid == master.Pid && p.CommandLine.StartsWith("nginx: worker process", StringComparison.Ordinal)).Select(p => p.Pid).ToList();
            var exe = ReadExe(procRoot, master.Pid) ?? binary;
            result.Add(new NginxInstance(
                master.Pid,
                exe,
                master.CommandLine,
                Option(args, "-c"),
                Option(args, "-p"),
                Options(args, "-g"),
                workers,
                workers.Count > 0 ? OpenFilesLimit(procRoot, workers[0]) : null)
            {
                WorkerOpenFiles = workers.Count > 0 ? OpenFiles(procRoot, workers[0]) : null,
                WorkersStarted = processes.Where(p => workers.Contains(p.Pid)).Min(p => p.Started),
            });
        }

        return result;
    }

    /// <summary>The configuration file a master runs: -c (against -p when relative), else the binary's compiled-in path.</summary>
    public static string? ConfigPath(NginxInstance instance, string? compiledConfPath, string? compiledPrefix)
    {
        var prefix = instance.Prefix ?? compiledPrefix ?? "/";
        var conf = instance.ConfigFile ?? compiledConfPath;
        if (conf is null)
        {
            return null;
        }

        return Path.IsPathRooted(conf) ? conf : Path.GetFullPath(Path.Combine(prefix, conf));
    }

    public static List<string> Tokenize(string text)
    {
        // nginx rewrites argv into one title string, so arguments with spaces cannot be told apart;
        // "-g daemon off;" is the usual case and is rejoined by Options.
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static string? Option(IReadOnlyList<string> args, string flag)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == flag && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(flag, StringComparison.Ordinal) && args[i].Length > flag.Length)
            {
                return args[i][flag.Length..];
            }
        }

        return null;
    }

    private static List<string> Options(IReadOnlyList<string> args, string flag)
    {
        var list = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] != flag)
            {
                continue;
            }

            var parts = new List<string>();
            for (i++; i < args.Count && !(args[i].StartsWith('-') && args[i].Length == 2); i++)
            {
                parts.Add(args[i]);
            }

            i--;
            list.Add(string.Join(' ', parts));
        }

        return list;
    }

    private static string? ReadExe(string procRoot, int pid)
    {
        try
        {
            return new FileInfo(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "exe")).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? OpenFiles(string procRoot, int pid)
    {
        try
        {
            return Directory.GetFiles(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "fd")).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? OpenFilesLimit(string procRoot, int pid)
    {
        try
        {
            var line = File.ReadLines(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "limits"))
                .FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return long.TryParse(soft, out var n) ? n : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
