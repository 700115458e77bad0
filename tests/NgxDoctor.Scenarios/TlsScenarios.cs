using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NgxDoctor.Scenarios;

/// <summary>
/// https:// upstreams with certificates made by the test: nginx itself is the oracle (a request through it gets
/// 502 or 200), and ngxdoctor must reach the same verdict from its own handshake, before any request.
/// </summary>
public class TlsScenarios
{
    [SkippableFact]
    public async Task A_self_signed_backend_with_proxy_ssl_verify_on_is_bad_response()
    {
        using var lab = new ScenarioLab();
        var backend = WriteCertificate(lab.Root, "backend", "backend.test", DateTimeOffset.UtcNow.AddDays(30));
        var otherCa = WriteCertificate(lab.Root, "other-ca", "ca.test", DateTimeOffset.UtcNow.AddDays(30));
        var snapshot = await StartAsync(lab, backend, $"proxy_ssl_verify on; proxy_ssl_trusted_certificate {otherCa.Cert}; proxy_ssl_name backend.test;");

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        var evidence = ScenarioLab.Evidence(f);
        Assert.Contains("self-signed", evidence, StringComparison.Ordinal);
        Assert.Contains("proxy_ssl_verify on", evidence, StringComparison.Ordinal);
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task An_expired_certificate_is_bad_response_and_says_when_it_expired()
    {
        using var lab = new ScenarioLab();
        var backend = WriteCertificate(lab.Root, "backend", "backend.test", DateTimeOffset.UtcNow.AddDays(-2));
        var snapshot = await StartAsync(lab, backend, $"proxy_ssl_verify on; proxy_ssl_trusted_certificate {backend.Cert}; proxy_ssl_name backend.test;");

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        Assert.Contains("expired on", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task A_certificate_for_another_name_is_bad_response()
    {
        using var lab = new ScenarioLab();
        var backend = WriteCertificate(lab.Root, "backend", "backend.test", DateTimeOffset.UtcNow.AddDays(30));
        var snapshot = await StartAsync(lab, backend, $"proxy_ssl_verify on; proxy_ssl_trusted_certificate {backend.Cert}; proxy_ssl_name api.test;");

        var f = ScenarioLab.Only(lab.Diagnose(snapshot), "bad-response");
        Assert.Contains("not api.test", ScenarioLab.Evidence(f), StringComparison.Ordinal);
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task A_trusted_certificate_for_the_verified_name_is_healthy()
    {
        using var lab = new ScenarioLab();
        var backend = WriteCertificate(lab.Root, "backend", "backend.test", DateTimeOffset.UtcNow.AddDays(30));
        var snapshot = await StartAsync(lab, backend, $"proxy_ssl_verify on; proxy_ssl_trusted_certificate {backend.Cert}; proxy_ssl_name backend.test; proxy_ssl_server_name on;");

        var run = lab.Diagnose(snapshot);
        Assert.Equal("ok", run.Json.GetProperty("status").GetString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task Without_proxy_ssl_verify_a_self_signed_backend_is_fine()
    {
        using var lab = new ScenarioLab();
        var backend = WriteCertificate(lab.Root, "backend", "backend.test", DateTimeOffset.UtcNow.AddDays(-2));
        var snapshot = await StartAsync(lab, backend, "");

        Assert.Equal("ok", lab.Diagnose(snapshot).Json.GetProperty("status").GetString());
        Assert.Equal(200, (await lab.GetAsync("/"))[0]);
    }

    [SkippableFact]
    public async Task A_backend_that_needs_sni_is_found_by_a_second_handshake_and_fixed_with_proxy_ssl_name()
    {
        using var lab = new ScenarioLab();
        var backend = WriteCertificate(lab.Root, "backend", "scenario.test", DateTimeOffset.UtcNow.AddDays(30));
        var snapshot = await StartAsync(lab, backend, "", "needsni");
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);
        Assert.Contains("SSL_do_handshake() failed", File.ReadAllText(lab.Nginx.ErrorLog), StringComparison.Ordinal);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Findings(run)[0];
        Assert.True(f.GetProperty("cause").GetString() == "bad-response", run.ToString());
        Assert.Contains("needs SNI: nginx sends none (proxy_ssl_server_name off), the handshake with scenario.test succeeds", f.GetProperty("title").GetString(), StringComparison.Ordinal);

        var state = Directory.CreateTempSubdirectory("ngxdoctor-state-").FullName;
        try
        {
            var fix = NgxDoctor.TestSupport.NgxDoctorCli.RunUnder([], TimeSpan.FromSeconds(120), new Dictionary<string, string> { ["NGXDOCTOR_STATE_DIR"] = state },
                "fix", "--config", lab.Nginx.ConfigFile, "--apply", "--yes", "--only", "bad-response");
            Assert.True(fix.ExitCode == 0, fix.ToString());
            var config = File.ReadAllText(lab.Nginx.ConfigFile);
            Assert.Contains("proxy_ssl_server_name on;", config, StringComparison.Ordinal);
            Assert.Contains("proxy_ssl_name scenario.test;", config, StringComparison.Ordinal);
            Assert.Equal(200, (await lab.GetAsync("/"))[0]);
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }

    [SkippableTheory]
    [InlineData("tls13", "proxy_ssl_protocols TLSv1.2;", "speaks Tls13, which proxy_ssl_protocols TLSv1.2 does not allow")]
    [InlineData("needcert", "", "requires a client certificate, and nginx sends none")]
    [InlineData("cipher", "proxy_ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;", "accepts none of proxy_ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256: the TLS handshake fails; it agrees on ECDHE-RSA-AES256-GCM-SHA384")]
    public async Task A_tls_version_or_cipher_nginx_does_not_allow_and_a_client_certificate_it_does_not_send_are_told_apart(string mode, string directives, string title)
    {
        using var lab = new ScenarioLab();
        var backend = WriteCertificate(lab.Root, "backend", "scenario.test", DateTimeOffset.UtcNow.AddDays(30));
        var snapshot = await StartAsync(lab, backend, directives, mode);
        Assert.Equal(502, (await lab.GetAsync("/"))[0]);

        var run = lab.Diagnose(snapshot);
        var f = ScenarioLab.Findings(run)[0];
        Assert.True(f.GetProperty("cause").GetString() == "bad-response" && f.GetProperty("title").GetString()!.Contains(title, StringComparison.Ordinal), run.ToString());
    }

    private static async Task<string> StartAsync(ScenarioLab lab, (string Cert, string Key) backend, string tlsDirectives, string mode = "ok")
    {
        var port = ScenarioLab.FreePort();
        await lab.StartFakeAsync(port, mode, 0, backend);
        return await lab.StartNginxAsync(lab.Server($"location / {{ proxy_pass https://127.0.0.1:{port}; {tlsDirectives} }}"));
    }

    /// <summary>A self-signed certificate for <paramref name="name"/> valid until <paramref name="notAfter"/>, as PEM files.</summary>
    private static (string Cert, string Key) WriteCertificate(string dir, string file, string name, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(notAfter.AddDays(-60), notAfter);
        var certPath = Path.Combine(dir, file + ".crt");
        var keyPath = Path.Combine(dir, file + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
