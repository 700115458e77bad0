using System.Runtime.CompilerServices;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Logs;

/// <summary>What an error-log entry means: a kind of failure, the cause code it points at (none for a client's), the phase, the status the client got.</summary>
public sealed record Classification(FailureKind Kind, Cause? Cause, string Phase, int? Status);

/// <summary>
/// Maps nginx's upstream-failure messages (docs/causes; nginx's src/http/ngx_http_upstream.c) to cause codes, by a
/// table of message patterns tried in order. An entry that mentions an upstream but matches nothing is
/// "unclassified", never dropped; other entries return null.
/// </summary>
public static class ErrorClassifier
{
    /// <summary>nginx logs the status of a response it passed through as HTTP/0.9 as 009.</summary>
    public const int Http09Status = 9;

    /// <summary>What a row says of a message: its classification, <see cref="Ignored"/>, or null to try the next row.</summary>
    private delegate Classification? Outcome(string phase, int? errno);

    private sealed record Row(string[] Prefixes, string[] Anywhere, Outcome Then, Func<string, int?, bool>? Also = null);

    private static readonly Classification Ignored = new(FailureKind.Unclassified, null, "", null);

    private static readonly Row[] Rows =
    [
        new(["no live upstreams"], [], (_, _) => new(FailureKind.NoLiveUpstreams, Cause.NoLiveUpstreams, "connect", 502)),
        new(["upstream server temporarily disabled"], [], (p, _) => new(FailureKind.ServerDisabled, Cause.NoLiveUpstreams, p, null)),
        new(["upstream timed out"], [], (p, _) => p switch
        {
            "connect" => new(FailureKind.ConnectTimeout, Cause.UpstreamTimeout, p, 504),
            "body" => new(FailureKind.BodyFailure, Cause.UpstreamTimeout, p, null),
            _ => new(FailureKind.ReadTimeout, Cause.UpstreamTimeout, p, 504),
        }),
        new(["no resolver defined", "host not found in upstream"], [" could not be resolved"], (_, _) => new(FailureKind.Dns, Cause.DnsFailure, "resolve", 502), (p, _) => p == "resolve"),
        new(["connect()"], [], Connect),
        new([], ["worker_connections are not enough"], (p, _) => new(FailureKind.FdExhausted, Cause.ResourceExhaustion, p, 500), (_, errno) => errno == 24),
        new(["upstream sent too big header"], [], (_, _) => new(FailureKind.HeaderTooBig, Cause.HeaderTooBig, "header", 502)),
        new(["upstream prematurely closed FastCGI"], [], (p, _) => new(FailureKind.PrematureClose, Cause.UpstreamCrash, p, 502)),
        new(["upstream prematurely closed connection"], [], Closed),
        // stream{} over UDP: the upstream's ICMP port unreachable comes back on the first read (ngx_stream_proxy_module).
        new(["recv() failed"], [], (p, errno) => p == "stream-read" && errno == 111 ? new(FailureKind.ConnectRefused, Cause.UpstreamDown, "connect", 502) : null),
        new(["recv() failed", "readv() failed", "writev() failed", "send() failed", "sendfile() failed"], [],
            (p, errno) => errno is 104 or 32 && p is "header" or "send" or "body" ? Closed(p, errno)
                : errno is 104 or 32 && p is "stream-read" or "stream-send" ? Closed("body", errno) : null),
        new(["upstream sent no valid HTTP/1.0 header"], [], (_, _) => new(FailureKind.Http09, Cause.BadResponse, "header", Http09Status)),
        new(["upstream sent", "upstream prematurely sent response"], [], (p, _) => p == "body"
            ? new(FailureKind.BodyFailure, Cause.BadResponse, p, null) : new(FailureKind.InvalidResponse, Cause.BadResponse, p, 502)),
        new(["upstream SSL", "SSL_do_handshake() failed"], [], (_, _) => new(FailureKind.TlsError, Cause.BadResponse, "tls", 502), (p, _) => p == "tls"),
        new(["FastCGI sent in stderr"], [], (p, _) => new(FailureKind.FastCgiStderr, Cause.BackendError, p, null)),
        // nginx's own limits (ngx_http_limit_req_module, ngx_http_limit_conn_module); a dry run rejects nothing.
        new(["limiting requests, dry run", "limiting connections, dry run"], [], (_, _) => Ignored),
        new(["limiting requests, excess:"], [], (_, _) => new(FailureKind.LimitReq, Cause.RateLimited, "limit", 503)),
        new(["limiting connections by zone"], [], (_, _) => new(FailureKind.LimitConn, Cause.RateLimited, "limit", 503)),
        new(["client prematurely closed connection", "epoll_wait() reported that client prematurely closed"], [], (p, _) => new(FailureKind.ClientClosed, null, p, 499)),
        new(["an upstream response is buffered", "a client request body is buffered"], [], (_, _) => Ignored),
    ];

    public static Classification? Classify(ErrorLogEntry e) => Classify(e.Message, e.Action, e.Errno, e.Level, e.Upstream is not null);

    public static Classification? Classify(in ErrorLogLine line) => Classify(line.Message, line.Action, line.Errno, line.Level, line.HasUpstream);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Classification? Classify(ReadOnlySpan<char> m, string? action, int? errno, ReadOnlySpan<char> level, bool hasUpstream)
    {
        var phase = Phase(action);
        foreach (var row in Rows)
        {
            if ((Matches(m, row) || (row.Also?.Invoke(phase, errno) ?? false)) && row.Then(phase, errno) is { } c)
            {
                return ReferenceEquals(c, Ignored) ? null : c;
            }
        }

        // What is left and looks like an upstream failure (an error-level line about an upstream) is kept, counted.
        return level is "error" or "crit" or "alert" or "emerg" && (hasUpstream || phase is "connect" or "send" or "header" or "tls")
            ? new(FailureKind.Unclassified, null, phase, null)
            : null;
    }

    private static bool Matches(ReadOnlySpan<char> m, Row row)
    {
        foreach (var p in row.Prefixes)
        {
            if (m.StartsWith(p, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var a in row.Anywhere)
        {
            if (m.Contains(a, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Phase(string? action) => action switch
    {
        "connecting to upstream" => "connect",
        "SSL handshaking to upstream" => "tls",
        "sending request to upstream" => "send",
        "reading response header from upstream" => "header",
        "reading upstream" => "body",
        "proxying and reading from upstream" => "stream-read",
        "proxying and sending to upstream" => "stream-send",
        "resolving" => "resolve",
        _ => "other",
    };

    /// <summary>connect() failed: what the errno says.</summary>
    private static Classification Connect(string phase, int? errno) => errno switch
    {
        111 or 104 => new(FailureKind.ConnectRefused, Cause.UpstreamDown, phase, 502),
        2 => new(FailureKind.SocketMissing, Cause.UpstreamDown, phase, 502),
        13 => new(FailureKind.SocketDenied, Cause.SocketPermission, phase, 502),
        11 => new(FailureKind.BacklogFull, Cause.PoolExhausted, phase, 502),
        110 => new(FailureKind.ConnectTimeout, Cause.UpstreamTimeout, phase, 504),
        113 or 101 or 112 => new(FailureKind.Unreachable, Cause.UpstreamDown, phase, 502),
        99 => new(FailureKind.PortsExhausted, Cause.ResourceExhaustion, phase, 502),
        _ => new(FailureKind.Unclassified, null, phase, 502),
    };

    private static Classification Closed(string phase, int? errno) => phase == "body"
        ? new(FailureKind.BodyFailure, Cause.UpstreamCrash, phase, null)
        : new(FailureKind.PrematureClose, Cause.UpstreamCrash, phase, 502);

    /// <summary>The address as the inventory names it, from the `upstream:` field or the "connect() to X failed" message.</summary>
    public static string? Peer(ErrorLogEntry e) =>
        Peer(e.Message, e.Upstream, e.Upstream is not null, out var peer) ? peer.ToString() : null;

    public static bool Peer(in ErrorLogLine line, out ReadOnlySpan<char> peer) => Peer(line.Message, line.Upstream, line.HasUpstream, out peer);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Peer(ReadOnlySpan<char> message, ReadOnlySpan<char> upstream, bool hasUpstream, out ReadOnlySpan<char> peer)
    {
        peer = [];

        // nginx's own limits have no peer: the zone that rejected is what they concern (`zone "one"`).
        if (message.StartsWith("limiting ", StringComparison.Ordinal) && message.LastIndexOf(" zone \"", StringComparison.Ordinal) is var zone and >= 0)
        {
            peer = message[(zone + 1)..].Trim();
            return true;
        }

        // DNS lines have no peer yet: the name that failed is the upstream they concern.
        if (message.StartsWith("no resolver defined to resolve ", StringComparison.Ordinal))
        {
            peer = message[31..].Trim();
            return true;
        }

        // Start-up: host not found in upstream "api.test:8080" in /etc/nginx/conf.d/app.conf:3 (the DNS finding names the host).
        if (message.StartsWith("host not found in upstream \"", StringComparison.Ordinal))
        {
            var quoted = message[28..];
            var close = quoted.IndexOf('"');
            peer = HostOf(close > 0 ? quoted[..close] : quoted);
            return peer.Length > 0;
        }

        var unresolved = message.IndexOf(" could not be resolved", StringComparison.Ordinal);
        if (unresolved > 0 && !hasUpstream)
        {
            peer = message[..unresolved];
            return true;
        }

        if (message.StartsWith("connect() to ", StringComparison.Ordinal))
        {
            var end = message[13..].IndexOf(" failed", StringComparison.Ordinal);
            if (end > 0)
            {
                peer = message.Slice(13, end);
                return true;
            }
        }

        if (!hasUpstream)
        {
            return false;
        }

        peer = PeerFromUrl(upstream);
        return true;
    }

    /// <summary>"api.test:8080" → "api.test"; a name without a port as it is.</summary>
    public static ReadOnlySpan<char> HostOf(ReadOnlySpan<char> hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        return colon > 0 && hostPort.IndexOf(']') < 0 && hostPort[(colon + 1)..].IndexOfAnyExceptInRange('0', '9') < 0 ? hostPort[..colon] : hostPort;
    }

    public static string PeerFromUrl(string url) => PeerFromUrl(url.AsSpan()).ToString();

    /// <summary>"http://127.0.0.1:9/x" → "127.0.0.1:9"; "fastcgi://unix:/run/php.sock:" → "unix:/run/php.sock"; "http://two/two" → "two".</summary>
    public static ReadOnlySpan<char> PeerFromUrl(ReadOnlySpan<char> url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var rest = scheme >= 0 ? url[(scheme + 3)..] : url;
        if (rest.StartsWith("unix:", StringComparison.Ordinal))
        {
            var sep = rest[5..].IndexOf(':');
            return sep < 0 ? rest : rest[..(sep + 5)];
        }

        var slash = rest.IndexOf('/');
        return slash < 0 ? rest : rest[..slash];
    }
}
