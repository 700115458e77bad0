using System.Diagnostics;

namespace NgxDoctor.TestSupport;

/// <summary>
/// An unprivileged local user made by a test: a uid (and gid) of its own, in no group, with no account and no process
/// on the box before the test. What it does, it does through setpriv as that uid, as another user of the box would.
/// </summary>
public sealed class TestUser
{
    private TestUser(uint uid) => Uid = uid;

    public uint Uid { get; }

    public string Ids => $"{Uid}:{Uid}";

    /// <summary>A uid between 61000 and 64999 that /etc/passwd does not name and no process runs as.</summary>
    public static TestUser Make()
    {
        var taken = File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')).Where(f => f.Length > 2).Select(f => f[2]).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            var uid = (uint)Random.Shared.Next(61000, 65000);
            if (!taken.Contains(uid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                return new TestUser(uid);
            }
        }

        throw new InvalidOperationException("no free uid for a test user");
    }

    /// <summary>The command line that runs <paramref name="command"/> as this user.</summary>
    public string[] Wrap(params string[] command) => ["setpriv", $"--reuid={Uid}", $"--regid={Uid}", "--clear-groups", "--", .. command];

    /// <summary>Runs a shell script as this user; it must succeed.</summary>
    public ProcessRun Sh(string script, TimeSpan? timeout = null)
    {
        var run = Processes.Run("setpriv", timeout ?? TimeSpan.FromSeconds(30), null, Wrap("sh", "-c", script)[1..]);
        if (run.Code != 0)
        {
            throw new InvalidOperationException($"as uid {Uid}: {script}\n{run}");
        }

        return run;
    }

    /// <summary>A directory this user owns (as a home, /var/log/app or a shared project directory would be).</summary>
    public string Dir(string parent, string name)
    {
        var dir = Path.Combine(parent, name);
        Directory.CreateDirectory(dir);
        Chown(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ed);
        return dir;
    }

    public void Chown(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("chown", ["-h", Ids, path]) { UseShellExecute = false })!;
        p.WaitForExit();
    }
}
