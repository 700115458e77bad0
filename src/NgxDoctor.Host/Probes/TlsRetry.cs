using System.Net.Security;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// A failed TLS handshake told apart by a second one that changes one thing nginx does: SNI sent, or the system's TLS
/// versions offered instead of proxy_ssl_protocols, or its ciphers instead of proxy_ssl_ciphers. A certificate nginx does not send shows on the first handshake.
/// </summary>
public static class TlsRetry
{
    public static async Task<HttpProbeResult> ExplainAsync(HttpProbeResult failure, UpstreamTarget target, HttpRequestPlan plan, SslApplicationProtocol? alpn, CancellationToken ct, Vantage? from)
    {
        if (failure.Outcome != HttpProbeResult.Tls)
        {
            return failure;
        }

        if (await TlsHandshake.SniAnswersAsync(target, plan, alpn, ct, from).ConfigureAwait(false) is { } name)
        {
            return failure with { Detail = $"{failure.Detail}; with SNI {name} the handshake succeeds", SniNeeded = name };
        }

        if (await TlsHandshake.ProtocolAnswersAsync(target, plan, alpn, ct, from).ConfigureAwait(false) is { } version)
        {
            return failure with { Detail = $"{failure.Detail}; offering the system's TLS versions, the backend agrees on {version}", ProtocolNeeded = version };
        }

        return await TlsHandshake.CipherAnswersAsync(target, plan, alpn, ct, from).ConfigureAwait(false) is { } cipher
            ? failure with { Detail = $"{failure.Detail}; offering the system's ciphers, the backend agrees on {cipher}", CipherNeeded = cipher }
            : failure;
    }
}
