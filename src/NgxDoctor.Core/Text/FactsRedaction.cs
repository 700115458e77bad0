using NgxDoctor.Config.PhpFpm;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Text;

/// <summary>A facts snapshot with what could be a secret taken out (see <see cref="Redactor"/>), for a bundle that leaves the host.</summary>
public static class FactsRedaction
{
    /// <param name="keepQuery">Keep query values whose names are no secret (a report read on the host); bundles and facts files drop them all unless asked.</param>
    public static DiagnosisFacts Apply(DiagnosisFacts facts, bool keepQuery)
    {
        string L(string s) => Redactor.Line(s, keepQuery);
        // One process owns many listeners: redacted once and shared, as gathered (not a copy of its command line per socket).
        var redacted = new Dictionary<ProcessInfo, ProcessInfo>(ReferenceEqualityComparer.Instance);
        ProcessInfo P(ProcessInfo p) => redacted.TryGetValue(p, out var r) ? r : redacted[p] = p with { CommandLine = Redactor.CommandLine(p.CommandLine) };
        return facts with
        {
            Logs = facts.Logs is { } lf ? Logs(lf, keepQuery) : null,
            Instance = facts.Instance is { } i ? i with { CommandLine = Redactor.CommandLine(i.CommandLine) } : null,
            Listeners = facts.Listeners?.Select(l => l with { Processes = l.Processes.Select(P).ToList() }).ToList(),
            HttpProbes = facts.HttpProbes?.Select(p => p with { Detail = L(p.Detail) }).ToList(),
            FastCgiProbes = facts.FastCgiProbes?.Select(p => p with { Detail = L(p.Detail) }).ToList(),
            FastCgiReplays = facts.FastCgiReplays.Select(p => p with { Request = L(p.Request), Detail = L(p.Detail) }).ToList(),
            ConfigTest = facts.ConfigTest is { } t ? t with { Output = L(t.Output) } : null,
            PhpFpm = facts.PhpFpm.Select(m => m with { Pools = m.Pools.Select(Pool).ToList() }).ToList(),
        };
    }

    /// <summary>The log evidence with every quoted line redacted (samples of incidents and of unclassified lines).</summary>
    public static LogFacts Logs(LogFacts lf, bool keepQuery)
    {
        List<LogSample> Samples(IEnumerable<LogSample> samples) => samples.Select(s => s with { Text = Redactor.Line(s.Text, keepQuery) }).ToList();
        List<LogIncident> Incidents(IEnumerable<LogIncident> incidents) => incidents.Select(i => i with { Samples = Samples(i.Samples) }).ToList();
        return lf with
        {
            Incidents = Incidents(lf.Incidents),
            Files = lf.Files.Select(f => f with { UnclassifiedSamples = Samples(f.UnclassifiedSamples) }).ToList(),
            Access = lf.Access is { } a ? a with
            {
                BackendErrors = Incidents(a.BackendErrors),
                GaveUp = Incidents(a.GaveUp),
                Unlogged = Incidents(a.Unlogged),
                Files = a.Files.Select(f => f with { UnclassifiedSamples = Samples(f.UnclassifiedSamples) }).ToList(),
            } : null,
        };
    }

    private static FpmPool Pool(FpmPool pool) => pool with
    {
        Settings = pool.Settings.ToDictionary(kv => kv.Key, kv => Redactor.Config($"{kv.Key} = {kv.Value.Value}") == $"{kv.Key} = {kv.Value.Value}" ? kv.Value : kv.Value with { Value = Redactor.Mark }),
    };
}
