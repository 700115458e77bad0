using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>`collect` on a broken lab, then `diagnose --from` after the lab is gone: the same verdict, and none of the planted secrets in the archive.</summary>
public class BundleScenarios
{
    private const string Secret = "SECRET-4711";

    [SkippableFact]
    public async Task A_bundle_diagnoses_the_same_after_teardown_and_carries_no_secret()
    {
        var dir = Directory.CreateTempSubdirectory("ngxdoctor-bundle-").FullName;
        try
        {
            var bundle = Path.Combine(dir, "web1.tar.gz");
            string liveCauses;
            int port;
            using (var lab = new ScenarioLab())
            {
                port = lab.Port;
                var dead = ScenarioLab.FreePort();
                await lab.StartNginxAsync($$"""
                    log_format secrets '$remote_addr [$time_local] "$request" $status "$http_cookie" "$http_authorization" $upstream_addr';
                    {{lab.Server($$"""
                        access_log {{lab.Nginx.PathOf("logs/secrets.log")}} secrets;
                            set $api_token {{Secret}}-set;
                            location / {
                                proxy_set_header Authorization "Bearer {{Secret}}-header";
                                proxy_set_header Cookie "session={{Secret}}-cookie";
                                add_header Set-Cookie "sid={{Secret}}-addheader" always;
                                secure_link_md5 "$secure_link_expires$uri {{Secret}}-md5";
                                proxy_pass http://127.0.0.1:{{ScenarioLab.Str(dead)}};
                            }
                            location ~ \.php$ {
                                fastcgi_param DB_PASSWORD {{Secret}}-fcgi;
                                fastcgi_pass unix:{{lab.Nginx.PathOf("run/none.sock")}};
                            }
                        """)}}
                    """, mainExtra: $"env DB_PASSWORD={Secret}-env;");
                using (var http = new HttpClient())
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{lab.Port}/cart?token={Secret}-query&page=2");
                    request.Headers.Add("Cookie", $"sid={Secret}-client");
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", $"{Secret}-basic");
                    Assert.Equal(502, (int)(await http.SendAsync(request)).StatusCode);
                }

                var live = lab.Diagnose(TreeSnapshot.Of(lab.Nginx.PathOf("conf")));
                liveCauses = Verdict(live);
                // Every other output that leaves the process goes through the same redaction as the bundle.
                var facts = Path.Combine(dir, "facts.json");
                var outputs = new Dictionary<string, string>
                {
                    ["diagnose --json"] = live.Stdout,
                    ["diagnose"] = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--since", "1h", "-v").Stdout,
                    ["diagnose --format markdown"] = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--since", "1h", "--format", "markdown", "--save-facts", facts).Stdout,
                    ["logs --json"] = NgxDoctorCli.Run("logs", "--config", lab.Nginx.ConfigFile, "--since", "1h", "--json").Stdout,
                    ["logs"] = NgxDoctorCli.Run("logs", "--config", lab.Nginx.ConfigFile, "--since", "1h").Stdout,
                };
                outputs["--save-facts"] = File.ReadAllText(facts);
                foreach (var (name, text) in outputs)
                {
                    Assert.True(text.Length > 0 && !text.Contains(Secret, StringComparison.Ordinal), $"{name} holds a planted secret:\n{text}");
                }

                var collect = NgxDoctorCli.Run("collect", "-o", bundle, "--config", lab.Nginx.ConfigFile, "--since", "1h");
                Assert.True(collect.ExitCode == 0, collect.ToString());
            }

            var offline = NgxDoctorCli.Run("diagnose", "--from", bundle, "--json");
            Assert.True(offline.ExitCode == 2, offline.ToString());
            Assert.True(ReportSchema.Problems(offline.Stdout) is null, ReportSchema.Problems(offline.Stdout));
            Assert.Equal(liveCauses, Verdict(offline));

            var entries = Entries(bundle);
            Assert.Contains("facts.json", entries.Keys);
            Assert.Contains("nginx-T.conf", entries.Keys);
            Assert.Contains(entries.Keys, k => k.StartsWith("logs/", StringComparison.Ordinal) && k.EndsWith("secrets.log", StringComparison.Ordinal));
            Assert.Contains("cart?token=[redacted]", entries.Values.First(v => v.Contains("/cart", StringComparison.Ordinal)), StringComparison.Ordinal);
            foreach (var (name, text) in entries)
            {
                Assert.False(text.Contains(Secret, StringComparison.Ordinal), $"{name} holds a planted secret:\n{text}");
            }

            var routed = NgxDoctorCli.Run("diagnose", "--from", bundle, "--json", "--url", $"http://scenario.test:{port}/x.php");
            Assert.True(routed.Json.GetProperty("route").GetProperty("ends")[0].GetProperty("directive").GetString()!.StartsWith("fastcgi_pass", StringComparison.Ordinal), routed.ToString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void A_file_that_is_not_a_bundle_is_a_one_line_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not a tarball");
            var run = NgxDoctorCli.Run("diagnose", "--from", file);
            Assert.Equal(3, run.ExitCode);
            Assert.Contains("not an ngxdoctor bundle", Assert.Single(run.Stderr.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Verdict(CliRun run) => run.Json.GetProperty("status").GetString() + ": " + string.Join(", ", ScenarioLab.Findings(run)
        .Select(f => $"{f.GetProperty("cause").GetString()} {f.GetProperty("upstream")} {f.GetProperty("severity").GetString()}"));

    /// <summary>Every file of the archive as text, the tar headers included (a secret in a file name counts too).</summary>
    private static Dictionary<string, string> Entries(string bundle)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var tar = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } entry)
        {
            using var reader = entry.DataStream is { } data ? new StreamReader(data, Encoding.UTF8) : null;
            result[entry.Name] = entry.Name + "\n" + reader?.ReadToEnd();
        }

        return result;
    }
}
