using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using NgxDoctor.Config;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// Measures how long a backend keeps an idle keep-alive connection: one HTTP/1.1 request as nginx sends it through
/// a keepalive group, its whole answer read, then the connection left idle until the backend closes it. Run only for
/// plain-HTTP servers of groups with `keepalive` whose error log shows premature closes (the race it explains).
/// </summary>
public static class IdleCloseProbe
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public static async Task<IReadOnlyList<IdleCloseResult>> ForRacesAsync(UpstreamInventory inventory, LogFacts? logs, CancellationToken ct, Vantage? from = null)
    {
        var closing = (logs?.Incidents ?? []).Where(i => i.Kind == Core.Logs.FailureKind.PrematureClose && i.Upstream is not null).Select(i => i.Upstream!).ToHashSet(StringComparer.Ordinal);
        var targets = inventory.Targets.Where(t => t.Protocol == "http" && t.Group is { } g && inventory.Groups.FirstOrDefault(x => x.Name == g) is { Keepalive: > 0 }
            && (closing.Contains(t.Address.Text) || closing.Contains(g)) && t.Address.Kind is UpstreamAddressKind.Ip or UpstreamAddressKind.Hostname).ToList();
        var runs = targets.Select(t =>
        {
            var group = inventory.Groups.First(x => x.Name == t.Group);
            var wait = ConfigValues.TryParseTime(group.KeepaliveTimeout.Value, out var d) && d < MaxWait ? d + TimeSpan.FromSeconds(1) : MaxWait;
            return RunAsync(t, HttpRequestPlan.For(t, t.Sites[0]), wait, ct, from);
        });
        return await Task.WhenAll(runs).ConfigureAwait(false);
    }

    public static async Task<IdleCloseResult> RunAsync(UpstreamTarget target, HttpRequestPlan plan, TimeSpan wait, CancellationToken ct, Vantage? from = null)
    {
        var name = target.Address.Text;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(wait + TimeSpan.FromSeconds(2));
        try
        {
            using var socket = await UpstreamConnection.ConnectAsync(target.Address, cts.Token, from).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {plan.Path} HTTP/1.1\r\nHost: {plan.Host}\r\nUser-Agent: ngxdoctor\r\n\r\n"), cts.Token).ConfigureAwait(false);
            if (await AnswerAsync(socket, cts.Token).ConfigureAwait(false) is { } notKept)
            {
                return new IdleCloseResult(name, null, 0, notKept);
            }

            var idle = Stopwatch.StartNew();
            using var idleCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            idleCts.CancelAfter(wait);
            try
            {
                var n = await socket.ReceiveAsync(new byte[256], idleCts.Token).ConfigureAwait(false);
                return new IdleCloseResult(name, idle.Elapsed.TotalMilliseconds, idle.Elapsed.TotalMilliseconds,
                    n == 0 ? $"closed the idle keep-alive connection after {idle.Elapsed.TotalSeconds:0.0} s" : $"sent {n} unasked bytes after {idle.Elapsed.TotalSeconds:0.0} s idle");
            }
            catch (SocketException e)
            {
                return new IdleCloseResult(name, idle.Elapsed.TotalMilliseconds, idle.Elapsed.TotalMilliseconds, $"reset the idle keep-alive connection after {idle.Elapsed.TotalSeconds:0.0} s ({e.SocketErrorCode})");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return new IdleCloseResult(name, null, idle.Elapsed.TotalMilliseconds, $"kept the idle keep-alive connection open for the {idle.Elapsed.TotalSeconds:0.0} s waited");
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return new IdleCloseResult(name, null, 0, $"no keep-alive answer to measure ({e.Message})");
        }
    }

    /// <summary>Reads one whole answer (Content-Length or chunked); null when the connection stays open after it, else why not.</summary>
    private static async Task<string?> AnswerAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        var length = 0;
        var bodyStart = -1;
        long? contentLength = null;
        var chunked = false;
        while (length < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (n == 0)
            {
                return "the backend closed the connection after its answer";
            }

            length += n;
            if (bodyStart < 0 && buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) is var end and >= 0)
            {
                bodyStart = end + 4;
                var head = Encoding.Latin1.GetString(buffer, 0, end).ToLowerInvariant();
                if (head.Contains("\nconnection: close", StringComparison.Ordinal) || !head.StartsWith("http/1.1", StringComparison.Ordinal))
                {
                    return "the backend does not keep connections alive (Connection: close or HTTP/1.0)";
                }

                var m = System.Text.RegularExpressions.Regex.Match(head, @"\ncontent-length:\s*(\d+)");
                contentLength = m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
                chunked = head.Contains("\ntransfer-encoding: chunked", StringComparison.Ordinal);
            }

            if (bodyStart >= 0 && ((contentLength is { } cl && length - bodyStart >= cl) || (chunked && buffer.AsSpan(0, length).EndsWith("0\r\n\r\n"u8))))
            {
                return null;
            }
        }

        return "the answer was too long to wait for";
    }
}
