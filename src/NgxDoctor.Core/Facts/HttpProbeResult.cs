namespace NgxDoctor.Core.Facts;

/// <summary>
/// An HTTP request sent to an upstream the way nginx would send it (method, path, Host, HTTP/1.0), and what came
/// back: the status, how big the response header was, whether it was HTTP at all, and the timings.
/// </summary>
public sealed record HttpProbeResult(
    string Target,
    string Request,
    string Outcome,
    int? Status,
    int HeaderBytes,
    double ConnectMs,
    double FirstByteMs,
    string Detail)
{
    /// <summary>The protocol a non-HTTP answer is in, when recognised ("http2", "redis", "ssh"...: <see cref="Analysis.ForeignProtocol"/>).</summary>
    public string? Protocol { get; init; }

    /// <summary>What makes the response's body length ambiguous (<see cref="Analysis.ResponseFraming"/>); null when nothing does.</summary>
    public string? Framing { get; init; }

    /// <summary>The name a TLS handshake with SNI succeeds with, where nginx's handshake (it sends none) failed.</summary>
    public string? SniNeeded { get; init; }

    /// <summary>The TLS version the backend speaks where nginx's proxy_ssl_protocols allow none it accepts ("Tls13").</summary>
    public string? ProtocolNeeded { get; init; }

    /// <summary>nginx's handshake failed and one with the system's ciphers agreed on this suite (its OpenSSL name), which proxy_ssl_ciphers leaves out.</summary>
    public string? CipherNeeded { get; init; }

    /// <summary>The backend asked for a client certificate during the handshake, and nginx has none to give.</summary>
    public bool ClientCertificateAsked { get; init; }

    public const string Ok = "ok";
    public const string NotHttp = "not-http";
    public const string Closed = "closed";
    public const string Tls = "tls-mismatch";
    public const string TlsVerify = "tls-verify-failed";
    public const string NoResponse = "no-response";
    public const string Failed = "failed";

    /// <summary>How long the probe waited for the reply before it gave up (no-response).</summary>
    public double WaitedMs { get; init; }
}
