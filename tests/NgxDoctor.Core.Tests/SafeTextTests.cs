using NgxDoctor.Core.Text;

namespace NgxDoctor.Core.Tests;

public class SafeTextTests
{
    [Theory]
    [InlineData("GET /\u001b]0;pwn\u0007 HTTP/1.1", "GET /\\x1b]0;pwn\\x07 HTTP/1.1")]
    [InlineData("\u001b[2J", "\\x1b[2J")]
    [InlineData("c1 \u009b x", "c1 \\x9b x")]
    [InlineData("bidi \u202e txt", "bidi \\u202e txt")]
    [InlineData("nul\0", "nul\\x00")]
    [InlineData("del\u007f", "del\\x7f")]
    [InlineData("plain – ünïcode 😀", "plain – ünïcode 😀")]
    public void Control_and_bidi_characters_become_visible_escapes(string input, string expected) =>
        Assert.Equal(expected, SafeText.Escape(input));

    [Fact]
    public void A_lone_surrogate_is_escaped_and_long_text_is_capped()
    {
        Assert.Equal("a\\ud800b", SafeText.Escape("a\ud800b"));
        var capped = SafeText.Escape(new string('a', 10_000), 100);
        Assert.StartsWith(new string('a', 100), capped, StringComparison.Ordinal);
        Assert.EndsWith("[9900 more characters]", capped, StringComparison.Ordinal);
    }

    [Fact]
    public void Property_no_unsafe_character_survives_random_input()
    {
        var random = new Random(42);
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 64)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = random.Next(4) switch
                {
                    0 => (char)random.Next(0, 0x20),
                    1 => (char)random.Next(0x7f, 0xa0),
                    2 => (char)random.Next(0x2000, 0x2070),
                    _ => (char)random.Next(0, 0x10000),
                };
            }

            var output = SafeText.Escape(new string(chars));
            Assert.True(SafeText.IsSafe(output), $"unsafe output for input #{i}");
            Assert.DoesNotContain('\u001b', output);
        }
    }
}
