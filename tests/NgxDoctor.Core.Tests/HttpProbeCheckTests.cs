using NgxDoctor.Core.Analysis;
using NgxDoctor.Core.Checks;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Tests.Checks;

namespace NgxDoctor.Core.Tests;

public class HttpProbeCheckTests
{
    [Fact]
    public void A_header_over_the_default_buffer_is_header_too_big_with_the_size_to_set()
    {
        var f = Assert.Single(new HttpProbeCheck().Run(HttpProbeFixtures.With(HttpProbeResult.Ok, 10_300)).Findings);
        Assert.Equal(Cause.HeaderTooBig, f.Cause);
        Assert.Contains("10300-byte header", f.Title, StringComparison.Ordinal);
        Assert.Contains(f.Evidence, e => e.Text.StartsWith("proxy_buffer_size 4k (nginx's default)", StringComparison.Ordinal) || e.Text.StartsWith("proxy_buffer_size 8k (nginx's default)", StringComparison.Ordinal));
        Assert.Contains("proxy_buffer_size 16k", f.Remedy.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_is_planned_as_nginx_would_send_it()
    {
        var facts = FactsBuilder.FromConfig("""
            upstream app { server 127.0.0.1:3000; }
            server { server_name shop.test; location /api/ { proxy_pass http://app; proxy_set_header Host $host; }
                     location / { proxy_pass http://127.0.0.1:3001/base/; }
                     location ~ \.x$ { proxy_pass http://127.0.0.1:3002; } }
            """);
        var t = facts.Inventory.Targets;
        Assert.Equal(new HttpRequestPlan("/api/", "shop.test"), HttpRequestPlan.For(t[0], t[0].Sites[0]));
        Assert.Equal(new HttpRequestPlan("/base/", "127.0.0.1:3001"), HttpRequestPlan.For(t[1], t[1].Sites[0]));
        Assert.Equal(new HttpRequestPlan("/", "127.0.0.1:3002"), HttpRequestPlan.For(t[2], t[2].Sites[0]));
        Assert.Equal(new HttpRequestPlan("/health", "127.0.0.1:3002"), HttpRequestPlan.For(t[2], t[2].Sites[0], "/health"));
    }

    [Fact]
    public void A_saturated_pool_names_the_scripts_its_slowlog_caught_in_evidence_and_remedy()
    {
        var facts = FastCgiProbeFixtures.With(FastCgiProbeResult.NoResponse, null);
        var t = FactsBuilder.Now.AddMinutes(-3);
        var fpm = facts.PhpFpm[0] with
        {
            SlowScripts = [new FpmSlowScript("www", "/var/www/report.php", 12, t, t.AddMinutes(2), "/var/log/php-fpm/www.slow.log", 88, "curl_exec() /var/www/report.php:41"),
                new FpmSlowScript("other", "/var/www/elsewhere.php", 50, t, t, "/var/log/php-fpm/other.slow.log", 2, null)],
        };
        var f = Assert.Single(new FastCgiProbeCheck().Run(facts with { PhpFpm = [fpm] }).Findings);
        var slow = Assert.Single(f.Evidence, e => e.Source.EndsWith(".slow.log:88", StringComparison.Ordinal));
        Assert.Equal("/var/www/report.php: 12 request(s) past request_slowlog_timeout, 02:57:00 to 02:59:00; innermost call curl_exec() /var/www/report.php:41", slow.Text);
        Assert.DoesNotContain(f.Evidence, e => e.Text.Contains("elsewhere.php", StringComparison.Ordinal));
        Assert.Contains("the slowlog names /var/www/report.php (12 slow request(s))", f.Remedy.Summary, StringComparison.Ordinal);

        var plain = Assert.Single(new FastCgiProbeCheck().Run(facts).Findings);
        Assert.Contains("find the slow scripts that hold children", plain.Remedy.Summary, StringComparison.Ordinal);
    }
}
