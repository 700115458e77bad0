using NgxDoctor.Config;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Fixes;

/// <summary>How an apply ended, with what it did step by step.</summary>
public sealed record ApplyResult(string Id, bool Applied, string Message, IReadOnlyList<string> Steps);

/// <summary>
/// One apply, all or nothing: back up every file (with hashes) and journal each step; write each file atomically;
/// `nginx -t` with the instance's own binary, -c, -p and -g; reload by signalling the master and confirm it took;
/// verify (the caller's re-check and replayed requests). Any failure restores every file byte for byte and reloads
/// again. A run cut off half-way is finished by <see cref="RecoverAsync"/>: it restores the files and reloads.
/// </summary>
public sealed class FixTransaction(FixState state, LocatedInstance located, NginxConfig config)
{
    /// <summary>Test hooks (NGXDOCTOR_FIX_TEST_HOOK): break-config, pause-after-write, fail-verify.</summary>
    public static string Hook => Environment.GetEnvironmentVariable("NGXDOCTOR_FIX_TEST_HOOK") ?? "";

    public async Task<ApplyResult> ApplyAsync(IReadOnlyList<FileChange> changes, IReadOnlyList<string> actions, bool reload, IReadOnlyList<int> phpFpmMasters,
        IReadOnlyList<Core.Fixes.SocketChange> sockets, IReadOnlyList<string> units, Func<CancellationToken, Task<(bool Ok, string Why)>> verify, CancellationToken ct)
    {
        var steps = new List<string>();
        var id = state.NewId();
        foreach (var c in changes)
        {
            if (SafeFileWriter.Refusal(c.RealPath) is { } why)
            {
                return new ApplyResult(id, false, $"refused: {why}", steps);
            }
        }

        var dir = state.BackupDir(id);
        Directory.CreateDirectory(dir);
        var files = new List<BackupFile>();
        for (var i = 0; i < changes.Count; i++)
        {
            var backup = Path.Combine(dir, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            SafeFileWriter.Write(backup, changes[i].Before, preserveOwner: false);
            files.Add(new BackupFile(changes[i].RealPath, backup, FixState.Hash(changes[i].Before), FixState.Hash(After(changes[i]))));
        }

        var record = new FixRecord(id, DateTimeOffset.UtcNow, located.ConfigFile, located.Instance?.MasterPid, actions, files) 
        {
            PhpFpmMasters = phpFpmMasters,
            Units = units,
            Sockets = sockets.Select(x => (x, Config.UnixFileStatus.Of(x.Path))).Select(x => new SocketBackup(x.x.Path, x.Item2.Gid, x.Item2.Mode & 0xfff, x.x.Gid, x.x.Mode)).ToList(),
        };
        state.Save(record);
        steps.Add($"backed up {files.Count} file(s) to {dir}");
        foreach (var c in changes)
        {
            SafeFileWriter.Write(c.RealPath, After(c));
            steps.Add($"wrote {c.RealPath}");
        }

        state.Save(record = record with { Step = FixRecord.Written });
        if (Hook == "pause-after-write")
        {
            await Task.Delay(TimeSpan.FromSeconds(60), ct);
        }

        var test = await FactsCollector.ConfigTestAsync(located, FactsCollector.IsRoot, [], ct);
        if (test is not { Passed: true })
        {
            var message = test is null ? "nginx -t could not be run" : $"nginx -t failed: {test.Output.Trim()}";
            return await UndoAsync(record, steps, message, reloadAgain: false, ct);
        }

        steps.Add($"{test.Command}: ok");
        state.Save(record = record with { Step = FixRecord.Tested });
        if (reload && located.Instance is { } master)
        {
            var (ok, why) = await NginxReloader.ReloadAsync(master, NginxReloader.ErrorLog(master, config, located.Binary), ct);
            steps.Add(why);
            if (!ok)
            {
                return await UndoAsync(record, steps, why, reloadAgain: true, ct);
            }

            state.Save(record = record with { Step = FixRecord.Reloaded });
        }

        foreach (var pid in phpFpmMasters)
        {
            var (ok, why) = await PhpFpmReloader.ReloadAsync(pid, ct);
            steps.Add(why);
            if (!ok)
            {
                return await UndoAsync(record, steps, why, reloadAgain: reload, ct);
            }
        }

        foreach (var unit in units)
        {
            var started = await CommandRunner.RunAsync(CommandRunner.Which("systemctl") ?? "systemctl", ["start", unit], TimeSpan.FromSeconds(60), ct);
            steps.Add($"{started.CommandLine}: {(started.ExitCode == 0 ? "ok" : started.Output.Trim())}");
            if (started.ExitCode != 0)
            {
                return await UndoAsync(record, steps, $"{unit} did not start", reloadAgain: reload, ct);
            }
        }

        foreach (var sock in record.Sockets)
        {
            SetSocket(sock.Path, sock.NewGid, sock.NewMode);
            steps.Add($"{sock.Path}: group {sock.NewGid}, mode {Convert.ToString(sock.NewMode, 8)}");
        }

        var (verified, verdict) = Hook == "fail-verify" ? (false, "verification failed (test hook)") : await verify(ct);
        steps.Add(verdict);
        if (!verified)
        {
            return await UndoAsync(record, steps, $"the fix did not help: {verdict}", reloadAgain: reload, ct);
        }

        state.Save(record with { Step = FixRecord.Applied, Detail = verdict });
        return new ApplyResult(id, true, verdict, steps);
    }

    /// <summary>Finishes applies a previous run left half-way (killed, crashed): their files are restored and nginx reloaded.</summary>
    public async Task<IReadOnlyList<string>> RecoverAsync(CancellationToken ct)
    {
        var said = new List<string>();
        foreach (var record in state.History().Where(r => !r.Finished))
        {
            var result = await UndoAsync(record, [], $"an earlier apply was interrupted at step \"{record.Step}\"", reloadAgain: record.Step != FixRecord.Writing || record.MasterPid is not null, ct);
            said.Add($"{record.Id}: {result.Message}");
        }

        return said;
    }

    /// <summary>Restores the files of an apply (those still as it left them) and reloads.</summary>
    public Task<ApplyResult> RollbackAsync(FixRecord record, CancellationToken ct) => UndoAsync(record, [], "rolled back on request", reloadAgain: true, ct);

    private async Task<ApplyResult> UndoAsync(FixRecord record, List<string> steps, string why, bool reloadAgain, CancellationToken ct)
    {
        foreach (var f in record.Files)
        {
            // A run killed inside a write leaves its temporary file beside the target (never the target half-written).
            foreach (var temp in Directory.GetFiles(Path.GetDirectoryName(f.Path)!, $".{Path.GetFileName(f.Path)}.ngxdoctor-*.tmp"))
            {
                File.Delete(temp);
                steps.Add($"removed {temp}");
            }

            var current = File.Exists(f.Path) ? FixState.Hash(File.ReadAllBytes(f.Path)) : "";
            if (current == f.HashBefore)
            {
                continue;
            }

            if (current != f.HashAfter && record.Step == FixRecord.Applied)
            {
                steps.Add($"left {f.Path}: it changed after the apply");
                continue;
            }

            SafeFileWriter.Write(f.Path, File.ReadAllBytes(f.Backup));
            steps.Add($"restored {f.Path}");
        }

        if (reloadAgain && located.Instance is { } master)
        {
            var (_, reloaded) = await NginxReloader.ReloadAsync(master, NginxReloader.ErrorLog(master, config, located.Binary), ct);
            steps.Add(reloaded);
        }

        foreach (var pid in record.PhpFpmMasters)
        {
            steps.Add((await PhpFpmReloader.ReloadAsync(pid, ct)).Why);
        }

        foreach (var unit in record.Units)
        {
            steps.Add((await CommandRunner.RunAsync(CommandRunner.Which("systemctl") ?? "systemctl", ["stop", unit], TimeSpan.FromSeconds(60), ct)).CommandLine);
        }

        foreach (var sock in record.Sockets.Where(x => File.Exists(x.Path)))
        {
            SetSocket(sock.Path, sock.Gid, sock.Mode);
            steps.Add($"restored group and mode of {sock.Path}");
        }

        state.Save(record with { Step = FixRecord.RolledBack, Detail = why });
        return new ApplyResult(record.Id, false, $"{why}; every file is restored", steps);
    }

    private static void SetSocket(string path, uint gid, int mode)
    {
        Native.Chown(path, Config.UnixFileStatus.Of(path).Uid, gid);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    private static byte[] After(FileChange c) =>
        Hook == "break-config" ? [.. c.After, .. "\nngxdoctor_test_hook_invalid_directive;\n"u8] : c.After;
}
