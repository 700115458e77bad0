using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// `nginx -t` fails for a reason other than DNS (or, without a binary, the loader found an error such as a missing
/// include), or the configuration includes itself, which nginx cannot load at all.
/// </summary>
public sealed class ConfigErrorCheck : ICheck
{
    public string Id => Cause.ConfigError.Code();

    public string Title => "The configuration passes nginx -t";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.ConfigError];

    public IReadOnlyList<Fact> Needs => [];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        if (facts.ConfigTest is { } test)
        {
            if (test.Passed)
            {
                return CheckOutcome.Ran([]);
            }

            var problems = ConfigTestOutput.Problems(test.Output);
            if (problems.Count > 0 && problems.All(ConfigTestOutput.IsDns))
            {
                // nginx -t fails on names it cannot resolve: dns-failure's finding says so, once.
                return CheckOutcome.Ran([]) with { AnsweredBy = [Cause.DnsFailure] };
            }

            var evidence = problems.Where(p => !ConfigTestOutput.IsDns(p)).Select(p => ConfigTestOutput.ToEvidence(p, test.Command)).ToList();
            var title = evidence.Count > 0 ? $"nginx -t fails: {evidence[0].Text}" : null;
            if (evidence.Count == 0)
            {
                evidence.Add(new Evidence(EvidenceKind.Command, test.Command, $"{ExitText(test.ExitCode)}: {FirstLine(test.Output)}"));
            }

            // What the loader noticed (an include cycle makes nginx itself crash) explains a bare failure.
            var noticed = facts.ConfigDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            evidence.AddRange(noticed.Select(d => new Evidence(EvidenceKind.Config, d.Pos.ToString(), d.Message)));
            title ??= noticed.Count > 0 ? $"nginx -t fails ({ExitText(test.ExitCode)}): {noticed[0].Message}" : $"nginx -t fails: {evidence[0].Text}";
            // A name nginx could not resolve at start-up is a DNS failure's doing (dns-failure explains it).
            var failures = problems.Any(ConfigTestOutput.IsDns) || ConfigTestOutput.IsDns(new("", test.Output, null)) ? [Logs.FailureKind.Dns] : Array.Empty<Logs.FailureKind>();
            return CheckOutcome.Ran([Make(title, evidence, test.Command) with { Failures = failures }]);
        }

        // nginx follows an include cycle until it crashes, so ngxdoctor does not run nginx -t on one: the cycle is the evidence.
        if (facts.ConfigDiagnostics.FirstOrDefault(d => d.Code == ConfigDiagnostic.IncludeCycle) is { } cycle)
        {
            return CheckOutcome.Ran([Make($"nginx cannot load this configuration: {cycle.Message}",
                [new Evidence(EvidenceKind.Config, cycle.Pos.ToString(), cycle.Message), new Evidence(EvidenceKind.Command, "nginx -t", facts.WhyNotCollected(Fact.ConfigTest) ?? "not run")], "nginx -t")
                with { Remedy = new Remedy($"Remove the include at {cycle.Pos} that brings back a file already being read (or narrow its glob), then run nginx -t.", ["nginx -T | grep -n include"]) }]);
        }

        var errors = facts.ConfigDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count == 0)
        {
            return CheckOutcome.Skip(facts.WhyNotCollected(Fact.ConfigTest) ?? "nginx -t was not run");
        }

        var found = errors.Select(e => new Evidence(EvidenceKind.Config, e.Pos.ToString(), e.Message)).ToList();
        return CheckOutcome.Ran([Make($"The configuration has {errors.Count} error(s): {errors[0].Message}", found, "nginx -t") with { Severity = Severity.Warning }]);
    }

    private static Finding Make(string title, IReadOnlyList<Evidence> evidence, string command) =>
        new(Cause.ConfigError, Severity.Critical, null, title, evidence,
            new Remedy("Fix the line nginx names, then run nginx -t until it passes before reloading; a reload with a failing configuration keeps the old one running, and a restart fails.", [command]))
        {
            Check = Cause.ConfigError.Code(),
        };

    private static string ExitText(int code) => code > 128
        ? $"killed by signal {code - 128}{(code - 128 == 11 ? " (SIGSEGV: nginx crashed)" : "")}"
        : $"exit code {code}";

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "(no output)";
}
