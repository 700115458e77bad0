using NgxDoctor.Host.Watch;

namespace NgxDoctor.Host.Tests;

/// <summary>Following a log through what logrotate and nginx do to it: every line once, none twice.</summary>
public sealed class LogFollowerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-follow-").FullName;

    private string Log => Path.Combine(_dir, "access.log");

    public void Dispose() => Directory.Delete(_dir, true);

    private void Append(string text) => File.AppendAllText(Log, text);

    [Fact]
    public void From_the_end_only_new_whole_lines_are_handed_over()
    {
        Append("old 1\nold 2\n");
        using var f = new LogFollower(Log);
        Assert.Empty(f.Poll());
        Append("new 1\nnew 2 par");
        Assert.Equal(["new 1"], f.Poll());
        Append("t\n");
        Assert.Equal(["new 2 part"], f.Poll());
        Assert.Empty(f.Poll());
    }

    [Fact]
    public void A_rename_rotation_reads_the_old_file_to_its_end_then_the_new_one_from_its_start()
    {
        Append("a\n");
        using var f = new LogFollower(Log);
        Append("b\n");
        Assert.Equal(["b"], f.Poll());
        Append("c\nd without newline");
        File.Move(Log, Log + ".1");
        Append("e\n");
        Assert.Equal(["c", "d without newline", "e"], f.Poll());
        Append("f\n");
        Assert.Equal(["f"], f.Poll());
    }

    [Fact]
    public void A_copytruncate_reads_what_came_since_the_last_poll_from_the_copy_then_the_file_from_its_start()
    {
        Append("a\n");
        using var f = new LogFollower(Log);
        Append("b\n");
        Assert.Equal(["b"], f.Poll());
        Append("c\nd\n");
        File.Copy(Log, Log + ".1");
        using (var truncate = new FileStream(Log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }

        Append("e\n");
        Assert.Equal(["c", "d", "e"], f.Poll());
        Append("g\n");
        Assert.Equal(["g"], f.Poll());
    }

    [Fact]
    public void A_copytruncate_written_past_the_old_length_before_the_poll_is_noticed_by_its_bytes()
    {
        Append("a\n");
        using var f = new LogFollower(Log);
        Append("bbbb\n");
        Assert.Equal(["bbbb"], f.Poll());
        File.Copy(Log, Log + ".1");
        File.WriteAllText(Log, "");
        Append("cccccccccc\n");
        Assert.Equal(["cccccccccc"], f.Poll());
    }

    [Fact]
    public void A_file_that_appears_later_is_read_from_its_start_and_its_absence_said()
    {
        using var f = new LogFollower(Log);
        Assert.Empty(f.Poll());
        Assert.Contains("does not exist", f.Problem, StringComparison.Ordinal);
        Append("first\nsecond\n");
        Assert.Equal(["first", "second"], f.Poll());
        Assert.Null(f.Problem);
    }

    [Fact]
    public void A_line_longer_than_the_cap_is_cut_and_the_next_one_is_whole()
    {
        Append("");
        using var f = new LogFollower(Log);
        Append(new string('x', LogFollower.MaxLineBytes + 5000) + "\nnext\n");
        var lines = f.Poll();
        Assert.Equal(LogFollower.MaxLineBytes, lines[0].Length);
        Assert.Equal("next", lines[1]);
    }
}
