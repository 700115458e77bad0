using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// Name lookups as a process of another namespace makes them: its /etc/hosts, then the servers and search domains
/// of its /etc/resolv.conf (Docker's embedded 127.0.0.11 among them), asked over UDP sockets made in its network
/// namespace. (DnsClient makes its sockets itself, so they could not be placed in the namespace.)
/// </summary>
public sealed class NamespacedResolver(NetworkNamespace network, InstanceRoot root)
{
    public async Task<DnsLookup> LookupAsync(string name, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (HostsFile.Find(Read("/etc/hosts"), name) is { Count: > 0 } fromHosts)
        {
            return Ok(name, fromHosts, clock, " (/etc/hosts)");
        }

        var conf = ResolvConf.Parse(Read("/etc/resolv.conf"));
        if (conf.Servers.Count == 0)
        {
            return new DnsLookup(name, DnsLookup.System, DnsLookup.Failed, [], clock.Elapsed.TotalMilliseconds, "no nameserver in its /etc/resolv.conf");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var answered = false;
        foreach (var candidate in conf.Candidates(name))
        {
            foreach (var server in conf.Servers)
            {
                var (code, addresses) = await AskAsync(new IPEndPoint(server, 53), candidate, cts.Token).ConfigureAwait(false);
                if (code is null)
                {
                    continue;
                }

                answered = true;
                if (addresses.Count > 0)
                {
                    return Ok(name, addresses, clock, "");
                }

                break;
            }
        }

        var ms = clock.Elapsed.TotalMilliseconds;
        return answered
            ? new DnsLookup(name, DnsLookup.System, DnsLookup.NotFound, [], ms, $"does not resolve (asked {string.Join(", ", conf.Servers)})")
            : new DnsLookup(name, DnsLookup.System, DnsLookup.NoAnswer, [], ms, $"no answer from {string.Join(", ", conf.Servers)} within {timeout.TotalSeconds:0.#} s");
    }

    /// <summary>One server asked directly, as nginx's `resolver` does (no hosts file, no search domains).</summary>
    public async Task<DnsLookup> AskServerAsync(string name, IPAddress server, int port, string label, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var (code, addresses) = await AskAsync(new IPEndPoint(server, port), name, cts.Token).ConfigureAwait(false);
        var ms = clock.Elapsed.TotalMilliseconds;
        return code switch
        {
            null => new DnsLookup(name, label, DnsLookup.NoAnswer, [], ms, $"no answer from {label} within {timeout.TotalSeconds:0.#} s"),
            _ when addresses.Count > 0 => new DnsLookup(name, label, DnsLookup.Ok, addresses.Select(a => a.ToString()).Distinct().ToList(), ms, string.Join(", ", addresses.Distinct())),
            0 => new DnsLookup(name, label, DnsLookup.NotFound, [], ms, "the resolver knows the name but has no address for it"),
            3 => new DnsLookup(name, label, DnsLookup.NotFound, [], ms, "the resolver says the name does not exist (NXDOMAIN)"),
            _ => new DnsLookup(name, label, DnsLookup.Failed, [], ms, $"the resolver answered rcode {code}"),
        };
    }

    private static DnsLookup Ok(string name, IReadOnlyList<IPAddress> found, Stopwatch clock, string how)
    {
        var addresses = found.Select(a => a.ToString()).Distinct().ToList();
        return new DnsLookup(name, DnsLookup.System, DnsLookup.Ok, addresses, clock.Elapsed.TotalMilliseconds, string.Join(", ", addresses) + how);
    }

    /// <summary>A and AAAA from one server; a null code when it did not answer.</summary>
    private async Task<(int? Code, List<IPAddress> Addresses)> AskAsync(IPEndPoint server, string name, CancellationToken ct)
    {
        var a = AskOneAsync(server, name, DnsWire.TypeA, ct);
        var aaaa = AskOneAsync(server, name, DnsWire.TypeAaaa, ct);
        var results = await Task.WhenAll(a, aaaa).ConfigureAwait(false);
        var answered = results.Where(r => r is not null).ToList();
        return answered.Count == 0 ? (null, []) : (answered[0]!.Value.Code, answered.SelectMany(r => r!.Value.Addresses).ToList());
    }

    private async Task<(int Code, List<IPAddress> Addresses)?> AskOneAsync(IPEndPoint server, string name, int type, CancellationToken ct)
    {
        using var socket = await network.SocketAsync(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp).ConfigureAwait(false);
        var id = (ushort)Random.Shared.Next(1, ushort.MaxValue);
        var buffer = new byte[4096];
        try
        {
            await socket.ConnectAsync(server, ct).ConfigureAwait(false);
            await socket.SendAsync(DnsWire.Query(id, name, type), SocketFlags.None, ct).ConfigureAwait(false);
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (DnsWire.Answer(buffer.AsSpan(0, n), id) is { } answer)
                {
                    return answer;
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            return null;
        }
    }

    private string Read(string path)
    {
        try
        {
            return Config.RegularFile.ReadAllText(root.Map(path), 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
