using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Tests;

/// <summary>
/// Every kind of secret known to reach ngxdoctor's outputs, planted once each: in nginx and PHP-FPM configuration,
/// in log lines (FastCGI stderr included), in command lines. None may survive the redaction that every output uses.
/// </summary>
public class RedactionCatalogTests
{
    public static TheoryData<string, string, string> Planted => new()
    {
        { "config", "proxy_set_header Authorization \"Bearer SECRET01\";", "SECRET01" },
        { "config", "proxy_set_header Cookie \"sid=SECRET02\";", "SECRET02" },
        { "config", "proxy_set_header X-Api-Key SECRET03;", "SECRET03" },
        { "config", "grpc_set_header X-Auth-Token SECRET04;", "SECRET04" },
        { "config", "fastcgi_param DB_PASSWORD SECRET05;", "SECRET05" },
        { "config", "uwsgi_param SECRET_KEY SECRET06;", "SECRET06" },
        { "config", "scgi_param API_TOKEN SECRET07;", "SECRET07" },
        { "config", "set $api_token SECRET08;", "SECRET08" },
        { "config", "proxy_pass http://user:SECRET09@backend;", "SECRET09" },
        { "config", "secure_link_md5 \"$secure_link_expires$uri$remote_addr SECRET10\";", "SECRET10" },
        { "config", "secure_link_secret SECRET11;", "SECRET11" },
        { "config", "env DB_PASSWORD=SECRET12;", "SECRET12" },
        { "config", "add_header Set-Cookie \"sid=SECRET13; HttpOnly\" always;", "SECRET13" },
        { "config", "add_header \"X-Api-Key\" SECRET14;", "SECRET14" },
        { "config", "ssl_certificate_key data:-----BEGIN PRIVATE KEY-----SECRET15;", "SECRET15" },
        { "config", "proxy_ssl_certificate_key \"data:SECRET16\";", "SECRET16" },
        { "config", "more_set_headers 'Authorization: Basic SECRET17';", "SECRET17" },
        { "config", "proxy_set_header Proxy-Authorization \"Basic SECRET18\";", "SECRET18" },
        { "config", "set $client_secret SECRET19;", "SECRET19" },
        { "config", "env[DB_PASSWORD] = SECRET20", "SECRET20" },
        { "config", "php_admin_value[mysqli.default_pw] = SECRET21", "SECRET21" },
        { "config", "php_admin_value[mail.smtp_password] = SECRET22", "SECRET22" },
        { "config", "php_value[redis.passwd] = SECRET23", "SECRET23" },
        { "config", "env[API_TOKEN] = \"SECRET24\"", "SECRET24" },
        { "line", "FastCGI sent in stderr: \"PHP message: login failed for bob password=SECRET25 from 10.0.0.1\"", "SECRET25" },
        { "line", "client: 1.2.3.4, request: \"GET /login?token=SECRET26 HTTP/1.1\"", "SECRET26" },
        { "line", "upstream sent Authorization: Bearer SECRET27 while reading", "SECRET27" },
        { "line", "upstream: \"http://admin:SECRET28@10.0.0.1:8080/\"", "SECRET28" },
        { "line", "header: \"Cookie: sid=SECRET29\"", "SECRET29" },
        { "line", "PHP message: PDOException: connect(host=db;user=app;pwd=SECRET30)", "SECRET30" },
        { "line", "FastCGI sent in stderr: \"PHP message: api_key: SECRET31\"", "SECRET31" },
        { "command", "gunicorn app:app --api-key SECRET32", "SECRET32" },
        { "command", "node server.js --db-password=SECRET33", "SECRET33" },
        { "command", "worker --redis redis://default:SECRET34@cache:6379/0", "SECRET34" },
        { "command", "/usr/local/bin/app --api-token=SECRET35 --port 8000", "SECRET35" },
    };

    [Theory]
    [MemberData(nameof(Planted))]
    public void No_planted_secret_survives(string kind, string text, string secret)
    {
        var redacted = kind switch
        {
            "config" => Redactor.Config(text),
            "line" => Redactor.Line(text),
            _ => Redactor.CommandLine(text),
        };
        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(Redactor.Mark, redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("add_header X-Frame-Options SAMEORIGIN;")]
    [InlineData("proxy_set_header Host $host;")]
    [InlineData("env TZ=UTC;")]
    [InlineData("ssl_certificate_key /etc/ssl/private/site.key;")]
    [InlineData("php_admin_value[memory_limit] = 256M")]
    public void What_is_no_secret_stays(string line) => Assert.Equal(line, Redactor.Config(line));
}
