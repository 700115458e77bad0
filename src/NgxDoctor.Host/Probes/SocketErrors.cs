using System.Net.Sockets;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Probes;

/// <summary>Maps a failed connect to a probe outcome and the wording nginx uses for the same errno.</summary>
public static class SocketErrors
{
    public static (ProbeOutcome Outcome, string Detail) Classify(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => (ProbeOutcome.Refused, "connection refused (111)"),
        SocketError.TimedOut => (ProbeOutcome.TimedOut, "connect timed out (110)"),
        SocketError.HostUnreachable => (ProbeOutcome.Unreachable, "no route to host (113)"),
        SocketError.NetworkUnreachable => (ProbeOutcome.Unreachable, "network is unreachable (101)"),
        SocketError.AccessDenied => (ProbeOutcome.PermissionDenied, "permission denied (13)"),
        SocketError.WouldBlock or SocketError.TryAgain => (ProbeOutcome.Busy, "resource temporarily unavailable (11): accept backlog full"),
        SocketError.AddressNotAvailable => (ProbeOutcome.Error, "cannot assign requested address (99)"),
        SocketError.ConnectionReset => (ProbeOutcome.Refused, "connection reset by peer (104)"),
        _ => e.NativeErrorCode switch
        {
            2 => (ProbeOutcome.NotFound, "no such file or directory (2)"),
            13 => (ProbeOutcome.PermissionDenied, "permission denied (13)"),
            _ => (ProbeOutcome.Error, $"{e.SocketErrorCode}: {e.Message}"),
        },
    };

    /// <summary>A read where a reset by the peer counts as the end of its reply (as a close does: nginx logs both as the backend going away).</summary>
    public static async ValueTask<int> ReadOrResetAsync(Stream stream, Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            return await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return 0;
        }
    }
}
