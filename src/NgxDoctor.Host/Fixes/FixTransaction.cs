using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Host.Fixes;

/// <summary>How an apply ended, with what it did step by step.</summary>
public sealed record ApplyResult(string Id, bool Applied, string Message, IReadOnlyList<string> Steps);

/// <summary>
/// One apply, all or nothing: back up every file (with hashes) and journal each step; write each file atomically;
/// `nginx -t` with the instance's own binary, -c, -p and -g; reload by signalling the master and confirm it took;
/// verify (the caller's re-check and replayed requests). Any failure restores every file byte for byte and reloads
/// again. A run cut off half-way is finished by <see cref="RecoverAsync"/>: it restores the files and reloads.
/// </summary>
public sealed partial class FixTransaction(FixState state, LocatedInstance located, NginxConfig config, FixSteps? seams = null)
{
    private readonly FixSteps _seams = seams ?? new FixSteps();

    public async Task<ApplyResult> ApplyAsync(FixRequest request, Func<CancellationToken, Task<(bool Ok, string Why)>> verify, CancellationToken ct)
    {
        var (changes, actions, sockets) = (request.Changes, request.Actions, request.Sockets);
        var phpFpmMasters = request.PhpFpmMasters;
        var steps = new List<string>();
        var id = state.NewId();
        foreach (var c in changes)
        {
            if ((SafeFileWriter.Refusal(c.RealPath) ?? Changed(c)) is { } why)
            {
                return new ApplyResult(id, false, $"refused: {why}", steps);
            }
        }

        if (Refused(changes) is { } refused)
        {
            return new ApplyResult(id, false, $"refused: {refused}", steps);
        }

        var socketIds = sockets.Select(x => (Change: x, Id: SocketOwnership.Identify(x.Path), Status: Config.UnixFileStatus.Of(x.Path, followSymlinks: false))).ToList();
        if (socketIds.FirstOrDefault(x => x.Id is null) is { Change: { } notSocket })
        {
            return new ApplyResult(id, false, $"refused: {notSocket.Path} is not a socket (a symlink or a file in its place?)", steps);
        }

        var dir = state.BackupDir(id);
        state.CreatePrivateDirectory(dir);
        var files = new List<BackupFile>();
        for (var i = 0; i < changes.Count; i++)
        {
            var backup = Path.Combine(dir, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // The copy keeps the original's owner, group and mode: a 0640 configuration does not become readable by all.
            SafeFileWriter.Write(backup, changes[i].Before, like: Config.UnixFileStatus.Of(changes[i].RealPath));
            files.Add(new BackupFile(changes[i].RealPath, backup, FixState.Hash(changes[i].Before), FixState.Hash(changes[i].After)));
        }

        var record = new FixRecord(id, DateTimeOffset.UtcNow, located.ConfigFile, located.Instance?.MasterPid, actions, files)
        {
            PhpFpmMasters = phpFpmMasters,
            PhpFpmConfigs = phpFpmMasters.Select(PhpFpmConfigOf).ToList(),
            Units = request.Units,
            Sockets = socketIds.Select(x => new SocketBackup(x.Change.Path, x.Status.Gid, x.Status.Mode & 0xfff, x.Change.Gid, x.Change.Mode) { Device = x.Id!.Value.Device, Inode = x.Id.Value.Inode }).ToList(),
            OwnerPid = Environment.ProcessId,
            OwnerStart = FixState.StartTime(Environment.ProcessId) ?? 0,
        };
        state.Save(record);
        steps.Add($"backed up {files.Count} file(s) to {dir}");
        var progress = new Progress(record);
        try
        {
            return await CarryOutAsync(progress, request, steps, verify, ct);
        }
        catch (Exception e)
        {
            // Whatever failed once a file may be written (a request line nginx logged, a signal, Ctrl-C) is undone here.
            var why = e is OperationCanceledException ? "interrupted" : $"internal error ({e.GetType().Name})";
            return await UndoAsync(progress.Record, steps, $"{why} at step \"{Codes<FixStep>.Of(progress.Record.Step)}\"", reloadAgain: progress.Record.Step != FixStep.Writing, CancellationToken.None);
        }
    }

    /// <summary>
    /// The configuration as it would read with the edits written, read as nginx reads it (its directive table): an
    /// edit nginx would refuse is never written, before nginx -t is even asked.
    /// </summary>
    private string? Refused(IReadOnlyList<FileChange> changes)
    {
        var edited = changes.Where(c => config.Files.ContainsKey(c.ConfigPath))
            .ToDictionary(c => c.ConfigPath, c => System.Text.Encoding.UTF8.GetString(c.After), StringComparer.Ordinal);
        if (edited.Count == 0)
        {
            return null;
        }

        try
        {
            new ConfigLoader(new OverlayConfigSource(located.ConfigSource, edited)).Load(config.MainFile, config.Prefix);
            return null;
        }
        catch (ConfigParseException e)
        {
            return $"the edited configuration is one nginx refuses ({e.Message}); nothing was written";
        }
    }

    /// <summary>The journal as far as the apply got.</summary>
    private sealed class Progress(FixRecord record)
    {
        public FixRecord Record { get; set; } = record;
    }

    private async Task<ApplyResult> CarryOutAsync(Progress progress, FixRequest request, List<string> steps, Func<CancellationToken, Task<(bool Ok, string Why)>> verify, CancellationToken ct)
    {
        var (reload, units) = (request.Reload, request.Units);
        var record = progress.Record;
        foreach (var c in request.Changes)
        {
            // The plan's positions hold only for the bytes it was made from: a file edited meanwhile is not written.
            if (Changed(c) is { } changed)
            {
                return await UndoAsync(record, steps, changed, reloadAgain: false, ct);
            }

            _seams.Write(c.RealPath, c.After);
            steps.Add($"wrote {c.RealPath}");
        }

        state.Save(progress.Record = record = record with { Step = FixStep.Written });
        var test = await _seams.Test(located, config, ct);
        if (test is not { Passed: true })
        {
            var message = test is null ? "nginx -t could not be run" : $"nginx -t failed: {test.Output.Trim()}";
            return await UndoAsync(record, steps, message, reloadAgain: false, ct);
        }

        steps.Add($"{test.Command}: ok");
        state.Save(progress.Record = record = record with { Step = FixStep.Tested });
        if (reload && located.Instance is { } master)
        {
            var (ok, why) = await _seams.Reload(master, NginxReloader.ErrorLog(master, config, located.Binary), ct);
            steps.Add(why);
            if (!ok)
            {
                return await UndoAsync(record, steps, why, reloadAgain: true, ct);
            }

            state.Save(progress.Record = record = record with { Step = FixStep.Reloaded });
        }

        for (var i = 0; i < record.PhpFpmMasters.Count; i++)
        {
            var (ok, why, now) = await PhpFpmReloader.ReloadAsync(record.PhpFpmMasters[i], record.PhpFpmConfigs.ElementAtOrDefault(i), ct);
            steps.Add(why);
            // A daemonized master comes back under a new pid: the journal follows it, so an undo signals the live one.
            state.Save(progress.Record = record = record with { PhpFpmMasters = [.. record.PhpFpmMasters.Select((p, j) => j == i ? now : p)] });
            if (!ok)
            {
                return await UndoAsync(record, steps, why, reloadAgain: reload, ct);
            }
        }

        foreach (var unit in units)
        {
            var started = await ServiceControl.RunAsync(unit, "start", ct);
            steps.Add($"{started.CommandLine}: {(started.ExitCode == 0 ? "ok" : started.Output.Trim())}");
            if (started.ExitCode != 0)
            {
                return await UndoAsync(record, steps, $"{ServiceCommands.Parse(unit).Name} did not start", reloadAgain: reload, ct);
            }
        }

        foreach (var sock in record.Sockets)
        {
            if (SocketOwnership.Set(sock.Path, sock.Device, sock.Inode, sock.NewGid, sock.NewMode) is { } refused)
            {
                return await UndoAsync(record, steps, refused, reloadAgain: reload, ct);
            }

            steps.Add($"{sock.Path}: group {sock.NewGid}, mode {Convert.ToString(sock.NewMode, 8)}");
        }

        var (verified, verdict) = await verify(ct);
        steps.Add(verdict);
        if (!verified)
        {
            return await UndoAsync(record, steps, $"the fix did not help: {verdict}", reloadAgain: reload, ct);
        }

        state.Save(progress.Record = record with { Step = FixStep.Applied, Detail = verdict });
        return new ApplyResult(record.Id, true, verdict, steps);
    }

    private static string? PhpFpmConfigOf(int pid) =>
        Proc.ProcessTable.ReadOne("/proc", pid) is { } p && Proc.PhpFpmMaster.HasTitle(p) ? Proc.PhpFpmMaster.Resolve(p).Config : null;

    /// <summary>Why a planned file may not be written now: its bytes are no longer those the plan was made from.</summary>
    private static string? Changed(FileChange c)
    {
        var now = File.Exists(c.RealPath) ? FixState.Hash(Config.RegularFile.ReadAllBytes(c.RealPath, Config.ConfigText.MaxFileBytes)) : "";
        return now == FixState.Hash(c.Before) ? null : $"{c.RealPath} changed since the plan was made (sha256 {now[..Math.Min(12, now.Length)]}): run fix again to plan on its new text";
    }
}
