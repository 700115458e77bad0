using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using NgxDoctor.Core.Facts;

using NgxDoctor.Host.Namespaces;

namespace NgxDoctor.Host.Probes;

/// <summary>A connect to a unix domain socket, as ngxdoctor's own user, bounded by its timeout.</summary>
public static class UnixSocketProbe
{
    /// <summary>sun_path holds 108 bytes including the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    public static async Task<ProbeResult> RunAsync(string target, string path, TimeSpan timeout, CancellationToken ct = default, Vantage? from = null)
    {
        from ??= Vantage.Host;
        path = from.SocketPath(path);
        var clock = Stopwatch.StartNew();
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            return new ProbeResult(target, "unix", ProbeOutcome.Error, 0, $"socket path is longer than the {MaxPathBytes}-byte limit of sun_path");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using var socket = await from.SocketAsync(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified).ConfigureAwait(false);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token).ConfigureAwait(false);
            return new ProbeResult(target, "unix", ProbeOutcome.Connected, clock.Elapsed.TotalMilliseconds, "connected");
        }
        catch (OperationCanceledException)
        {
            return new ProbeResult(target, "unix", ProbeOutcome.TimedOut, clock.Elapsed.TotalMilliseconds, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            var (outcome, detail) = SocketErrors.Classify(e);
            var kind = NgxDoctor.Config.UnixFileStatus.Of(path).Kind;
            if (e.SocketErrorCode == SocketError.AddressNotAvailable && kind == NgxDoctor.Config.UnixFileKind.Missing)
            {
                // .NET reports connect()'s ENOENT on a unix socket as EADDRNOTAVAIL.
                return new ProbeResult(target, "unix", ProbeOutcome.NotFound, clock.Elapsed.TotalMilliseconds, "no such file or directory (2)");
            }

            if (outcome == ProbeOutcome.Refused && kind is not NgxDoctor.Config.UnixFileKind.Socket)
            {
                return new ProbeResult(target, "unix", ProbeOutcome.NotASocket, clock.Elapsed.TotalMilliseconds, "connection refused (111): the path is not a socket");
            }

            return new ProbeResult(target, "unix", outcome, clock.Elapsed.TotalMilliseconds, detail);
        }
    }
}
