using NgxDoctor.Config;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Host.Fixes;

/// <summary>The undo half of a transaction: recovery of runs cut off half-way, rollback on request, and the restore every failure ends in.</summary>
public sealed partial class FixTransaction
{
    /// <summary>Finishes applies a previous run left half-way (killed, crashed): their files are restored and nginx reloaded.</summary>
    public async Task<IReadOnlyList<string>> RecoverAsync(CancellationToken ct)
    {
        var said = new List<string>();
        foreach (var temp in state.OrphanTemps())
        {
            File.Delete(temp);
            said.Add($"removed {temp}, left by a run that was killed");
        }

        // The caller holds the host's FixLock, so a journal still open is a dead run's; its owner is checked all the same.
        foreach (var record in state.History().Where(r => !r.Finished && !FixState.OwnerAlive(r)))
        {
            var result = await UndoAsync(record, [], $"an earlier apply was interrupted at step \"{Codes<FixStep>.Of(record.Step)}\"", reloadAgain: record.Step != FixStep.Writing || record.MasterPid is not null, ct);
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

            var current = File.Exists(f.Path) ? FixState.Hash(Config.RegularFile.ReadAllBytes(f.Path, Config.ConfigText.MaxFileBytes)) : "";
            if (current == f.HashBefore)
            {
                continue;
            }

            if (current != f.HashAfter && record.Step == FixStep.Applied)
            {
                steps.Add($"left {f.Path}: it changed after the apply");
                continue;
            }

            SafeFileWriter.Write(f.Path, File.ReadAllBytes(f.Backup));
            steps.Add($"restored {f.Path}");
        }

        if (reloadAgain && await InstanceOfAsync(record, ct) is var (master, errorLog))
        {
            var (_, reloaded) = await NginxReloader.ReloadAsync(master, errorLog, ct);
            steps.Add(reloaded);
        }
        else if (reloadAgain && record.MasterPid is { } gone)
        {
            steps.Add($"nginx master {gone} of {record.ConfigFile} no longer runs: nothing to reload");
        }

        for (var i = 0; i < record.PhpFpmMasters.Count; i++)
        {
            steps.Add((await PhpFpmReloader.ReloadAsync(record.PhpFpmMasters[i], record.PhpFpmConfigs.ElementAtOrDefault(i), ct)).Why);
        }

        foreach (var unit in record.Units)
        {
            steps.Add((await ServiceControl.RunAsync(unit, "stop", ct)).CommandLine);
        }

        foreach (var sock in record.Sockets)
        {
            steps.Add(SocketOwnership.Set(sock.Path, sock.Device, sock.Inode, sock.Gid, sock.Mode) is { } refused
                ? $"group and mode of {sock.Path} not restored: {refused}"
                : $"restored group and mode of {sock.Path}");
        }

        state.Save(record with { Step = FixStep.RolledBack, Detail = why });
        return new ApplyResult(record.Id, false, $"{why}; every file is restored", steps);
    }

    /// <summary>The running master of the journal's instance (its configuration file), which need not be the one this run diagnosed.</summary>
    private async Task<(NginxInstance Master, string? ErrorLog)?> InstanceOfAsync(FixRecord record, CancellationToken ct)
    {
        if (record.ConfigFile == located.ConfigFile && located.Instance is { } own)
        {
            return (own, NginxReloader.ErrorLog(own, config, located.Binary));
        }

        var masters = Nginx.NginxProcesses.Find(Proc.ProcessTable.Read());
        var other = await InstanceLocator.LocateAsync(record.ConfigFile, masters, ct);
        if (other.Instance is not { } master)
        {
            return null;
        }

        NginxConfig? theirs = null;
        try
        {
            theirs = ConfigLoader.LoadFile(record.ConfigFile);
        }
        catch (ConfigParseException)
        {
            // Reloaded all the same; only the check for [emerg] in its error log is lost.
        }

        return (master, theirs is null ? null : NginxReloader.ErrorLog(master, theirs, other.Binary));
    }
}
