namespace NgxDoctor.Config.Tests;

public class ParserTests
{
    private static IReadOnlyList<Directive> Parse(string text) => ConfigParser.Parse(text, "t.conf");

    [Fact]
    public void Directives_keep_file_line_and_column()
    {
        var tree = Parse("user nobody;\n\nhttp {\n    server {\n      listen 80;\n    }\n}\n");
        Assert.Equal(new SourcePos("t.conf", 1, 1), tree[0].Pos);
        var listen = tree[1].Block![0].Block![0];
        Assert.Equal("listen", listen.Name);
        Assert.Equal(new SourcePos("t.conf", 5, 7), listen.Pos);
        Assert.Equal("80", listen.Arg(0));
    }

    [Theory]
    [InlineData("a \"x\\\"y\";", "x\"y")]
    [InlineData("a 'x y';", "x y")]
    [InlineData("a \"tab\\there\";", "tab\there")]
    [InlineData("a \"line\\nbreak\";", "line\nbreak")]
    [InlineData("a \"keep\\d\";", "keep\\d")]
    [InlineData("a back\\\\slash;", "back\\slash")]
    [InlineData("a \"semi;brace{}\";", "semi;brace{}")]
    [InlineData("a \"# not a comment\";", "# not a comment")]
    [InlineData("a x#y;", "x#y")]
    [InlineData("a ${var}suffix;", "${var}suffix")]
    [InlineData("a a}b;", "a}b")]
    [InlineData("a 'it\\'s';", "it's")]
    public void Arguments_are_unescaped_like_nginx(string text, string expected)
    {
        var d = Assert.Single(Parse(text));
        Assert.Equal(expected, d.Arg(0));
    }

    [Fact]
    public void Comments_between_arguments_and_at_end_of_file_without_newline()
    {
        var tree = Parse("a one # first\n two # second\n three;\n# last line without newline");
        Assert.Equal(["one", "two", "three"], tree[0].Args.Select(x => x.Value));
    }

    [Fact]
    public void Multi_line_arguments()
    {
        var d = Assert.Single(Parse("log_format main\n  '$remote_addr'\n  \"$status\";\n"));
        Assert.Equal(3, d.Args.Count);
        Assert.Equal(1, d.Pos.Line);
    }

    [Fact]
    public void If_condition_tokens_follow_nginx()
    {
        var d = Assert.Single(Parse("if ($a = \"b\") { return 403; }"));
        Assert.Equal(["($a", "=", "b", ")"], d.Args.Select(x => x.Value));
        Assert.Equal("return", d.Block![0].Name);
    }

    [Fact]
    public void A_brace_in_an_unquoted_regex_opens_a_block_as_in_nginx_so_the_file_fails()
    {
        var e = Assert.Throws<ConfigParseException>(() => Parse("location ~ ^/a{2}$ {\n return 200;\n}\n"));
        Assert.StartsWith("unknown directive \"2}$\"", e.Reason, StringComparison.Ordinal);
        // Inside http {...} the braces add up to an unclosed http block: nginx names the word the "}" went into, and so do we.
        var nested = Assert.Throws<ConfigParseException>(() => Parse("events {}\nhttp {\n  server {\n    location ~ ^/a{2}$ {\n      return 200;\n    }\n  }\n}\n"));
        Assert.StartsWith("unknown directive \"2}$\"", nested.Reason, StringComparison.Ordinal);
        Assert.Equal((4, 20), (nested.Pos.Line, nested.Pos.Column));
        var ok = Parse("location ~ \"^/a{2}$\" {\n return 200;\n}\n");
        Assert.Equal("^/a{2}$", ok[0].Arg(1));
    }

    [Fact]
    public void Unknown_blocks_map_types_and_lua_are_kept_or_skipped_without_error()
    {
        var tree = Parse("""
            map $x $y { default 1; "~^a{1}" 2; }
            types { text/html html; }
            content_by_lua_block { local s = "}" -- } in a comment
              ngx.say(s) }
            after_lua on;
            """);
        Assert.Equal(["map", "types", "content_by_lua_block", "after_lua"], tree.Select(d => d.Name));
        Assert.Contains("ngx.say", tree[2].EmbeddedCode, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a \"open;\n\nb c;\n", 1, 3, "unterminated quoted string")]
    [InlineData("http {\n  server {\n    listen 80;\n  }\n", 1, 6, "never closed")]
    [InlineData("a b;\n}\n", 2, 1, "unexpected \"}\"")]
    [InlineData("http {\n  listen 80\n}\n", 3, 1, "has no \";\"")]
    [InlineData("user nobody", 1, 1, "unexpected end of file")]
    [InlineData("a \"x\"y;", 1, 6, "after a quoted string")]
    [InlineData("; a;", 1, 1, "unexpected \";\"")]
    [InlineData("{ a; }", 1, 1, "unexpected \"{\"")]
    public void Errors_name_line_column_and_reason(string text, int line, int column, string reason)
    {
        var e = Assert.Throws<ConfigParseException>(() => Parse(text));
        Assert.Equal(line, e.Pos.Line);
        Assert.Equal(column, e.Pos.Column);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"t.conf:{line}:{column}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_nested_blocks_give_an_error_not_a_stack_overflow()
    {
        var text = string.Concat(Enumerable.Repeat("location / {\n", 10_000)) + string.Concat(Enumerable.Repeat("}\n", 10_000));
        var e = Assert.Throws<ConfigParseException>(() => Parse(text));
        Assert.Contains("nested too deep", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Crlf_and_lf_parse_identically()
    {
        var lf = "http {\n  server { listen 80; }\n}\n";
        Assert.Equal(TreeDump.Of(Parse(lf)), TreeDump.Of(Parse(lf.Replace("\n", "\r\n", StringComparison.Ordinal))));
    }

    [Fact]
    public void Binary_data_is_rejected_with_the_offset()
    {
        var e = Assert.Throws<ConfigParseException>(() => ConfigText.Decode([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x01], "bin"));
        Assert.Contains("NUL byte at offset 5", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Latin1_bytes_survive_decoding_and_a_bom_is_skipped()
    {
        var text = ConfigText.Decode([0xEF, 0xBB, 0xBF, (byte)'a', (byte)' ', 0xE9, (byte)';'], "l1");
        var d = Assert.Single(Parse(text));
        Assert.Equal("a", d.Name);
        Assert.Equal("\u00e9", d.Arg(0));
        var cyrillic = ConfigText.Decode(System.Text.Encoding.UTF8.GetBytes("a \"Привет\";"), "ru");
        Assert.Equal("Привет", Parse(cyrillic)[0].Arg(0));
    }
}
