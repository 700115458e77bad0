using System.CommandLine;
using NgxDoctor.Cli.Rendering;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Fixes;
using NgxDoctor.Host.Namespaces;
using NgxDoctor.Host;
using NgxDoctor.Host.Diagnosis;
using NgxDoctor.Host.Fixes;
using Spectre.Console;

namespace NgxDoctor.Cli.Commands;

/// <summary>`fix`: the plan for the current findings (a dry run by default); --apply carries it out as one transaction per run; --rollback and --history.</summary>
public static class FixCommand
{
    private sealed record Options(
        Option<string?> Config, Option<bool> Apply, Option<string?> Only, Option<bool> Yes, Option<string?> Rollback, Option<bool> History,
        Option<bool> ReplayQuery, Option<double> ProbeTimeout, Option<bool> Json, Option<int?> Pid, Option<string?> Container);

    public static Command Create()
    {
        var o = new Options(
            SharedOptions.Config(),
            new Option<bool>("--apply") { Description = "carry the plan out: back up, edit, nginx -t, reload, verify; roll back when any step fails" },
            new Option<string?>("--only") { Description = "only fix findings of this cause code (an unknown code is an error)" },
            new Option<bool>("--yes", "-y") { Description = "do not ask per change (needed when not on a terminal)" },
            new Option<string?>("--rollback") { Description = "restore the files of an earlier apply (its id from --history; the newest applied one when no id is given)", Arity = ArgumentArity.ZeroOrOne },
            new Option<bool>("--history") { Description = "list earlier applies with their ids, files and outcome" },
            new Option<bool>("--replay-query") { Description = "replay the failing request with its query string (by default only its path is replayed, and only a GET or HEAD ever is)" },
            SharedOptions.ProbeTimeout(10, " (longer than diagnose's 2: the plan for a timeout needs the slow backend's answer)"),
            SharedOptions.Json(),
            SharedOptions.Pid(),
            SharedOptions.Container());
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
              sudo ngxdoctor fix --rollback              # the newest applied fix

            Exit codes: 0 planned or applied (or nothing to do), 1 --apply changed nothing it was asked to (why on
            stderr), 2 an apply failed and was rolled back, 3 could not run.
            """)
        {
            o.Config, o.Apply, o.Only, o.Yes, o.Rollback, o.History, o.ReplayQuery, o.ProbeTimeout, o.Json, o.Pid, o.Container,
        };
        cmd.SetAction((r, ct) => CliErrors.GuardAsync(() => RunAsync(r, o, ct)));
        return cmd;
    }

    private static async Task<int> RunAsync(ParseResult r, Options o, CancellationToken ct)
    {
        var only = r.GetValue(o.Only) is { } code ? UsageException.Cause(code) : (Cause?)null;
        var json = r.GetValue(o.Json);
        if (json && r.GetValue(o.Apply) && !r.GetValue(o.Yes))
        {
            throw new UsageException("--apply --json cannot ask before each change: add --yes");
        }

        var state = FixState.Default();
        if (r.GetValue(o.History))
        {
            Print(json, () => FixJson.Serialize(new FixHistoryReport(state.Dir, state.History())), c => FixRenderer.History(c, state.History()));
            return 0;
        }

        var located = await DiagnosisService.LocateOneAsync(r.GetValue(o.Config), new InstanceSelector(r.GetValue(o.Pid), r.GetValue(o.Container)), ct);
        var nginx = located.LoadConfig();
        var transaction = new FixTransaction(state, located, nginx);
        var rollingBack = r.GetResult(o.Rollback) is not null;
        // One transaction per host at a time, from recovery to the end of the apply or rollback; taken only when
        // there are journals to recover or something to apply, so a run that changes nothing writes nothing.
        using var hostLock = new HostLock(state);
        var recovered = new List<string>();
        if ((r.GetValue(o.Apply) || rollingBack) && state.HasJournals)
        {
            hostLock.Hold();
            recovered.AddRange(await transaction.RecoverAsync(ct));
        }

        if (rollingBack)
        {
            var record = Rollback(state, r.GetValue(o.Rollback) ?? "last");
            hostLock.Hold();
            var undone = await transaction.RollbackAsync(record, ct);
            Print(json, () => FixJson.Serialize(new FixReport(NgxDoctor.Core.Diagnosis.Status.Unknown, new FixPlan([]), [], recovered, undone)), c =>
            {
                Recovered(c, recovered);
                FixRenderer.Result(c, undone);
            });
            return 0;
        }

        var probeSeconds = UsageException.Seconds("--probe-timeout", r.GetValue(o.ProbeTimeout), 600);
        var options = new CollectOptions { ProbeTimeout = TimeSpan.FromSeconds(probeSeconds), Deadline = TimeSpan.FromSeconds(probeSeconds + 20) };
        var diagnosed = await DiagnosisService.DiagnoseAsync(located, options, ct);
        var plan = FixPlanner.Plan(diagnosed.Report, diagnosed.Facts, nginx, only);
        var safe = plan.Safe.ToList();
        var changes = FileChanges.Build(safe, located.Identity?.Container is null ? null : located.From.Root);
        var console = Terminal.Create();
        if (!json)
        {
            Recovered(console, recovered);
            FixRenderer.Plan(console, diagnosed.Report, plan, changes);
        }

        ApplyResult? result = null;
        if (r.GetValue(o.Apply) && safe.Count > 0 && ContainerFiles.WhyNotApplied(located, changes) is { } notHere)
        {
            throw new UsageException(notHere);
        }

        if (r.GetValue(o.Apply) && safe.Count > 0)
        {
            safe = Confirmed(console, safe, r.GetValue(o.Yes));
            result = safe.Count == 0 ? null : await ApplyAsync(transaction, hostLock, located, options, safe, r.GetValue(o.ReplayQuery), ct);
        }

        Print(json, () => FixJson.Serialize(new FixReport(diagnosed.Report.Status, plan, changes.Select(FixDiff.Of).ToList(), recovered, result)), c =>
        {
            if (result is not null)
            {
                FixRenderer.Result(c, result);
            }
        });
        return FixExit.Of(r.GetValue(o.Apply), only, diagnosed.Report, plan, safe.Count, result);
    }

    private static async Task<ApplyResult> ApplyAsync(FixTransaction transaction, HostLock hostLock, LocatedInstance located, CollectOptions options, List<FixAction> safe, bool replayQuery, CancellationToken ct)
    {
        // The re-check counts only what is logged after the change: errors from before it are history.
        var started = DateTime.Now;
        hostLock.Hold();
        return await transaction.ApplyAsync(FixRequest.Of(safe), token => FixVerifier.VerifyAsync(located, options with { Since = DateTime.Now - started }, safe, replayQuery, token), ct);
    }

    /// <summary>The changes to carry out: all of them with --yes, else those confirmed one by one on a terminal.</summary>
    private static List<FixAction> Confirmed(IAnsiConsole console, List<FixAction> safe, bool yes)
    {
        if (yes)
        {
            return safe;
        }

        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            throw new UsageException("--apply asks before each change: on no terminal, add --yes");
        }

        return safe.Where(a => console.Confirm($"Apply: {Markup.Escape(a.Summary)}?", false)).ToList();
    }

    private static FixRecord Rollback(FixState state, string id) =>
        (id == "last" ? state.History().FirstOrDefault(x => x.Step == FixStep.Applied) : state.History().FirstOrDefault(x => x.Id == id))
        ?? throw new UsageException(id == "last"
            ? $"--rollback: no fix in {state.Dir} is applied and not rolled back (see fix --history)"
            : $"--rollback: no applied fix {id} in {state.Dir} (see fix --history)");

    private static void Recovered(IAnsiConsole console, IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            console.MarkupLine($"[yellow]recovered[/] {Terminal.Safe(line)}");
        }
    }

    private static void Print(bool json, Func<string> document, Action<IAnsiConsole> text)
    {
        if (json)
        {
            Console.Out.WriteLine(document());
        }
        else
        {
            text(Terminal.Create());
        }
    }

    /// <summary>The host's fix lock, taken at the first step that needs it and held until the command ends.</summary>
    private sealed class HostLock(FixState state) : IDisposable
    {
        private FixLock? _lock;

        public void Hold() => _lock ??= FixLock.Take(state);

        public void Dispose() => _lock?.Dispose();
    }
}
