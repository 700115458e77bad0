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
        var data = new List<byte>();
        var buffer = new byte[16 * 1024];
        while (data.Count < 1 << 20)
        {
            var text = Encoding.Latin1.GetString(data.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end].ToLowerInvariant();
                if (head.Contains("\nconnection: close", StringComparison.Ordinal) || !head.StartsWith("http/1.1", StringComparison.Ordinal))
                {
                    return "the backend does not keep connections alive (Connection: close or HTTP/1.0)";
                }

                var length = System.Text.RegularExpressions.Regex.Match(head, @"\ncontent-length:\s*(\d+)");
                if ((length.Success && text.Length - end - 4 >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                    || (head.Contains("\ntransfer-encoding: chunked", StringComparison.Ordinal) && text.EndsWith("0\r\n\r\n", StringComparison.Ordinal)))
                {
                    return null;
                }
            }

            var n = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
            if (n == 0)
            {
                return "the backend closed the connection after its answer";
            }

            data.AddRange(buffer.AsSpan(0, n));
        }

        return "the answer was too long to wait for";
    }
}
