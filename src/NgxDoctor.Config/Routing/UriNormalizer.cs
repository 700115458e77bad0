using System.Text;

namespace NgxDoctor.Config.Routing;

/// <summary>
/// The URI nginx matches locations against: %XX decoded, runs of slashes merged (merge_slashes on), "." and ".."
/// segments resolved. A ".." above the root is what nginx rejects with 400; here it stays at the root.
/// </summary>
public static class UriNormalizer
{
    public static string Normalize(string path)
    {
        var bytes = new List<byte>(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && Uri.IsHexDigit(path[i + 1]) && Uri.IsHexDigit(path[i + 2]))
            {
                bytes.Add(Convert.ToByte(path.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(path[i].ToString()));
            }
        }

        var decoded = Encoding.UTF8.GetString(bytes.ToArray());
        var segments = new List<string>();
        var parts = decoded.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var s = parts[i];
            if (s == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (s != "." && (s.Length > 0 || i == parts.Length - 1))
            {
                segments.Add(s);
            }
        }

        var trailing = parts.Length > 1 && (parts[^1].Length == 0 || parts[^1] is "." or "..");
        var result = "/" + string.Join('/', segments.Where(s => s.Length > 0));
        return trailing && result.Length > 1 ? result + "/" : result;
    }
}
