using System.Diagnostics;
using NgxDoctor.Host.Fixes;
using NgxDoctor.Host.Security;

namespace NgxDoctor.Host.Tests;

/// <summary>What ngxdoctor does as root with files and programs: run only root's, write privately, never split or trample.</summary>
public sealed class RootSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-root-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public async Task A_program_another_user_owns_or_may_write_is_not_run()
    {
        var marker = Path.Combine(_dir, "ran");
        var script = Path.Combine(_dir, "tool");
        File.WriteAllText(script, $"#!/bin/sh\necho ran > {marker}\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x1ed);
        Assert.Equal(0, (await CommandRunner.RunAsync(script, [], TimeSpan.FromSeconds(5))).ExitCode);
        File.Delete(marker);

        foreach (var (owner, mode, why) in new[] { ("65534:65534", 0x1ed, "belongs to uid 65534"), ("0:65534", 0x1fd, "writable by group 65534") })
        {
            Run("chown", owner, script);
            File.SetUnixFileMode(script, (UnixFileMode)mode);
            var r = await CommandRunner.RunAsync(script, [], TimeSpan.FromSeconds(5));
            Assert.False(File.Exists(marker));
            Assert.Equal(126, r.ExitCode);
            Assert.Contains(why, r.Refused, StringComparison.Ordinal);
        }

        // Root's program in a directory another user may write to could be swapped: refused too.
        Run("chown", "0:0", script);
        File.SetUnixFileMode(script, (UnixFileMode)0x1ed);
        Run("chown", "65534:65534", _dir);
        Assert.Contains("belongs to uid 65534", (await CommandRunner.RunAsync(script, [], TimeSpan.FromSeconds(5))).Refused, StringComparison.Ordinal);
        Run("chown", "0:0", _dir);
    }

    [Fact]
    public void Only_the_socket_that_was_checked_gets_a_new_group_and_mode_never_a_symlink_swapped_in()
    {
        var path = Path.Combine(_dir, "php-fpm.sock");
        // Kept open: .NET removes a socket file it bound when the socket is closed.
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));

        var (device, inode) = SocketOwnership.Identify(path)!.Value;
        Assert.Null(SocketOwnership.Set(path, device, inode, 65534, 0x1b0));
        Assert.Equal((65534u, 0x1b0), (Config.UnixFileStatus.Of(path).Gid, Config.UnixFileStatus.Of(path).Mode & 0xfff));

        // Between plan and apply the pool's user puts a symlink to root's private file where the socket was.
        var secret = Path.Combine(_dir, "secret");
        File.WriteAllText(secret, "x");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Delete(path);
        File.CreateSymbolicLink(path, secret);
        Assert.Null(SocketOwnership.Identify(path));
        Assert.Contains("no longer a socket", SocketOwnership.Set(path, device, inode, 65534, 0x1b6), StringComparison.Ordinal);
        Assert.Equal((0u, 0x180), (Config.UnixFileStatus.Of(secret).Gid, Config.UnixFileStatus.Of(secret).Mode & 0xfff));
    }

    [Fact]
    public void A_file_with_a_second_hard_link_is_not_edited()
    {
        var conf = Path.Combine(_dir, "site.conf");
        File.WriteAllText(conf, "server {}\n");
        Assert.Null(SafeFileWriter.Refusal(conf));
        Run("ln", conf, Path.Combine(_dir, "other-name.conf"));
        Assert.Contains("has 2 hard links", SafeFileWriter.Refusal(conf), StringComparison.Ordinal);
    }

    [Fact]
    public void The_journal_keeps_its_step_codes_and_reads_those_an_earlier_version_wrote()
    {
        var state = new FixState(Path.Combine(_dir, "state"));
        state.Save(new FixRecord("20261207-101010-abcd", DateTimeOffset.UtcNow, "/etc/nginx/nginx.conf", 10, [], []) { Step = FixStep.RolledBack });
        var manifest = Path.Combine(state.BackupDir("20261207-101010-abcd"), "manifest.json");
        Assert.Contains("\"step\": \"rolled-back\"", File.ReadAllText(manifest), StringComparison.Ordinal);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"rolled-back\"", "\"applied\"", StringComparison.Ordinal));
        Assert.Equal(FixStep.Applied, Assert.Single(state.History()).Step);
        Assert.NotNull(state.Standing("/etc/nginx/nginx.conf"));
    }

    [Fact]
    public void One_fix_transaction_per_state_directory()
    {
        var state = new FixState(Path.Combine(_dir, "state"));
        using (FixLock.Take(state))
        {
            var e = Assert.Throws<FixLockedException>(() => FixLock.Take(state));
            Assert.Contains($"pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
        }

        using var again = FixLock.Take(state);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state.Dir));
    }

    [Fact]
    public void A_private_file_replaces_a_planted_symlink_and_is_0600()
    {
        var victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "ORIGINAL");
        var target = Path.Combine(_dir, "out.json");
        File.CreateSymbolicLink(target, victim);
        PrivateFile.Write(target, "{}");
        Assert.Equal("ORIGINAL", File.ReadAllText(victim));
        Assert.Null(new FileInfo(target).LinkTarget);
        Assert.Equal("{}", File.ReadAllText(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Equal(["out.json", "victim"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
