using System.Text.RegularExpressions;

namespace NgxDoctor.Core.Logs;

/// <summary>The request an error-log line names (`request: "GET /x HTTP/1.1"`), with its client and Host when logged.</summary>
public sealed partial record LoggedRequest(string Method, string Target, string? Client, string? Host)
{
    /// <summary>A client chose it: only these are ever sent again.</summary>
    public bool IsSafeMethod => Method is "GET" or "HEAD";

    public static LoggedRequest? In(string line)
    {
        var request = RequestLine().Match(line);
        if (!request.Success)
        {
            return null;
        }

        var client = ClientField().Match(line);
        var host = HostField().Match(line);
        return new LoggedRequest(request.Groups["method"].Value, request.Groups["target"].Value,
            client.Success ? client.Groups["client"].Value : null, host.Success ? host.Groups["host"].Value : null);
    }

    [GeneratedRegex("request: \"(?<method>[A-Z]+) (?<target>\\S+) HTTP")]
    private static partial Regex RequestLine();

    [GeneratedRegex(", client: (?<client>[0-9A-Fa-f.:]+),")]
    private static partial Regex ClientField();

    [GeneratedRegex(", host: \"(?<host>[^\"]*)\"")]
    private static partial Regex HostField();
}
