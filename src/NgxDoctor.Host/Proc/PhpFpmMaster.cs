using System.Globalization;
using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Nginx;

namespace NgxDoctor.Host.Proc;

/// <summary>
/// A PHP-FPM master found by its title, "php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)". Any process can
/// take that title, so the file it names is believed only when the process runs a php-fpm binary root owns (on a path
/// only root can change) and the process's own user may read that file: a php-fpm started by another user could not
/// have read what it does not name. Otherwise the title is ignored and why is said.
/// </summary>
public static class PhpFpmMaster
{
    public const string Title = "php-fpm: master process (";

    public static bool HasTitle(ProcessInfo p) => p.CommandLine.StartsWith(Title, StringComparison.Ordinal);

    /// <summary>The master's configuration file and its binary, or why neither is believed.</summary>
    /// <summary>With <paramref name="root"/> (a master of another mount namespace) its binary and file are checked as it sees them.</summary>
    public static (string? Config, string? Binary, string? Why) Resolve(ProcessInfo master, string procRoot = "/proc", Namespaces.InstanceRoot? root = null)
    {
        root ??= Namespaces.InstanceRoot.Host;
        var conf = master.CommandLine[Title.Length..].TrimEnd().TrimEnd(')');
        var pid = master.Pid.ToString(CultureInfo.InvariantCulture);
        string? exe;
        try
        {
            exe = new FileInfo(Path.Combine(procRoot, pid, "exe")).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            exe = null;
        }

        if (exe is null || !Path.GetFileName(exe).StartsWith("php-fpm", StringComparison.Ordinal))
        {
            return (null, null, $"pid {master.Pid} is titled as a php-fpm master but runs {exe ?? "an unknown binary"}, not php-fpm; its title is not believed");
        }

        if (FileTrust.WhyNotRunnable(root.Map(exe)) is { } untrusted)
        {
            return (null, null, $"pid {master.Pid} runs {exe}, which is not root's: {untrusted}; its configuration is not read");
        }

        var who = WorkerIdentityResolver.FromProcess(master.Pid, UserDatabase.Parse("", ""), procRoot);
        if (!Path.IsPathRooted(conf) || who is null || !(root.IsHost ? FileTrust.ReadableBy(conf, new FileAccessor(who.Uid, who.Gid, who.Groups)) : FileTrust.ReadableAlong(root.Map(conf), new FileAccessor(who.Uid, who.Gid, who.Groups))))
        {
            return (null, null, $"pid {master.Pid}'s title names {conf}, which its user (uid {who?.Uid.ToString(CultureInfo.InvariantCulture) ?? "unknown"}) cannot read; not read");
        }

        return (conf, exe, null);
    }
}
