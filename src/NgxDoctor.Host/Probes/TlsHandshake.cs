using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Host.Probes;

/// <summary>The TLS handshake nginx makes with an https:// (or grpcs://) upstream, and the verdict its verification would reach.</summary>
public static class TlsHandshake
{
    /// <summary>The handshake with nginx's SNI; when nginx verifies (proxy_ssl_verify on), the verdict it would reach.</summary>
    public static async Task<(SslStream? Tls, HttpProbeResult? Failure, string? Certificate, Func<bool> CertificateAsked)> RunAsync(Stream stream, HttpRequestPlan plan, UpstreamTarget target, string request,
        double connectMs, TimeSpan timeout, string? configDir, SslApplicationProtocol? alpn, CancellationToken token, CancellationToken outer)
    {
        var tlsPlan = plan.Tls ?? new TlsPlan(null, plan.Host.Split(':')[0], false, null, null);
        X509Certificate2? cert = null;
        var sent = new X509Certificate2Collection();
        var tls = new SslStream(stream, false, (_, c, chain, _) =>
        {
            cert = c is null ? null : new X509Certificate2(c);
            sent.AddRange(chain?.ChainPolicy.ExtraStore ?? []);
            return true;
        });
        var asked = false;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tlsPlan.ServerName ?? "",
            EnabledSslProtocols = Protocols(tlsPlan.Protocols?.Value),
            CipherSuitesPolicy = await PolicyAsync(tlsPlan, token).ConfigureAwait(false),
            LocalCertificateSelectionCallback = (_, _, _, remote, issuers) =>
            {
                asked |= remote is not null || issuers.Length > 0; // the server sent a CertificateRequest
                return null!;
            },
        };
        if (alpn is not null)
        {
            options.ApplicationProtocols = [alpn.Value];
        }

        HttpProbeResult Fail(string why) => new(target.Address.Text, request, HttpProbeResult.Tls, null, 0, connectMs, 0, why);
        try
        {
            // No SNI unless proxy_ssl_server_name on, as nginx does (an empty target host sends none).
            await tls.AuthenticateAsClientAsync(options, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            return (null, Fail($"TLS handshake failed ({SafeText.Escape(e.Message, 200)}): is this port plain HTTP behind https://?"), null, () => asked);
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);

            // A plain HTTP server waits for a request line that a ClientHello never ends: no answer at all.
            return (null, Fail($"TLS handshake failed (no answer within {timeout.TotalSeconds:0.#} s): is this port plain HTTP behind https://?"), null, () => asked);
        }

        if (cert is null)
        {
            return (tls, null, null, () => asked);
        }

        var described = TlsVerifier.Describe(cert);
        if (tlsPlan.Verify && TlsVerifier.Problem(cert, sent, tlsPlan, configDir, DateTime.UtcNow) is { } problem)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var how = tlsPlan.ServerName is null ? "without SNI" : $"SNI {tlsPlan.ServerName}";
            return (null, new HttpProbeResult(target.Address.Text, request, HttpProbeResult.TlsVerify, null, 0, connectMs, 0,
                $"nginx verifies the certificate for {tlsPlan.VerifyName} ({how}) and would refuse it: {problem} ({described})"), null, () => asked);
        }

        return (tls, null, described, () => asked);
    }

    /// <summary>proxy_ssl_protocols as .NET names them; None (the system's default) when unset or unknown.</summary>
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1: nginx may be told to allow them, and the probe must offer what nginx offers
    public static System.Security.Authentication.SslProtocols Protocols(string? value) =>
        (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Aggregate(System.Security.Authentication.SslProtocols.None, (all, p) => all | p switch
        {
            "TLSv1" => System.Security.Authentication.SslProtocols.Tls,
            "TLSv1.1" => System.Security.Authentication.SslProtocols.Tls11,
            "TLSv1.2" => System.Security.Authentication.SslProtocols.Tls12,
            "TLSv1.3" => System.Security.Authentication.SslProtocols.Tls13,
            _ => System.Security.Authentication.SslProtocols.None,
        });
#pragma warning restore SYSLIB0039

    /// <summary>
    /// When nginx sends no SNI and its handshake failed: the name a second handshake, on a new connection, succeeds with
    /// (proxy_ssl_name or the pass's host name, else the site's server_name); null when none does or SNI was sent.
    /// </summary>
    public static async Task<string?> SniAnswersAsync(UpstreamTarget target, HttpRequestPlan plan, SslApplicationProtocol? alpn, CancellationToken ct, Namespaces.Vantage? from) =>
        plan.Tls is { ServerName: null } tlsPlan && SniName(target, tlsPlan) is { } name
            && await RetryAsync(target, name, Protocols(tlsPlan.Protocols?.Value), await PolicyAsync(tlsPlan, ct).ConfigureAwait(false), alpn, ct, from).ConfigureAwait(false) is not null ? name : null;

    /// <summary>
    /// When nginx's proxy_ssl_protocols are limited and its handshake failed: the version a second handshake offering the
    /// system's defaults agrees on; null when that fails too or nginx's are not limited.
    /// </summary>
    public static async Task<string?> ProtocolAnswersAsync(UpstreamTarget target, HttpRequestPlan plan, SslApplicationProtocol? alpn, CancellationToken ct, Namespaces.Vantage? from) =>
        plan.Tls is { Protocols: not null } tlsPlan && Protocols(tlsPlan.Protocols.Value) != System.Security.Authentication.SslProtocols.None
            ? (await RetryAsync(target, tlsPlan.ServerName ?? "", System.Security.Authentication.SslProtocols.None, await PolicyAsync(tlsPlan, ct).ConfigureAwait(false), alpn, ct, from).ConfigureAwait(false))?.Version
            : null;

    /// <summary>
    /// When nginx's proxy_ssl_ciphers are set and its handshake failed: the suite (OpenSSL's name) a second handshake
    /// offering the system's ciphers agrees on, when nginx's string leaves it out; null otherwise.
    /// </summary>
    public static async Task<string?> CipherAnswersAsync(UpstreamTarget target, HttpRequestPlan plan, SslApplicationProtocol? alpn, CancellationToken ct, Namespaces.Vantage? from)
    {
        if (plan.Tls is not { Ciphers: not null } tlsPlan || await PolicyAsync(tlsPlan, ct).ConfigureAwait(false) is null
            || await RetryAsync(target, tlsPlan.ServerName ?? "", Protocols(tlsPlan.Protocols?.Value), null, alpn, ct, from).ConfigureAwait(false) is not { } agreed)
        {
            return null;
        }

        var allowed = await OpenSslCiphers.ExpandAsync(tlsPlan.Ciphers.Value, ct).ConfigureAwait(false) ?? [];
        return allowed.Any(a => a.Suite == agreed.Suite) ? null : await OpenSslCiphers.NameAsync(agreed.Suite, ct).ConfigureAwait(false);
    }

    /// <summary>nginx's proxy_ssl_ciphers as the suites .NET offers; null (the system's) when unset or not expandable.</summary>
    private static async Task<CipherSuitesPolicy?> PolicyAsync(TlsPlan plan, CancellationToken ct) =>
        plan.Ciphers is { } c && await OpenSslCiphers.ExpandAsync(c.Value, ct).ConfigureAwait(false) is { } suites ? new CipherSuitesPolicy(suites.Select(s => s.Suite)) : null;

    /// <summary>A handshake on a new connection; the version and suite agreed on, or null when it fails.</summary>
    private static async Task<(string Version, TlsCipherSuite Suite)?> RetryAsync(UpstreamTarget target, string serverName, System.Security.Authentication.SslProtocols protocols, CipherSuitesPolicy? ciphers,
        SslApplicationProtocol? alpn, CancellationToken ct, Namespaces.Vantage? from)
    {
        try
        {
            using var socket = await UpstreamConnection.ConnectAsync(target.Address, ct, from).ConfigureAwait(false);
            await using var tls = new SslStream(new System.Net.Sockets.NetworkStream(socket, ownsSocket: false), false, (_, _, _, _) => true);
            var options = new SslClientAuthenticationOptions { TargetHost = serverName, EnabledSslProtocols = protocols, CipherSuitesPolicy = ciphers };
            if (alpn is not null)
            {
                options.ApplicationProtocols = [alpn.Value];
            }

            await tls.AuthenticateAsClientAsync(options, ct).ConfigureAwait(false);
            return (tls.SslProtocol.ToString(), tls.NegotiatedCipherSuite);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    private static string? SniName(UpstreamTarget target, TlsPlan plan) =>
        !System.Net.IPAddress.TryParse(plan.VerifyName.Trim('[', ']'), out _) ? plan.VerifyName
        : target.Sites[0].ServerNames.FirstOrDefault(n => n is not ("_" or "") && !n.StartsWith('~') && !n.Contains('*', StringComparison.Ordinal));
}
