using System.Diagnostics;

namespace NgxDoctor.Config.Tests;

/// <summary>Configurations that grow without end, and ones nginx accepts that a stricter reader would refuse.</summary>
public class HostileConfigTests
{
    [Fact]
    public void Files_that_include_their_own_directory_stop_at_the_bound_naming_the_include()
    {
        using var files = new TestFiles();
        files.Write("nginx.conf", "events {}\nhttp { include d/*.conf; }\n");
        for (var i = 0; i < 12; i++)
        {
            files.Write($"d/{i:00}.conf", $"include {files.Path("d")}/*.conf;\nmap $a $b{i} {{ default 1; }}\n");
        }

        var e = Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadFile(files.Path("nginx.conf")));
        Assert.Contains($"includes expand to more than {ConfigLoader.MaxIncludes:N0} files", e.Reason, StringComparison.Ordinal);
        Assert.Contains($"include {files.Path("d")}/*.conf", e.Reason, StringComparison.Ordinal);
        Assert.StartsWith(files.Path("d/"), e.Pos.File, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diamond_of_includes_is_bounded_too()
    {
        using var files = new TestFiles();
        files.Write("nginx.conf", "events {}\nhttp { include l0/*.conf; }\n");
        for (var level = 0; level < 30; level++)
        {
            files.Write($"l{level}/a.conf", $"include {files.Path($"l{level + 1}")}/*.conf;\n");
            files.Write($"l{level}/b.conf", $"include {files.Path($"l{level + 1}")}/*.conf;\n");
        }

        files.Write("l30/leaf.conf", "gzip on;\n");
        var e = Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadFile(files.Path("nginx.conf")));
        Assert.Contains("includes expand to more than", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nul_byte_inside_a_token_is_read_as_nginx_reads_it()
    {
        using var files = new TestFiles();
        files.WriteBytes("nginx.conf", [.. "events {}\nhttp { server { server_name a"u8, 0, .. "b; listen 80; } }\n"u8]);
        var config = ConfigLoader.LoadFile(files.Path("nginx.conf"));
        Assert.Equal("a\0b", config.Walk().Single(x => x.Directive.Name == "server_name").Directive.Arg(0));
    }

    [Fact]
    public void Nesting_deeper_than_200_and_a_50_MB_map_load()
    {
        using var files = new TestFiles();
        var deep = string.Concat(Enumerable.Repeat("location /a { ", 300)) + "return 200;" + string.Concat(Enumerable.Repeat(" }", 300));
        files.Write("deep.conf", $"events {{}}\nhttp {{ server {{ {deep} }} }}\n");
        Assert.Equal(300, ConfigLoader.LoadFile(files.Path("deep.conf")).Walk().Count(x => x.Directive.Name == "location"));

        var map = new System.Text.StringBuilder("events {}\nhttp {\n  map $uri $target {\n");
        for (var i = 0; map.Length < 50_000_000; i++)
        {
            map.Append("    /old/path/number/").Append(i).Append(" /new/path/number/").Append(i).Append(";\n");
        }

        files.Write("map.conf", map.Append("  }\n}\n").ToString());
        var config = ConfigLoader.LoadFile(files.Path("map.conf"));
        Assert.True(config.Walk().Single(x => x.Directive.Name == "map").Directive.Block!.Count > 500_000);
    }

    [Fact]
    public void A_symlink_another_user_planted_toward_a_file_only_root_reads_is_refused_by_name()
    {
        using var files = new TestFiles();
        var secret = files.Write("private/secret", "secret_directive TOPSECRET;\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var planted = files.Path("theirs");
        Directory.CreateDirectory(planted);
        File.CreateSymbolicLink(files.Path("theirs/site.conf"), secret);
        File.CreateSymbolicLink(files.Path("mine.conf"), secret);
        Chown(planted);
        files.Write("nginx.conf", $"events {{}}\nhttp {{ include {files.Path("mine.conf")}; include {planted}/*.conf; }}\n");

        // Root's own symlink (in root's directory) is root's choice; the one in nobody's directory is refused.
        var e = Assert.Throws<ConfigParseException>(() => ConfigLoader.LoadFile(files.Path("nginx.conf")));
        Assert.Equal(files.Path("theirs/site.conf"), e.Pos.File);
        Assert.Contains("belongs to uid 65534", e.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("TOPSECRET", e.Message, StringComparison.Ordinal);
        Assert.Null(FileTrust.WhyNotDisclosable(files.Path("mine.conf")));
        Assert.NotNull(FileTrust.WhyNotRunnable(files.Path("theirs/site.conf")));
        Assert.Null(FileTrust.WhyNotRunnable("/bin/sh"));

        // What every user may read is no secret, wherever the symlink lies.
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        foreach (var dir in new[] { files.Root, files.Path("private") })
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0x1ed);
        }

        Assert.Null(FileTrust.WhyNotDisclosable(files.Path("theirs/site.conf")));
    }

    private static void Chown(string path)
    {
        using var p = Process.Start("chown", ["65534:65534", path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
