using NgxDoctor.Config;
using NgxDoctor.Host;
using NgxDoctor.Host.Lab;

namespace NgxDoctor.Scenarios;

/// <summary>nginx as the oracle: the files `nginx -T` reads, and the argument values a running nginx echoes back.</summary>
public sealed class ParserDifferentialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-diff-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly string[] Tokens =
    [
        "plain", "\"double quoted\"", "'single quoted'", "\"esc \\\"dq\\\" inside\"", "'esc \\'sq\\' inside'",
        "\"semi;colon\"", "\"brace{in}side\"", "\"hash # inside\"", "word#hash", "back\\\\slash", "\"tab\\tand\\nnewline\"",
        "\"keep\\dunknown\"", "a}b", "\"multi\nline\"", "\"unicode é ü 😀\"", "'mixed \"quotes\"'", "x\\;y", "\"trailing\\\\\"",
    ];

    [SkippableFact]
    public async Task Argument_values_agree_with_what_a_running_nginx_returns()
    {
        using var lab = NginxLab.Create();
        var locations = string.Join("\n", Tokens.Select((t, i) => $"        location = /t{i} {{ return 200 {t}; }}"));
        lab.WriteConfig($$"""
                server {
                    listen 127.0.0.1:{{lab.Port}};
            {{locations}}
                }
            """);
        var config = ConfigLoader.LoadFile(lab.ConfigFile);
        var returns = config.Walk().Where(x => x.Directive.Name == "return").Select(x => x.Directive).ToList();
        Assert.Equal(Tokens.Length, returns.Count);

        await lab.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < Tokens.Length; i++)
        {
            var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{lab.Port}/t{i}"));
            Assert.True(body == returns[i].Arg(1), $"token {Tokens[i]}: nginx returned [{body}], parser read [{returns[i].Arg(1)}]");
        }
    }

    [SkippableFact]
    public async Task Files_and_directives_agree_with_nginx_T()
    {
        var configs = new List<string> { DebianCopy(), Generated() };
        foreach (var conf in configs)
        {
            var nginx = NginxLocate();
            var dump = await CommandRunner.RunAsync(nginx, ["-T", "-c", conf, "-e", "stderr"], TimeSpan.FromSeconds(20));
            Assert.True(dump.ExitCode == 0, dump.Output);
            var fromNginx = ConfigLoader.LoadDump(dump.Output[dump.Output.IndexOf("# configuration file ", StringComparison.Ordinal)..]);
            var fromDisk = ConfigLoader.LoadFile(conf);
            Assert.Equal(fromNginx.FileOrder.Order(StringComparer.Ordinal), fromDisk.FileOrder.Order(StringComparer.Ordinal));
            Assert.Equal(Dump(fromNginx.Root), Dump(fromDisk.Root));
            Assert.True(fromDisk.Walk().Count() > 20);
        }
    }

    [SkippableTheory]
    [InlineData("events {}\nhttp { server { listen 1; }\n")]
    [InlineData("events {}\n}\n")]
    [InlineData("events {}\nhttp { server { location ~ ^/a{2}$ { return 200; } } }\n")]
    [InlineData("events {}\nhttp { add_header X \"a\"b; }\n")]
    [InlineData("events {}\nhttp { add_header X \"open; }\n")]
    [InlineData("events {}\nhttp { ; }\n")]
    [InlineData("events {}\nuser nobody")]
    public async Task Syntax_nginx_rejects_is_rejected(string text)
    {
        var conf = Path.Combine(_dir, "broken.conf");
        await File.WriteAllTextAsync(conf, text);
        var test = await CommandRunner.RunAsync(NginxLocate(), ["-t", "-c", conf, "-e", "stderr"], TimeSpan.FromSeconds(20));
        Assert.NotEqual(0, test.ExitCode);
        Assert.Contains("[emerg]", test.Output, StringComparison.Ordinal);
        Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadFile(conf));
    }

    private static string NginxLocate() => NgxDoctor.Host.Nginx.NginxBinary.Locate() ?? throw new SkipException("nginx is not installed (apt-get install -y nginx; ./test.sh installs it)");

    private string DebianCopy() => ConfigFixtures.Copy("debian", _dir);

    private string Generated()
    {
        var root = Path.Combine(_dir, "gen");
        Directory.CreateDirectory(Path.Combine(root, "sites"));
        Directory.CreateDirectory(Path.Combine(root, "snippets"));
        File.WriteAllText(Path.Combine(root, "nginx.conf"), $$"""
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                upstream pool { server 127.0.0.1:9001 weight=2; server 127.0.0.1:9002 backup; keepalive 8; }
                map $http_host $name { default "a;b"; "~^x{2}\." 'x'; }
                include sites/*.conf;
            }
            """);
        for (var i = 0; i < 5; i++)
        {
            File.WriteAllText(Path.Combine(root, "sites", $"{i:00}.conf"), $$"""
                server {
                    listen 127.0.0.1:{{18000 + i}}; # comment { with ; specials }
                    server_name s{{i}}.test "*.s{{i}}.test";
                    location / { proxy_pass http://pool; proxy_read_timeout {{i + 1}}m; include snippets/common.conf; }
                    location ~ "^/re{1,3}/(.*)$" { return 200 "re $1"; }
                    location = /q { add_header X-A 'single "double"' always; return 204; }
                }
                """);
        }

        File.WriteAllText(Path.Combine(root, "snippets", "common.conf"), "proxy_set_header Host $host;\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n");
        return Path.Combine(root, "nginx.conf");
    }

    private static string Dump(IReadOnlyList<Directive> list) => string.Join("\n", Flatten(list, 0));

    private static IEnumerable<string> Flatten(IReadOnlyList<Directive> list, int depth)
    {
        foreach (var d in list)
        {
            yield return $"{new string(' ', depth)}{d.Name} {string.Join(" ", d.Args.Select(a => "<" + a.Value + ">"))} @{d.Pos.File}:{d.Pos.Line}";
            foreach (var child in Flatten(d.Block ?? [], depth + 1))
            {
                yield return child;
            }
        }
    }
}
