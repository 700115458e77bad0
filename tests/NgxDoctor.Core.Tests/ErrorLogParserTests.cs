using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Tests;

/// <summary>Lines observed from nginx 1.22; ErrorCatalogScenarios checks the lines a real nginx writes in the test run.</summary>
public class ErrorLogParserTests
{
    private const string Tail = ", client: 127.0.0.1, server: lab.test, request: \"GET /x HTTP/1.1\"";

    [Fact]
    public void The_anatomy_of_a_line_is_read()
    {
        var e = ErrorLogParser.Parse("2026/11/27 23:54:00 [error] 1234#1234: *17 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: lab.test, request: \"GET /refused HTTP/1.1\", upstream: \"http://127.0.0.1:9/refused\", host: \"127.0.0.1:8080\"")!;
        Assert.Equal(new DateTime(2026, 11, 27, 23, 54, 0), e.Time);
        Assert.Equal("error", e.Level);
        Assert.Equal(1234, e.Pid);
        Assert.Equal(17, e.ConnectionId);
        Assert.Equal("connect() failed (111: Connection refused)", e.Message);
        Assert.Equal(111, e.Errno);
        Assert.Equal("connecting to upstream", e.Action);
        Assert.Equal("127.0.0.1", e.Client);
        Assert.Equal("lab.test", e.Server);
        Assert.Equal("GET /refused HTTP/1.1", e.Request);
        Assert.Equal("http://127.0.0.1:9/refused", e.Upstream);
        Assert.Equal("127.0.0.1:8080", e.Host);
        Assert.False(e.Truncated);
        var c = ErrorClassifier.Classify(e)!;
        Assert.Equal((FailureKind.ConnectRefused, (Cause?)Cause.UpstreamDown, "connect", (int?)502), (c.Kind, c.Cause, c.Phase, c.Status));
        Assert.Equal("127.0.0.1:9", ErrorClassifier.Peer(e));
    }

    /// <summary>stream{}'s lines (ngx_stream_proxy_module, as nginx 1.22 wrote them in the stream scenario): no request, the upstream bare.</summary>
    [Theory]
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: 127.0.0.1:13306, upstream: \"127.0.0.1:3306\", bytes from/to client:0/0, bytes from/to upstream:0/0", "connect-refused", "upstream-down", "127.0.0.1:3306")]
    [InlineData("recv() failed (111: Connection refused) while proxying and reading from upstream, udp client: 127.0.0.1, server: 127.0.0.1:10053, upstream: \"127.0.0.1:5353\", bytes from/to client:3/0, bytes from/to upstream:0/3", "connect-refused", "upstream-down", "127.0.0.1:5353")]
    [InlineData("recv() failed (104: Connection reset by peer) while proxying and reading from upstream, client: 127.0.0.1, server: 127.0.0.1:16379, upstream: \"127.0.0.1:6379\", bytes from/to client:10/0, bytes from/to upstream:0/10", "body-failure", "upstream-crash", "127.0.0.1:6379")]
    public void Stream_lines_are_read_with_the_causes_of_http(string rest, string kind, string cause, string peer)
    {
        var e = ErrorLogParser.Parse("2026/12/07 13:52:40 [error] 99#99: *2 " + rest)!;
        var c = ErrorClassifier.Classify(e)!;
        Assert.Equal((kind, cause), (c.Kind.Code(), c.Cause!.Value.Code()));
        Assert.Equal(peer, ErrorClassifier.Peer(e));
    }

    [Theory]
    [InlineData("[crit] 1#1: *3 connect() to unix:/run/app/missing.sock failed (2: No such file or directory) while connecting to upstream" + Tail + ", upstream: \"fastcgi://unix:/run/app/missing.sock:\"", "socket-missing", "unix:/run/app/missing.sock")]
    [InlineData("[crit] 1#1: *3 connect() to unix:/run/app/locked.sock failed (13: Permission denied) while connecting to upstream" + Tail + ", upstream: \"fastcgi://unix:/run/app/locked.sock:\"", "socket-denied", "unix:/run/app/locked.sock")]
    [InlineData("[error] 1#1: *3 connect() to unix:/run/app/tiny.sock failed (11: Resource temporarily unavailable) while connecting to upstream" + Tail + ", upstream: \"fastcgi://unix:/run/app/tiny.sock:\"", "backlog-full", "unix:/run/app/tiny.sock")]
    [InlineData("[error] 1#1: *3 connect() to unix:/run/app/php.sock failed (111: Connection refused) while connecting to upstream" + Tail + ", upstream: \"fastcgi://unix:/run/app/php.sock:\"", "connect-refused", "unix:/run/app/php.sock")]
    [InlineData("[error] 1#1: *3 upstream timed out (110: Connection timed out) while connecting to upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "connect-timeout", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 upstream timed out (110: Connection timed out) while reading response header from upstream" + Tail + ", upstream: \"fastcgi://unix:/run/app/php.sock\"", "read-timeout", "unix:/run/app/php.sock")]
    [InlineData("[error] 1#1: *3 upstream prematurely closed connection while reading response header from upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "premature-close", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 recv() failed (104: Connection reset by peer) while reading response header from upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "premature-close", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 upstream sent too big header while reading response header from upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "header-too-big", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 upstream sent invalid header: \"X-Bad\\x01...\" while reading response header from upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "invalid-response", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 upstream sent no valid HTTP/1.0 header while reading response header from upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "http09", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 no live upstreams while connecting to upstream" + Tail + ", upstream: \"http://two/two\", host: \"127.0.0.1:8080\"", "no-live-upstreams", "two")]
    [InlineData("[warn] 1#1: *3 upstream server temporarily disabled while connecting to upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "server-disabled", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 upstream SSL certificate verify error: (18:self-signed certificate) while SSL handshaking to upstream" + Tail + ", upstream: \"https://127.0.0.1:9/x\"", "tls-error", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream" + Tail + ", upstream: \"https://127.0.0.1:9/x\"", "tls-error", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 nonexistent.invalid could not be resolved (3: Host not found)" + Tail + ", host: \"127.0.0.1:8080\"", "dns", "nonexistent.invalid")]
    [InlineData("[error] 1#1: *3 no resolver defined to resolve nonexistent.invalid" + Tail, "dns", "nonexistent.invalid")]
    [InlineData("[emerg] 98#98: host not found in upstream \"backend.invalid\" in /etc/nginx/conf.d/app.conf:20", "dns", "backend.invalid")]
    [InlineData("[emerg] 98#98: host not found in upstream \"app.internal.test:8080\" in /etc/nginx/nginx.conf:4", "dns", "app.internal.test")]
    [InlineData("[alert] 1#1: *3 socket() failed (24: Too many open files) while connecting to upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "fd-exhausted", "127.0.0.1:9")]
    [InlineData("[crit] 1#1: *3 connect() to 10.0.0.5:8080 failed (99: Cannot assign requested address) while connecting to upstream" + Tail + ", upstream: \"http://10.0.0.5:8080/x\"", "ports-exhausted", "10.0.0.5:8080")]
    [InlineData("[error] 1#1: *3 upstream prematurely closed connection while reading upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "body-failure", "127.0.0.1:9")]
    [InlineData("[info] 1#1: *3 client prematurely closed connection, so upstream connection is closed too while reading response header from upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "client-closed", "127.0.0.1:9")]
    [InlineData("[error] 1#1: *3 FastCGI sent in stderr: \"Primary script unknown\" while reading response header from upstream" + Tail + ", upstream: \"fastcgi://unix:/run/php.sock:\"", "fastcgi-stderr", "unix:/run/php.sock")]
    [InlineData("[error] 1#1: *3 something new about upstream while connecting to upstream" + Tail + ", upstream: \"http://127.0.0.1:9/x\"", "unclassified", "127.0.0.1:9")]
    public void Catalog_messages_are_classified(string rest, string kind, string? peer)
    {
        var e = ErrorLogParser.Parse("2026/11/27 23:54:00 " + rest)!;
        Assert.NotNull(e);
        var c = ErrorClassifier.Classify(e);
        Assert.Equal(kind, c?.Kind.Code());
        Assert.Equal(peer, ErrorClassifier.Peer(e));
    }

    [Fact]
    public void Lines_that_are_not_about_upstreams_are_not_classified()
    {
        var e = ErrorLogParser.Parse("2026/11/27 23:54:00 [error] 1#1: *5 open() \"/usr/share/nginx/html/x\" failed (2: No such file or directory), client: 1.2.3.4, server: _, request: \"GET /x HTTP/1.1\", host: \"a\"")!;
        Assert.Null(ErrorClassifier.Classify(e));
        Assert.Null(ErrorClassifier.Classify(ErrorLogParser.Parse("2026/11/27 23:54:00 [notice] 1#1: signal 1 (SIGHUP) received from 99, reconfiguring")!));
    }

    [Fact]
    public void A_line_cut_at_2048_bytes_is_classified_from_its_prefix()
    {
        var line = "2026/11/27 23:54:00 [error] 1#1: *3 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 1.2.3.4, server: _, request: \"GET /" + new string('a', 3000);
        line = line[..2047];
        var e = ErrorLogParser.Parse(line)!;
        Assert.True(e.Truncated);
        Assert.Equal(FailureKind.ReadTimeout, ErrorClassifier.Classify(e)!.Kind);
    }

    [Fact]
    public void A_client_mark_inside_fastcgi_stderr_does_not_split_the_message()
    {
        var e = ErrorLogParser.Parse("2026/11/27 23:54:00 [error] 1#1: *3 FastCGI sent in stderr: \"PHP message: bad, client: said hello\" while reading response header from upstream, client: 127.0.0.1, server: s, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\"")!;
        Assert.Equal("127.0.0.1", e.Client);
        Assert.Equal("reading response header from upstream", e.Action);
        Assert.Equal("127.0.0.1:9000", ErrorClassifier.Peer(e));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("2026/13/45 99:00:00 [error] x")]
    [InlineData("2026/02/29 00:00:00 [error] 1#1: not a leap year")]
    [InlineData("\u001b[2J2026/11/27 23:54:00 [error] 1#1: x")]
    public void Garbage_is_not_an_entry(string line) => Assert.Null(ErrorLogParser.Parse(line));
}
