using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NgxDoctor.Core.Analysis;

namespace NgxDoctor.Host.Probes;

/// <summary>
/// Checks an upstream's certificate the way nginx does with proxy_ssl_verify on: a chain to a certificate of
/// proxy_ssl_trusted_certificate only (not the system store), valid now, for the name nginx verifies.
/// </summary>
public static class TlsVerifier
{
    /// <summary>Why nginx would refuse the certificate, or null when it would accept it.</summary>
    public static string? Problem(X509Certificate2 cert, X509Certificate2Collection sentByServer, TlsPlan plan, string? configDir, DateTime now)
    {
        var trusted = new X509Certificate2Collection();
        if (plan.TrustedCertificate is { } file)
        {
            var path = Path.IsPathRooted(file) || configDir is null ? file : Path.Combine(configDir, file);
            try
            {
                trusted.ImportFromPemFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                return $"proxy_ssl_trusted_certificate {path} cannot be read ({e.Message})";
            }
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.ExtraStore.AddRange(sentByServer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        var problems = new List<string>();
        if (now > cert.NotAfter.ToUniversalTime())
        {
            problems.Add($"it expired on {cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        }
        else if (now < cert.NotBefore.ToUniversalTime())
        {
            problems.Add($"it is not valid before {cert.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        }

        if (!chain.Build(cert) && chain.ChainStatus.Any(s => s.Status is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain))
        {
            var selfSigned = cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData);
            var where = plan.TrustedCertificate is null ? "no proxy_ssl_trusted_certificate is set" : $"not trusted by {plan.TrustedCertificate}";
            problems.Add(selfSigned ? $"it is self-signed and {where}" : $"its issuer ({cert.Issuer}) is {where}");
        }

        if (!cert.MatchesHostname(plan.VerifyName))
        {
            var names = Names(cert);
            problems.Add($"it is for {(names.Count > 0 ? string.Join(", ", names) : cert.Subject)}, not {plan.VerifyName}");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>"CN=x, expires 2027-01-01": what the evidence says about a certificate.</summary>
    public static string Describe(X509Certificate2 cert) =>
        $"certificate {cert.Subject}, issuer {cert.Issuer}, valid until {cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    private static List<string> Names(X509Certificate2 cert)
    {
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return san is null ? [] : [.. san.EnumerateDnsNames(), .. san.EnumerateIPAddresses().Select(a => a.ToString())];
    }
}
