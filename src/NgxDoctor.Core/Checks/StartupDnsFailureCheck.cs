using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>`nginx -t` fails because an upstream hostname does not resolve ("host not found in upstream").</summary>
public sealed class StartupDnsFailureCheck : ICheck
{
    public string Id => "dns-failure-startup";

    public string Title => "Every upstream hostname resolves when nginx starts";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.DnsFailure];

    public IReadOnlyList<Fact> Needs => [Fact.ConfigTest];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var test = facts.ConfigTest!;

        var findings = new List<Finding>();
        foreach (var p in ConfigTestOutput.Problems(test.Output).Where(ConfigTestOutput.IsDns))
        {
            var host = Logs.ErrorClassifier.HostOf(Quoted(p.Message)).ToString();
            findings.Add(new Finding(
                Cause.DnsFailure,
                Severity.Critical,
                host,
                $"Upstream host \"{host}\" does not resolve: nginx -t fails, so nginx cannot start or reload",
                [ConfigTestOutput.ToEvidence(p, test.Command)],
                new Remedy($"Make {host} resolvable (DNS or /etc/hosts), or use an IP address; with a `resolver` and a variable in proxy_pass nginx resolves at request time instead of at start-up.", [$"getent hosts {host}", "nginx -t"]))
            {
                Check = Id,
            });
        }

        return CheckOutcome.Ran(findings);
    }

    private static string Quoted(string message)
    {
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        return end > start ? message[(start + 1)..end] : message;
    }
}
