using NgxDoctor.Core.Logs;
using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Tests;

public class RedactorTests
{
    [Theory]
    [InlineData("    proxy_set_header Authorization \"Bearer abc\";", "    proxy_set_header Authorization [redacted];")]
    [InlineData("proxy_set_header X-Api-Key abc; # key", "proxy_set_header X-Api-Key [redacted]; # key")]
    [InlineData("proxy_set_header Host $host;", "proxy_set_header Host $host;")]
    [InlineData("fastcgi_param DB_PASSWORD hunter2;", "fastcgi_param DB_PASSWORD [redacted];")]
    [InlineData("set $api_token xyz;", "set $api_token [redacted];")]
    [InlineData("ssl_password_file /etc/keys/pass;", "ssl_password_file /etc/keys/pass;")]
    [InlineData("env[DB_PASSWORD] = hunter2", "env[DB_PASSWORD] = [redacted]")]
    [InlineData("php_admin_value[memory_limit] = 256M", "php_admin_value[memory_limit] = 256M")]
    [InlineData("proxy_pass http://user:pw@backend;", "proxy_pass http://[redacted]@backend;")]
    public void Configuration_secrets_are_replaced_and_the_rest_kept(string line, string expected) => Assert.Equal(expected, Redactor.Config(line));

    [Fact]
    public void Log_lines_lose_query_values_and_credentials_unless_queries_are_kept()
    {
        const string line = "request: \"GET /a?token=x&page=2 HTTP/1.1\", Cookie: sid=1";
        Assert.Equal("request: \"GET /a?token=[redacted]&page=[redacted] HTTP/1.1\", Cookie: [redacted]", Redactor.Line(line));
        Assert.Equal("request: \"GET /a?token=[redacted]&page=2 HTTP/1.1\", Cookie: [redacted]", Redactor.Line(line, keepQuery: true));
    }

    [Fact]
    public void Access_lines_lose_the_values_of_credential_variables_by_position()
    {
        var format = LogFormat.Compile("$remote_addr \"$request\" $status \"$http_cookie\" \"$http_authorization\"");
        Assert.Equal("1.2.3.4 \"GET /x HTTP/1.1\" 502 \"[redacted]\" \"-\"", Redactor.AccessLine("1.2.3.4 \"GET /x HTTP/1.1\" 502 \"sid=1\" \"-\"", format, false));
        Assert.StartsWith("[redacted]", Redactor.AccessLine("garbage", format, false), StringComparison.Ordinal);
    }

    [Fact]
    public void Command_line_secrets_are_replaced() =>
        Assert.Equal("app --db-password=[redacted] --port 80 --api-key [redacted]", Redactor.CommandLine("app --db-password=hunter2 --port 80 --api-key abc"));
}
