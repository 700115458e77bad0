using NgxDoctor.Config.Editing;

namespace NgxDoctor.Config.Tests;

public class ConfigEditorTests
{
    // Snippets, as an included file holds them: parsed alone, not loaded as a main configuration.
    private static Directive Find(string text, string name) => Flatten(ConfigParser.Parse(text, "/t.conf")).First(d => d.Name == name);

    private static IEnumerable<Directive> Flatten(IReadOnlyList<Directive> list) => list.SelectMany(d => Flatten(d.Block ?? []).Prepend(d));

    [Fact]
    public void Arguments_are_replaced_in_place_and_comments_and_spacing_around_stay()
    {
        const string text = "http {\n  server { # a\n    location / {\n        proxy_read_timeout   1s;   # short\n    }\n  }\n}\n";
        var d = Find(text, "proxy_read_timeout");
        Assert.Equal(text.Replace("   1s;", "   5s;", StringComparison.Ordinal), ConfigEditor.Apply(text, [ConfigEditor.SetArgs(text, d.Pos, "5s")]));
    }

    [Fact]
    public void A_directive_is_added_after_the_opening_line_indented_like_its_neighbours_with_the_files_line_ending()
    {
        const string text = "location / { # api\r\n\tproxy_pass http://a;\r\n}\r\n";
        var d = Find(text, "location");
        Assert.Equal("location / { # api\r\n\tproxy_read_timeout 5s;\r\n\tproxy_pass http://a;\r\n}\r\n", ConfigEditor.Apply(text, [ConfigEditor.Insert(text, d.Pos, "proxy_read_timeout 5s;")]));
    }

    [Fact]
    public void Inline_and_empty_blocks_get_the_directive_in_their_own_style()
    {
        const string inline = "location / { proxy_pass http://a; }\n";
        Assert.Equal("location / { proxy_buffer_size 12k; proxy_pass http://a; }\n", ConfigEditor.Apply(inline, [ConfigEditor.Insert(inline, Find(inline, "location").Pos, "proxy_buffer_size 12k;")]));
        const string empty = "  location / {\n  }\n";
        Assert.Equal("  location / {\n      return 204;\n  }\n", ConfigEditor.Apply(empty, [ConfigEditor.Insert(empty, Find(empty, "location").Pos, "return 204;")]));
    }

    [Fact]
    public void Quoted_arguments_and_a_vanished_directive_are_handled()
    {
        const string text = "server 127.0.0.1:9 \"weight=2\" max_fails=3; # app\n";
        var d = Find(text, "server");
        Assert.Equal("server 127.0.0.1:10 \"weight=2\" max_fails=3; # app\n", ConfigEditor.Apply(text, [ConfigEditor.SetArgs(text, d.Pos, "127.0.0.1:10 \"weight=2\" max_fails=3")]));
        Assert.Throws<InvalidOperationException>(() => ConfigEditor.SetArgs("# nothing\n", d.Pos, "x"));
    }

    [Fact]
    public void Php_fpm_lines_are_edited_by_value_and_added_under_the_pool_header()
    {
        const string pool = "[www]\r\nuser = nobody\r\npm.max_children = 1 \r\n";
        Assert.Equal("[www]\r\nuser = nobody\r\npm.max_children = 4 \r\n", ConfigEditor.Apply(pool, [IniEditor.Set(pool, 3, "4")]));
        Assert.Equal("[www]\r\nlisten.group = nogroup\r\nuser = nobody\r\npm.max_children = 1 \r\n", ConfigEditor.Apply(pool, [IniEditor.Insert(pool, 1, "listen.group", "nogroup")]));
    }
}
