using System.Globalization;

namespace NgxDoctor.Config;

/// <summary>nginx's size ("4k", "1m") and time ("60s", "1h30m", "500ms") arguments.</summary>
public static class ConfigValues
{
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        long scale = char.ToLowerInvariant(text[^1]) switch
        {
            'k' => 1024,
            'm' => 1024 * 1024,
            'g' => 1024L * 1024 * 1024,
            _ => 1,
        };
        var digits = scale == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > long.MaxValue / scale)
        {
            return false;
        }

        bytes = n * scale;
        return true;
    }

    public static long ParseSize(string text) => TryParseSize(text, out var b) ? b : throw new FormatException($"invalid size \"{text}\"");

    public static bool TryParseTime(string text, out TimeSpan time)
    {
        time = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var plain))
        {
            if (plain > TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }

            time = TimeSpan.FromSeconds(plain);
            return true;
        }

        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }

            var n = double.Parse(text.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            double unitMs;
            if (text.AsSpan(i).StartsWith("ms"))
            {
                unitMs = 1;
                i += 2;
            }
            else if (i < text.Length)
            {
                unitMs = text[i] switch
                {
                    's' => 1000,
                    'm' => 60_000,
                    'h' => 3_600_000,
                    'd' => 86_400_000,
                    'w' => 7 * 86_400_000.0,
                    'M' => 30 * 86_400_000.0,
                    'y' => 365 * 86_400_000.0,
                    _ => -1,
                };
                if (unitMs < 0)
                {
                    return false;
                }

                i++;
            }
            else
            {
                unitMs = 1000;
            }

            total += n * unitMs;
        }

        if (!(total < TimeSpan.MaxValue.TotalMilliseconds))
        {
            return false;
        }

        time = TimeSpan.FromMilliseconds(total);
        return true;
    }

    public static TimeSpan ParseTime(string text) => TryParseTime(text, out var t) ? t : throw new FormatException($"invalid time \"{text}\"");
}
