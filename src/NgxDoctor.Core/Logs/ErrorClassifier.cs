using System.Runtime.CompilerServices;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Logs;

/// <summary>What an error-log entry means: a kind of failure, the cause code it points at, the phase, the status the client got.</summary>
public sealed record Classification(string Kind, string Cause, string Phase, int? Status);

/// <summary>
/// Maps nginx's upstream-failure messages (../shared/reference/nginx-upstream-errors.md) to cause codes. An entry
/// that mentions an upstream but matches nothing is "unclassified", never dropped; other entries return null.
/// </summary>
public static class ErrorClassifier
{
    public const string Unclassified = "unclassified";

    public static Classification? Classify(ErrorLogEntry e) => Classify(e.Message, e.Action, e.Errno, e.Level, e.Upstream is not null);

    public static Classification? Classify(in ErrorLogLine line) => Classify(line.Message, line.Action, line.Errno, line.Level, line.HasUpstream);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Classification? Classify(ReadOnlySpan<char> m, string? action, int? errno, ReadOnlySpan<char> level, bool hasUpstream)
    {
        var phase = action switch
        {
            "connecting to upstream" => "connect",
            "SSL handshaking to upstream" => "tls",
            "sending request to upstream" => "send",
            "reading response header from upstream" => "header",
            "reading upstream" => "body",
            "resolving" => "resolve",
            _ => "other",
        };

        if (m.StartsWith("no live upstreams", StringComparison.Ordinal))
        {
            return new("no-live-upstreams", Cause.NoLiveUpstreams, "connect", 502);
        }

        if (m.StartsWith("upstream server temporarily disabled", StringComparison.Ordinal))
        {
            return new("server-disabled", Cause.NoLiveUpstreams, phase, null);
        }

        if (m.StartsWith("upstream timed out", StringComparison.Ordinal))
        {
            return phase switch
            {
                "connect" => new("connect-timeout", Cause.UpstreamTimeout, phase, 504),
                "body" => new("body-failure", Cause.UpstreamTimeout, phase, null),
                _ => new("read-timeout", Cause.UpstreamTimeout, phase, 504),
            };
        }

        if (m.Contains(" could not be resolved", StringComparison.Ordinal) || m.StartsWith("no resolver defined", StringComparison.Ordinal)
            || m.StartsWith("host not found in upstream", StringComparison.Ordinal) || phase == "resolve")
        {
            return new("dns", Cause.DnsFailure, "resolve", 502);
        }

        if (m.StartsWith("connect()", StringComparison.Ordinal))
        {
            return errno switch
            {
                111 or 104 => new("connect-refused", Cause.UpstreamDown, phase, 502),
                2 => new("socket-missing", Cause.UpstreamDown, phase, 502),
                13 => new("socket-denied", Cause.SocketPermission, phase, 502),
                11 => new("backlog-full", Cause.PoolExhausted, phase, 502),
                110 => new("connect-timeout", Cause.UpstreamTimeout, phase, 504),
                113 or 101 or 112 => new("unreachable", Cause.UpstreamDown, phase, 502),
                99 => new("ports-exhausted", Cause.ResourceExhaustion, phase, 502),
                _ => new(Unclassified, "", phase, 502),
            };
        }

        if (errno == 24 || m.Contains("worker_connections are not enough", StringComparison.Ordinal))
        {
            return new("fd-exhausted", Cause.ResourceExhaustion, phase, 500);
        }

        if (m.StartsWith("upstream sent too big header", StringComparison.Ordinal))
        {
            return new("header-too-big", Cause.HeaderTooBig, "header", 502);
        }

        if (m.StartsWith("upstream prematurely closed FastCGI", StringComparison.Ordinal))
        {
            return new("premature-close", Cause.UpstreamCrash, phase, 502);
        }

        if (m.StartsWith("upstream prematurely closed connection", StringComparison.Ordinal)
            || ((m.StartsWith("recv() failed", StringComparison.Ordinal) || m.StartsWith("readv() failed", StringComparison.Ordinal)
                 || m.StartsWith("writev() failed", StringComparison.Ordinal) || m.StartsWith("send() failed", StringComparison.Ordinal)
                 || m.StartsWith("sendfile() failed", StringComparison.Ordinal)) && errno is 104 or 32 && phase is "header" or "send" or "body"))
        {
            return phase == "body" ? new("body-failure", Cause.UpstreamCrash, phase, null) : new("premature-close", Cause.UpstreamCrash, phase, 502);
        }

        if (m.StartsWith("upstream sent no valid HTTP/1.0 header", StringComparison.Ordinal))
        {
            return new("http09", Cause.BadResponse, "header", 9);
        }

        if (m.StartsWith("upstream sent", StringComparison.Ordinal) || m.StartsWith("upstream prematurely sent response", StringComparison.Ordinal))
        {
            return phase == "body" ? new("body-failure", Cause.BadResponse, phase, null) : new("invalid-response", Cause.BadResponse, phase, 502);
        }

        if (phase == "tls" || m.StartsWith("upstream SSL", StringComparison.Ordinal) || m.StartsWith("SSL_do_handshake() failed", StringComparison.Ordinal))
        {
            return new("tls-error", Cause.BadResponse, "tls", 502);
        }

        if (m.StartsWith("FastCGI sent in stderr", StringComparison.Ordinal))
        {
            return new("fastcgi-stderr", Cause.BackendError, phase, null);
        }

        if (m.StartsWith("client prematurely closed connection", StringComparison.Ordinal) || m.StartsWith("epoll_wait() reported that client prematurely closed", StringComparison.Ordinal))
        {
            return new("client-closed", "", phase, 499);
        }

        if (m.StartsWith("an upstream response is buffered", StringComparison.Ordinal) || m.StartsWith("a client request body is buffered", StringComparison.Ordinal))
        {
            return null;
        }

        // What is left and looks like an upstream failure (an error-level line about an upstream) is kept, counted.
        return level is "error" or "crit" or "alert" or "emerg" && (hasUpstream || phase is "connect" or "send" or "header" or "tls")
            ? new(Unclassified, "", phase, null)
            : null;
    }

    /// <summary>The address as the inventory names it, from the `upstream:` field or the "connect() to X failed" message.</summary>
    public static string? Peer(ErrorLogEntry e) =>
        Peer(e.Message, e.Upstream, e.Upstream is not null, out var peer) ? peer.ToString() : null;

    public static bool Peer(in ErrorLogLine line, out ReadOnlySpan<char> peer) => Peer(line.Message, line.Upstream, line.HasUpstream, out peer);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Peer(ReadOnlySpan<char> message, ReadOnlySpan<char> upstream, bool hasUpstream, out ReadOnlySpan<char> peer)
    {
        peer = [];

        // DNS lines have no peer yet: the name that failed is the upstream they concern.
        if (message.StartsWith("no resolver defined to resolve ", StringComparison.Ordinal))
        {
            peer = message[31..].Trim();
            return true;
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
