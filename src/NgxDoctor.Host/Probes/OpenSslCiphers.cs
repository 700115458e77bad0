using System.Collections.Concurrent;
using System.Net.Security;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// An OpenSSL cipher string (proxy_ssl_ciphers "HIGH:!aNULL", "ECDHE-RSA-AES128-GCM-SHA256") expanded as nginx's
/// OpenSSL expands it: `openssl ciphers -stdname` (root's own binary only), which names each suite both ways. TLS 1.3
/// suites come with every expansion, as nginx's ciphers leave TLS 1.3 alone.
/// </summary>
public static class OpenSslCiphers
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<(TlsCipherSuite Suite, string Name)>?> Cache = new(StringComparer.Ordinal);

    /// <summary>The suites, each with its OpenSSL name; null when the string or openssl cannot say.</summary>
    public static async Task<IReadOnlyList<(TlsCipherSuite Suite, string Name)>?> ExpandAsync(string cipherString, CancellationToken ct)
    {
        if (cipherString.StartsWith('-') || cipherString.Length > 1024)
        {
            return null;
        }

        if (Cache.TryGetValue(cipherString, out var known))
        {
            return known;
        }

        var run = await CommandRunner.RunAsync("openssl", ["ciphers", "-stdname", cipherString], TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        var suites = run.ExitCode != 0 ? null : run.Output.Split('\n').Select(Parse).OfType<(TlsCipherSuite, string)>().ToList();
        return Cache[cipherString] = suites is { Count: > 0 } ? suites : null;
    }

    /// <summary>The OpenSSL name of a suite a handshake agreed on; its IANA name when openssl does not know it.</summary>
    public static async Task<string> NameAsync(TlsCipherSuite suite, CancellationToken ct) =>
        (await ExpandAsync("ALL", ct).ConfigureAwait(false))?.FirstOrDefault(s => s.Suite == suite).Name ?? suite.ToString();

    /// <summary>"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 - ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 Kx=ECDH ..."</summary>
    private static (TlsCipherSuite, string)? Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && parts[1] == "-" && Enum.TryParse<TlsCipherSuite>(parts[0], out var suite) ? (suite, parts[2]) : null;
    }
}
