namespace NgxDoctor.Config.Tests;

public class LoaderTests
{
    [Fact]
    public void Debian_default_configuration_loads_with_its_includes_in_order()
    {
        using var files = new TestFiles();
        files.CopyFixture("debian", "/etc/nginx");
        var config = ConfigLoader.LoadFile(files.Path("nginx.conf"));
        Assert.DoesNotContain(config.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(
            ["nginx.conf", "mime.types", "sites-enabled/default", "snippets/fastcgi-php.conf", "fastcgi.conf"],
            config.FileOrder.Select(f => Path.GetRelativePath(files.Root, f)));
        var pass = config.Walk().Single(x => x.Directive.Name == "fastcgi_pass");
        Assert.Equal(files.Path("sites-enabled/default"), pass.Directive.Pos.File);
        Assert.Equal(17, pass.Directive.Pos.Line);
        Assert.Equal(["http", "server", "location"], pass.Ancestors.Select(a => a.Name));
        var included = config.Walk().First(x => x.Directive.Name == "fastcgi_split_path_info");
        Assert.Equal(files.Path("snippets/fastcgi-php.conf"), included.Directive.Pos.File);
    }

    [Fact]
    public void Include_globs_are_sorted_and_relative_to_the_main_files_directory()
    {
        using var files = new TestFiles();
        files.Write("conf/nginx.conf", "events {}\nhttp { include sites/*.conf; }\n");
        files.Write("conf/sites/b.conf", "server { listen 2; }\n");
        files.Write("conf/sites/a.conf", "server { listen 1; }\n");
        files.Write("conf/sites/.hidden.conf", "server { listen 9; }\n");
        files.Write("conf/sites/c.txt", "server { listen 3; }\n");
        var config = ConfigLoader.LoadFile(files.Path("conf/nginx.conf"));
        var listens = config.Walk().Where(x => x.Directive.Name == "listen").Select(x => x.Directive.Arg(0));
        Assert.Equal(["1", "2"], listens);
    }

    [Fact]
    public void An_empty_glob_is_fine_and_a_missing_file_is_an_error_diagnostic()
    {
        using var files = new TestFiles();
        files.Write("nginx.conf", "http {\n include none/*.conf;\n include missing.conf;\n}\n");
        var config = ConfigLoader.LoadFile(files.Path("nginx.conf"));
        var d = Assert.Single(config.Diagnostics);
        Assert.Equal("include-missing", d.Code);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(3, d.Pos.Line);
        Assert.Contains("missing.conf", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("self")]
    [InlineData("pair")]
    [InlineData("ring")]
    [InlineData("glob-same-dir")]
    public void Include_cycles_terminate_with_a_warning(string shape)
    {
        using var files = new TestFiles();
        switch (shape)
        {
            case "self":
                files.Write("nginx.conf", "a 1;\ninclude nginx.conf;\n");
                break;
            case "pair":
                files.Write("nginx.conf", "include a.conf;\n");
                files.Write("a.conf", "x 1;\ninclude b.conf;\n");
                files.Write("b.conf", "y 1;\ninclude a.conf;\n");
                break;
            case "ring":
                files.Write("nginx.conf", "include a.conf;\n");
                files.Write("a.conf", "include b.conf;\n");
                files.Write("b.conf", "include c.conf;\n");
                files.Write("c.conf", "include a.conf;\n");
                break;
            default:
                files.Write("nginx.conf", "include *.conf;\n");
                files.Write("other.conf", "z 1;\n");
                break;
        }

        var config = ConfigLoader.LoadFile(files.Path("nginx.conf"));
        Assert.Contains(config.Diagnostics, d => d.Code == "include-cycle" && d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Including_a_directory_or_a_fifo_is_refused_without_reading()
    {
        using var files = new TestFiles();
        Directory.CreateDirectory(files.Path("adir"));
        files.Write("nginx.conf", "include adir;\n");
        var config = ConfigLoader.LoadFile(files.Path("nginx.conf"));
        Assert.Equal("include-directory", Assert.Single(config.Diagnostics).Code);

        files.Write("fifo.conf", "include pipe;\n");
        Assert.Equal(0, MkFifo(files.Path("pipe")));
        var e = Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadFile(files.Path("fifo.conf")));
        Assert.Contains("is a FIFO", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_in_an_included_file_names_that_file()
    {
        using var files = new TestFiles();
        files.Write("nginx.conf", "http {\n include site.conf;\n}\n");
        files.Write("site.conf", "server {\n listen 80\n}\n");
        var e = Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadFile(files.Path("nginx.conf")));
        Assert.Equal(files.Path("site.conf"), e.Pos.File);
        Assert.Equal(3, e.Pos.Line);
    }

    [Fact]
    public void A_missing_main_file_is_a_clear_error()
    {
        var e = Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadFile("/nonexistent/nginx.conf"));
        Assert.Contains("no such file", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_then_parse_gives_the_same_tree_for_every_fixture()
    {
        foreach (var file in Directory.EnumerateFiles(TestFiles.FixturePath(""), "*", SearchOption.AllDirectories))
        {
            var tree = ConfigParser.Parse(ConfigText.ReadFile(file), file);
            var written = ConfigWriter.Write(tree);
            var again = ConfigParser.Parse(written, file);
            Assert.Equal(TreeDump.Of(tree), TreeDump.Of(again));
            Assert.Equal(written, ConfigWriter.Write(again));
        }
    }

    [Fact]
    public void A_dump_in_nginx_T_format_loads_like_the_files_on_disk()
    {
        using var files = new TestFiles();
        files.CopyFixture("multisite");
        var disk = ConfigLoader.LoadFile(files.Path("nginx.conf"));
        var dump = new System.Text.StringBuilder("nginx: the configuration file x syntax is ok\n");
        foreach (var f in disk.FileOrder)
        {
            dump.Append("# configuration file ").Append(f).Append(":\n").Append(File.ReadAllText(f)).Append('\n');
        }

        var fromDump = ConfigLoader.LoadDump(dump.ToString()[dump.ToString().IndexOf('#', StringComparison.Ordinal)..]);
        Assert.Equal(disk.FileOrder, fromDump.FileOrder);
        Assert.Equal(TreeDump.Of(disk.Root, withPositions: true), TreeDump.Of(fromDump.Root, withPositions: true));
    }

    [Fact]
    public void Verdict_lines_mixed_into_a_dump_by_2_and_1_are_not_file_content()
    {
        const string clean = "# configuration file /e/nginx.conf:\nevents {}\nhttp { include /e/a.conf; }\n\n# configuration file /e/a.conf:\nserver { listen 80; }\n\n";
        var mixed = "nginx: the configuration file /e/nginx.conf syntax is ok\n" + clean.Replace("http {", "nginx: configuration file /e/nginx.conf test is successful\nhttp {", StringComparison.Ordinal);
        var a = ConfigLoader.LoadDump(clean);
        var b = ConfigLoader.LoadDump(mixed);
        Assert.Equal(TreeDump.Of(a.Root), TreeDump.Of(b.Root));
        Assert.Equal(["/e/nginx.conf", "/e/a.conf"], b.FileOrder);
    }

    [Fact]
    public void Text_that_is_not_a_dump_is_rejected()
    {
        var e = Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadDump("user nobody;\n"));
        Assert.Contains("not an `nginx -T` dump", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_of_100k_lines_and_10k_servers_loads()
    {
        using var files = new TestFiles();
        var sb = new System.Text.StringBuilder("events {}\nhttp {\n");
        for (var i = 0; i < 10_000; i++)
        {
            sb.Append("server {\n listen 80;\n server_name s").Append(i).Append(".example.com;\n location / {\n  proxy_pass http://127.0.0.1:").Append(3000 + (i % 100)).Append(";\n  proxy_read_timeout 30s;\n }\n}\n");
        }

        sb.Append("}\n");
        files.Write("nginx.conf", sb.ToString());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = ConfigLoader.LoadFile(files.Path("nginx.conf"));
        var inventory = Upstreams.InventoryBuilder.Build(config);
        Assert.Equal(100, inventory.Targets.Count);
        Assert.Equal(10_000, inventory.Sites.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode = 0x1a4);
}
