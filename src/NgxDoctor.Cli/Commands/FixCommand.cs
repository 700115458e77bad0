using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Fixes;
using NgxDoctor.Host;
using NgxDoctor.Host.Fixes;
using NgxDoctor.Host.Nginx;
using NgxDoctor.Host.Proc;
using Spectre.Console;

namespace NgxDoctor.Cli.Commands;

/// <summary>`fix`: the plan for the current findings (a dry run by default); --apply carries it out as one transaction per run; --rollback and --history.</summary>
public static class FixCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "main nginx.conf of the instance (default: the running nginx master's)" };
        var apply = new Option<bool>("--apply") { Description = "carry the plan out: back up, edit, nginx -t, reload, verify; roll back when any step fails" };
        var only = new Option<string?>("--only") { Description = "only fix findings of this cause code" };
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask per change (needed when not on a terminal)" };
        var rollback = new Option<string?>("--rollback") { Description = "restore the files of an earlier apply (its id from --history; the newest when no id is given)", Arity = ArgumentArity.ZeroOrOne };
        var history = new Option<bool>("--history") { Description = "list earlier applies with their ids, files and outcome" };
        var replayQuery = new Option<bool>("--replay-query") { Description = "replay the failing request with its query string (by default only its path is replayed, and only a GET or HEAD ever is)" };
        var probeTimeout = new Option<double>("--probe-timeout") { Description = "seconds each probe may take (long enough to see a slow backend answer)", DefaultValueFactory = _ => 10 };
        var cmd = new Command("fix", """
            Repair what can be repaired safely. Without --apply, print the plan: each finding's edit as a unified diff
            (file:line) or the command it would run, and why; findings without a safe fixer keep their manual remedy.
            With --apply: every file is backed up (hashes kept), written atomically, `nginx -t` run with the instance's
            own binary and paths, nginx reloaded by signal and confirmed, the fix verified (checks re-run, the failing
            request replayed through nginx); any failure restores every file and reloads again.

            Examples:
              ngxdoctor fix                              # the plan, changes nothing
              sudo ngxdoctor fix --apply                 # asks per change on a terminal
              sudo ngxdoctor fix --apply --only upstream-timeout --yes
              sudo ngxdoctor fix --history
              sudo ngxdoctor fix --rollback                # the newest apply
            """)
        {
            config, apply, only, yes, rollback, history, replayQuery, probeTimeout,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(async () =>
        {
            var state = FixState.Default();
            if (r.GetValue(history))
            {
                FixRenderer.History(Terminal.Create(), state.History());
                return 0;
            }

            var located = await InstanceLocator.LocateAsync(r.GetValue(config), NginxProcesses.Find(ProcessTable.Read()), ct);
            var nginx = ConfigLoader.LoadFile(located.ConfigFile);
            var transaction = new FixTransaction(state, located, nginx);
            var console = Terminal.Create();
            var rollingBack = r.GetResult(rollback) is not null;
            // One transaction per host at a time, from recovery to the end of the apply or rollback; taken only when
            // there are journals to recover or something to apply, so a run that changes nothing writes nothing.
            using var hostLock = new HostLock(state);
            if ((r.GetValue(apply) || rollingBack) && state.HasJournals)
            {
                hostLock.Hold();
                foreach (var line in await transaction.RecoverAsync(ct))
                {
                    console.MarkupLine($"[yellow]recovered[/] {Terminal.Safe(line)}");
                }
            }

            if (rollingBack)
            {
                var id = r.GetValue(rollback) ?? "last";
                var record = (id == "last" ? state.History().FirstOrDefault(x => x.Step == FixRecord.Applied) : state.History().FirstOrDefault(x => x.Id == id))
                    ?? throw new UsageException($"--rollback: no applied fix {id} in {state.Dir} (see fix --history)");
                hostLock.Hold();
                var undone = await transaction.RollbackAsync(record, ct);
                FixRenderer.Result(console, undone);
                return 0;
            }

            var probeSeconds = UsageException.Seconds("--probe-timeout", r.GetValue(probeTimeout), 600);
            var options = new CollectOptions { ConfigFile = located.ConfigFile, ProbeTimeout = TimeSpan.FromSeconds(probeSeconds), Deadline = TimeSpan.FromSeconds(probeSeconds + 20) };
            var facts = await DiagnoseCommand.CollectWithinBudgetAsync(options, ct);
            var report = DiagnosisEngine.Diagnose(facts);
            var plan = FixPlanner.Plan(report, facts, nginx, r.GetValue(only));
            var safe = plan.Safe.ToList();
            FixRenderer.Plan(console, report, plan, FileChanges.Build(safe));
            if (!r.GetValue(apply) || safe.Count == 0)
            {
                return 0;
            }

            if (!r.GetValue(yes))
            {
                if (Console.IsInputRedirected || Console.IsOutputRedirected)
                {
                    throw new UsageException("--apply asks before each change: on no terminal, add --yes");
                }

                safe = safe.Where(a => console.Confirm($"Apply: {Markup.Escape(a.Summary)}?", false)).ToList();
                if (safe.Count == 0)
                {
                    console.MarkupLine("Nothing applied: every change was declined; nothing was written or reloaded.");
                    return 0;
                }
            }

            // The re-check counts only what is logged after the change: errors from before it are history.
            var started = DateTime.Now;
            hostLock.Hold();
            var result = await transaction.ApplyAsync(FileChanges.Build(safe), safe.Select(a => $"{a.Finding}: {a.Summary}").ToList(), safe.Any(a => a.ReloadNginx),
                safe.Select(a => a.ReloadPhpFpmPid).OfType<int>().Distinct().ToList(), safe.Select(a => a.Socket).OfType<SocketChange>().ToList(),
                safe.Select(a => a.StartUnit).OfType<string>().Distinct().ToList(), token => FixVerifier.VerifyAsync(options with { Since = DateTime.Now - started }, safe, r.GetValue(replayQuery), token), ct);
            FixRenderer.Result(console, result);
            return result.Applied ? 0 : 2;
        }));
        return cmd;
    }

    /// <summary>The host's fix lock, taken at the first step that needs it and held until the command ends.</summary>
    private sealed class HostLock(FixState state) : IDisposable
    {
        private FixLock? _lock;

        public void Hold() => _lock ??= FixLock.Take(state);

        public void Dispose() => _lock?.Dispose();
    }
}
