using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>The backend does not speak what nginx expects: invalid HTTP, HTTP/0.9, FastCGI damage, TLS failures.</summary>
public sealed class BadResponseCheck : LogIncidentCheck
{
    public override string Id => Diagnosis.Cause.BadResponse.Code();

    public override string Title => "Upstreams answer in the protocol nginx expects";

    protected override Cause Cause => Diagnosis.Cause.BadResponse;

    protected override IReadOnlyList<Logs.FailureKind> Kinds => [Logs.FailureKind.InvalidResponse, Logs.FailureKind.Http09, Logs.FailureKind.TlsError];

    protected override string Describe(string upstream, IReadOnlyList<LogIncident> incidents, int count) =>
        incidents.Any(i => i.Kind == Logs.FailureKind.Http09) ? $"{upstream} does not answer HTTP: nginx passed {count} raw non-HTTP response(s) through as HTTP/0.9"
        : incidents.Any(i => i.Kind == Logs.FailureKind.TlsError) ? $"TLS to {upstream} failed {count} time(s) (502)"
        : $"{upstream} sent {count} invalid response(s) (502)";

    protected override Remedy Remedy(DiagnosisFacts facts, UpstreamTarget? target, IReadOnlyList<LogIncident> incidents) =>
        incidents.Any(i => i.Kind == Logs.FailureKind.TlsError)
            ? new("Match the scheme to the port (https:// only to TLS ports), set proxy_ssl_server_name on (SNI) and proxy_ssl_name, and trust the backend's CA (proxy_ssl_trusted_certificate) when proxy_ssl_verify is on.", [])
            : new("Check that nginx points at the right port and protocol (http vs https vs fastcgi_pass vs another service such as redis or gRPC), and fix the backend's response headers.", []);
}
