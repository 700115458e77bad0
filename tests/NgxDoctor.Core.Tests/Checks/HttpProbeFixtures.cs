using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

public sealed class HttpProbeFixtures : ICheckFixture
{
    public string CheckId => "http-probe";

    public Cause Cause => Diagnosis.Cause.BadResponse;

    public static DiagnosisFacts With(string outcome, int headerBytes, string extra = "") =>
        FactsBuilder.FromConfig($"server {{ listen 80; location / {{ proxy_pass http://127.0.0.1:3000; {extra} }} }}")
            .Probe("127.0.0.1:3000", ProbeOutcome.Connected).Listen("127.0.0.1:3000", "node") with
        {
            HttpProbes = [new HttpProbeResult("127.0.0.1:3000", "GET / HTTP/1.0", outcome, outcome == HttpProbeResult.Ok ? 200 : null, headerBytes, 0.2, 1.5, "probe detail")],
        };

    public IEnumerable<(string, DiagnosisFacts)> MustTrigger()
    {
        yield return ("not http", With(HttpProbeResult.NotHttp, 20));
        yield return ("tls port behind http://", With(HttpProbeResult.Tls, 7));
        yield return ("a TLS version proxy_ssl_protocols leaves out", With(HttpProbeResult.Tls, 0, "proxy_ssl_protocols TLSv1.2;") is var v ? v with { HttpProbes = [v.HttpProbes![0] with { ProtocolNeeded = "Tls13" }] } : null!);
        yield return ("a cipher proxy_ssl_ciphers leaves out", With(HttpProbeResult.Tls, 0, "proxy_ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;") is var ci ? ci with { HttpProbes = [ci.HttpProbes![0] with { CipherNeeded = "ECDHE-RSA-AES256-GCM-SHA384" }] } : null!);
        yield return ("a client certificate nginx does not send", With(HttpProbeResult.Tls, 0) is var c ? c with { HttpProbes = [c.HttpProbes![0] with { ClientCertificateAsked = true }] } : null!);
        yield return ("a TLS backend that needs SNI", With(HttpProbeResult.Tls, 0) is var sni ? sni with { HttpProbes = [sni.HttpProbes![0] with { SniNeeded = "api.test" }] } : null!);
        yield return ("Content-Length with Transfer-Encoding", With(HttpProbeResult.Ok, 90) is var te ? te with { HttpProbes = [te.HttpProbes![0] with { Framing = "Content-Length and Transfer-Encoding in one response" }] } : null!);
        yield return ("an h2c backend behind proxy_pass", With(HttpProbeResult.NotHttp, 26) is var h2 ? h2 with { HttpProbes = [h2.HttpProbes![0] with { Protocol = Analysis.ForeignProtocol.Http2 }] } : null!);
        yield return ("a certificate nginx would refuse", With(HttpProbeResult.TlsVerify, 0, "proxy_ssl_verify on;"));
    }

    public IEnumerable<(string, DiagnosisFacts)> MustNotTrigger()
    {
        yield return ("a normal answer", With(HttpProbeResult.Ok, 300));
        yield return ("a big header that fits a raised buffer", With(HttpProbeResult.Ok, 10_300, "proxy_buffer_size 16k;"));
        yield return ("no response in time", With(HttpProbeResult.NoResponse, 0));
    }
}
