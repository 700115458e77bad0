using NgxDoctor.Config;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Checks;

/// <summary>
/// What an HTTP request sent as nginx would send it shows now: an answer that is not HTTP (or TLS where nginx
/// speaks plain HTTP, and the reverse) is bad-response; a response header larger than the proxy_buffer_size in
/// force is header-too-big; a certificate nginx would refuse (proxy_ssl_verify on) is bad-response. All are 502s
/// for that location, now.
/// </summary>
public sealed class HttpProbeCheck : ICheck
{
    public string Id => "http-probe";

    public string Title => "HTTP, uwsgi, SCGI and gRPC upstreams answer nginx's request in their protocol, within its buffer";


    /// <summary>The causes its findings may carry.</summary>

    public IReadOnlyList<Cause> Causes => [Cause.BadResponse, Cause.HeaderTooBig, Cause.UpstreamCrash];

    public IReadOnlyList<Fact> Needs => [Fact.HttpProbes];

    public CheckOutcome Run(DiagnosisFacts facts)
    {
        var probes = facts.HttpProbes!;

        var findings = new List<Finding>();
        foreach (var probe in probes)
        {
            var target = FactsLookups.Of(facts).Targets.GetValueOrDefault(probe.Target);
            if (target is null)
            {
                continue;
            }

            var evidence = DeadTargets.ConfigEvidence(target);
            evidence.Add(new Evidence(EvidenceKind.Probe, $"http {probe.Target} \"{probe.Request}\"", $"{probe.Detail} (connect {probe.ConnectMs:0.0} ms, first byte {probe.FirstByteMs:0.0} ms)"));
            if (probe.Outcome == HttpProbeResult.TlsVerify)
            {
                if (target.Sites[0].Setting("_ssl_verify") is { Pos: { } at } verify)
                {
                    evidence.Add(new Evidence(EvidenceKind.Config, at.ToString(), $"{verify.Name} {verify.Value}"));
                }

                findings.Add(new Finding(Cause.BadResponse, Severity.Critical, probe.Target, $"{probe.Target}'s TLS certificate fails nginx's verification",
                    evidence,
                    new Remedy("Give nginx the CA that signed the backend's certificate in proxy_ssl_trusted_certificate, renew an expired certificate, or set proxy_ssl_name to a name the certificate carries (proxy_ssl_server_name on if the backend picks its certificate by SNI); then nginx -t and reload.",
                        [$"openssl s_client -connect {probe.Target} -showcerts </dev/null"]))
                { Check = Id });
            }
            else if (probe is { Outcome: HttpProbeResult.Tls, SniNeeded: { } sni })
            {
                findings.Add(new Finding(Cause.BadResponse, Severity.Critical, probe.Target, $"{probe.Target} needs SNI: nginx sends none (proxy_ssl_server_name off), the handshake with {sni} succeeds",
                    evidence,
                    new Remedy($"Where requests reach it, set `proxy_ssl_server_name on;` and `proxy_ssl_name {sni};` (the name the backend expects), then nginx -t and reload.",
                        [$"openssl s_client -connect {probe.Target} -servername {sni} </dev/null", $"openssl s_client -connect {probe.Target} -noservername </dev/null"]))
                { Check = Id });
            }
            else if (probe is { Outcome: HttpProbeResult.Tls, CipherNeeded: { } cipher } && target.Sites[0].Setting("_ssl_ciphers") is { Value.Length: > 0 } ciphers)
            {
                if (ciphers.Pos is { } at)
                {
                    evidence.Add(new Evidence(EvidenceKind.Config, at.ToString(), $"{ciphers.Name} {ciphers.Value}"));
                }

                findings.Add(new Finding(Cause.BadResponse, Severity.Critical, probe.Target, $"{probe.Target} accepts none of {ciphers.Name} {ciphers.Value}: the TLS handshake fails; it agrees on {cipher}",
                    evidence,
                    new Remedy($"Add {cipher} to {ciphers.Name} where requests reach it (e.g. `{ciphers.Name} {ciphers.Value}:{cipher};`), or let the backend accept one of nginx's, then nginx -t and reload.",
                        [$"openssl ciphers -v '{ciphers.Value}'", $"openssl s_client -connect {probe.Target} </dev/null 2>/dev/null | grep -i cipher"]))
                { Check = Id });
            }
            else if (probe is { Outcome: HttpProbeResult.Tls, ProtocolNeeded: { } version })
            {
                var allowed = target.Sites[0].Setting("_ssl_protocols") is { Value.Length: > 0 } p ? $"{p.Name} {p.Value}" : "proxy_ssl_protocols";
                if (target.Sites[0].Setting("_ssl_protocols") is { Pos: { } at })
                {
                    evidence.Add(new Evidence(EvidenceKind.Config, at.ToString(), allowed));
                }

                findings.Add(new Finding(Cause.BadResponse, Severity.Critical, probe.Target, $"{probe.Target} speaks {version}, which {allowed} does not allow: the TLS handshake fails",
                    evidence,
                    new Remedy($"Add the backend's version to {allowed.Split(' ')[0]} where requests reach it (or let the backend speak one nginx allows), then nginx -t and reload.", [$"openssl s_client -connect {probe.Target} </dev/null 2>/dev/null | grep Protocol"]))
                { Check = Id });
            }
            else if (probe is { Outcome: HttpProbeResult.Tls, ClientCertificateAsked: true })
            {
                findings.Add(new Finding(Cause.BadResponse, Severity.Critical, probe.Target, $"{probe.Target} requires a client certificate, and nginx sends none (no proxy_ssl_certificate)",
                    evidence,
                    new Remedy("Give nginx the client certificate and key the backend trusts: proxy_ssl_certificate and proxy_ssl_certificate_key where requests reach it, then nginx -t and reload.", [$"openssl s_client -connect {probe.Target} </dev/null 2>&1 | grep -A3 'Acceptable client certificate CA names'"]))
                { Check = Id });
            }
            else if (probe is { Outcome: HttpProbeResult.NotHttp, Protocol: { } protocol } && target.Sites[0].Directive != "grpc_pass")
            {
                findings.Add(new Finding(Cause.BadResponse, Severity.Critical, probe.Target, $"{probe.Target} speaks {ForeignProtocol.Describe(protocol)}, not the {Protocol(target)} {target.Sites[0].Directive} sends",
                    evidence,
                    new Remedy(protocol == ForeignProtocol.Http2
                        ? $"{target.Sites[0].Directive} speaks HTTP/1.x only: for a gRPC service use `grpc_pass grpc://{probe.Target};` (grpcs:// with TLS); for an HTTP service enable HTTP/1.1 on the backend (or put it behind TLS with ALPN). nginx passes this answer as HTTP/0.9 (\"upstream sent no valid HTTP/1.0 header\"): clients see garbage or 502."
                        : $"This is not a web backend: point {target.Sites[0].Directive} at the port of the application, not at {ForeignProtocol.Describe(protocol)}.",
                        [$"ss -ltnp 'sport = :{probe.Target[(probe.Target.LastIndexOf(':') + 1)..]}'"]))
                { Check = Id });
            }
            else if (probe.Outcome is HttpProbeResult.NotHttp or HttpProbeResult.Tls)
            {
                findings.Add(new Finding(Cause.BadResponse, Severity.Critical, probe.Target,
                    probe.Outcome == HttpProbeResult.Tls ? $"{probe.Target} and nginx disagree on TLS" : $"{probe.Target} does not answer {Protocol(target)}",
                    evidence,
                    new Remedy("Point nginx at the port that serves HTTP (or use https:// for a TLS port, fastcgi_pass for PHP-FPM, grpc_pass for gRPC).", [$"curl -sv http://{probe.Target}/ -o /dev/null"]))
                { Check = Id });
            }
            else if (probe.Outcome == HttpProbeResult.Closed)
            {
                var crashes = BackendCrashes.Now(facts, target);
                findings.Add(new Finding(Cause.UpstreamCrash, Severity.Critical, probe.Target, $"{probe.Target} accepts the connection but closes it without answering",
                    [.. evidence, .. crashes.Select(BackendCrashes.Evidence)],
                    crashes.Count > 0 ? BackendCrashes.Remedy(crashes) : new Remedy("The backend accepts and then drops requests: read its own log for a crash or an error at start of request handling.", []))
                { Check = Id });
            }
            else if (probe is { Outcome: HttpProbeResult.Ok, Framing: { } framing })
            {
                findings.Add(new Finding(Cause.BadResponse, Severity.Warning, probe.Target, $"{probe.Target} answers with {framing}: nginx 1.23 and later turn that into 502",
                    evidence,
                    new Remedy("Make the backend send either Content-Length or Transfer-Encoding: chunked, once (a middleware or framework that adds its own is the usual cause); older nginx passes such a response on, which request smuggling feeds on.",
                        [$"curl -sv http://{probe.Target}/ -o /dev/null 2>&1 | grep -i -E 'content-length|transfer-encoding'"]))
                { Check = Id });
            }
            else if (probe.Outcome == HttpProbeResult.Ok && target.Sites[0].Setting("_buffer_size") is { } buffer
                && ConfigValues.TryParseSize(buffer.Value, out var size) && probe.HeaderBytes > size)
            {
                evidence.Add(new Evidence(EvidenceKind.Config, buffer.Pos?.ToString() ?? "default", $"{buffer.Name} {buffer.Value}{(buffer.IsDefault ? " (nginx's default)" : "")} = {size} bytes"));
                var needed = HeaderBuffer.Kilobytes(probe.HeaderBytes);
                findings.Add(new Finding(Cause.HeaderTooBig, Severity.Critical, probe.Target,
                    $"{probe.Target} answers with a {probe.HeaderBytes}-byte header; {buffer.Name} is {buffer.Value}",
                    evidence,
                    new Remedy($"Set {buffer.Name} {needed}k (with proxy_buffers and proxy_busy_buffers_size large enough to match) where requests reach it, then nginx -t and reload; or make the backend send smaller headers.", ["nginx -t", "nginx -s reload"]))
                { Check = Id });
            }
        }

        return CheckOutcome.Ran(findings);
    }

    private static string Protocol(Config.Upstreams.UpstreamTarget target) => target.Sites[0].Directive switch
    {
        "uwsgi_pass" => "uwsgi",
        "scgi_pass" => "SCGI",
        "grpc_pass" => "HTTP/2 (gRPC)",
        _ => "HTTP",
    };
}
