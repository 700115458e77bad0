using NgxDoctor.Config.Grammar;

namespace NgxDoctor.Config.Tests;

/// <summary>nginx's directive tables as ngx_conf_handler applies them; the expected words are nginx's own.</summary>
public class GrammarTests
{
    private static ConfigParseException Refused(string text) =>
        Assert.Throws<ConfigParseException>(() => Load(text));

    private static NginxConfig Load(string text) =>
        new ConfigLoader(new DumpConfigSource(new Dictionary<string, string> { ["/n.conf"] = text, ["/inc.conf"] = "default 1;\n\"a\" 2;\n" })).Load("/n.conf");

    [Fact]
    public void The_table_holds_nginx_and_the_common_modules()
    {
        Assert.True(DirectiveTable.Count > 800, $"{DirectiveTable.Count} directives");
        Assert.Contains(DirectiveTable.Lookup("server"), s => s.Contexts == ConfContext.HttpUps && !s.IsBlock);
        Assert.Contains(DirectiveTable.Lookup("server"), s => s.Contexts == ConfContext.StreamMain && s.IsBlock);
        Assert.Contains(DirectiveTable.Lookup("map"), s => s.ReadsOwnBlock);
        Assert.NotEmpty(DirectiveTable.Lookup("more_set_headers"));
        Assert.NotEmpty(DirectiveTable.Lookup("content_by_lua_block"));
        Assert.Empty(DirectiveTable.Lookup("no_such_module_directive"));
    }

    [Fact]
    public void A_missing_semicolon_before_a_block_is_refused_where_nginx_reads_the_brace()
    {
        var e = Refused("events {}\nhttp {\n  server {\n    listen 127.0.0.1:8080\n    location / {\n      proxy_pass http://x;\n    }\n  }\n}\n");
        Assert.Equal("directive \"listen\" is not terminated by \";\"", e.Reason);
        Assert.Equal(5, e.Pos.Line);
        Assert.Equal("directive \"proxy_pass\" is not terminated by \";\"", Refused("events {}\nhttp { server { location / { proxy_pass http://x:1 {} } } }\n").Reason);
    }

    [Theory]
    [InlineData("events {}\nhttp { server { location / proxy_pass http://x; } }\n", "directive \"location\" has no opening \"{\"")]
    [InlineData("events {}\nhttp { server { listen; } }\n", "invalid number of arguments in \"listen\" directive")]
    [InlineData("events {}\nhttp { server { location / { proxy_pass a b; } } }\n", "invalid number of arguments in \"proxy_pass\" directive")]
    [InlineData("events {}\nhttp { sendfile on off; }\n", "invalid number of arguments in \"sendfile\" directive")]
    [InlineData("events {}\nhttp { server { server { } } }\n", "\"server\" directive is not allowed here")]
    [InlineData("events {}\nhttp { server { if ($a) { location / { } } } }\n", "\"location\" directive is not allowed here")]
    [InlineData("events {}\nhttp { server { if ($a) { proxy_pass http://x; } } }\n", "\"proxy_pass\" directive is not allowed here")]
    [InlineData("events { listen 80; }\n", "\"listen\" directive is not allowed here")]
    [InlineData("worker_connections 10;\nevents {}\n", "\"worker_connections\" directive is not allowed here")]
    [InlineData("events {}\nhttp { map $a $b { default 1; x { } } }\n", "unexpected \"{\"")]
    [InlineData("events {}\nstream { server { listen 1; proxy_pass a b; } }\n", "invalid number of arguments in \"proxy_pass\" directive")]
    [InlineData("events {}\nhttp { upstream u { server 127.0.0.1:1 { } } }\n", "directive \"server\" is not terminated by \";\"")]
    [InlineData("events {}\nhttp { include; }\n", "invalid number of arguments in \"include\" directive")]
    public void Nginx_table_faults_are_refused_in_nginx_words(string text, string words) => Assert.Equal(words, Refused(text).Reason);

    [Theory]
    [InlineData("events {}\nhttp { server { if ($a) { return 403; } location / { if ($b) { proxy_pass http://x; } } } }\n")]
    [InlineData("events {}\nhttp { server { location / { limit_except GET { deny all; } location ~ x { } } } }\n")]
    [InlineData("events {}\nstream { upstream s { server 127.0.0.1:1; } server { listen 1 udp; proxy_pass s; } }\n")]
    [InlineData("events {}\nmail { server { listen 25; protocol smtp; } }\n")]
    [InlineData("events {}\nhttp { map $a $b { include /inc.conf; hostnames; } types { text/html html htm; } }\n")]
    [InlineData("events {}\nhttp { my_module_block x y { anything { goes; } } unknown_directive; }\n")]
    [InlineData("events {}\nhttp { server { location / { content_by_lua_block { ngx.say(\"}\") } } } }\n")]
    [InlineData("events {}\nhttp { server { location / { more_set_headers 'X: y'; echo a b c; } } }\n")]
    public void What_nginx_accepts_is_accepted(string text) => Load(text);

    [Fact]
    public void A_fault_in_an_included_file_is_reported_there_in_the_context_it_is_included_into()
    {
        var source = new DumpConfigSource(new Dictionary<string, string>
        {
            ["/n.conf"] = "events {}\nhttp {\n  server {\n    include /site.conf;\n  }\n}\n",
            ["/site.conf"] = "location / {\n  proxy_pass http://a;\n}\nupstream u { server 127.0.0.1:1; }\n",
        });
        var e = Assert.Throws<ConfigParseException>(() => new ConfigLoader(source).Load("/n.conf"));
        Assert.Equal(("/site.conf", 4, "\"upstream\" directive is not allowed here"), (e.Pos.File, e.Pos.Line, e.Reason));
    }

    [Fact]
    public void The_first_fault_in_reading_order_wins_over_a_later_syntax_error()
    {
        var e = Refused("events {}\nhttp {\n  server {\n    listen 80\n    location / { }\n    return 200 \"open;\n  }\n}\n");
        Assert.Equal(("directive \"listen\" is not terminated by \";\"", 5), (e.Reason, e.Pos.Line));
    }
}
