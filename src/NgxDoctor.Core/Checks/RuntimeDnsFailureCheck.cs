using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>"could not be resolved" / "no resolver defined": run-time resolution of an upstream name fails (502).</summary>
public sealed class RuntimeDnsFailureCheck : LogIncidentCheck
{
    public override string Id => "dns-failure-runtime";

    public override string Title => "Upstream names resolve at request time";

    protected override Cause Cause => Diagnosis.Cause.DnsFailure;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.Dns];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        $"Run-time name resolution failed {count} time(s) (502)";

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        new("Define a `resolver` that answers (a variable in proxy_pass needs one; /etc/hosts is not used), check the name exists, and raise resolver_timeout if the DNS server is slow.", []);
}
