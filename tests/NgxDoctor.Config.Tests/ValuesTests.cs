namespace NgxDoctor.Config.Tests;

public class ValuesTests
{
    [Theory]
    [InlineData("4k", 4096)]
    [InlineData("4K", 4096)]
    [InlineData("1m", 1048576)]
    [InlineData("2g", 2147483648)]
    [InlineData("512", 512)]
    public void Sizes(string text, long bytes) => Assert.Equal(bytes, ConfigValues.ParseSize(text));

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("60", 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("1m30s", 90_000)]
    public void Times(string text, double ms) => Assert.Equal(ms, ConfigValues.ParseTime(text).TotalMilliseconds);

    [Theory]
    [InlineData("")]
    [InlineData("4x")]
    [InlineData("k")]
    [InlineData("-1")]
    public void Bad_sizes_are_rejected(string text) => Assert.False(ConfigValues.TryParseSize(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("1x")]
    [InlineData("s")]
    [InlineData("1h 2m")]
    public void Bad_times_are_rejected(string text) => Assert.False(ConfigValues.TryParseTime(text, out _));
}
