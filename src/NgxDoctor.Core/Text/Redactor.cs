using System.Text.RegularExpressions;

namespace NgxDoctor.Core.Text;

/// <summary>
/// Takes secrets out of what leaves the host in a bundle: credentials in configuration (Authorization, Cookie and
/// API-key headers nginx sets, *_password and secret/token values, PHP-FPM env and admin values of that kind), in
/// log lines (query strings unless kept, Authorization/Cookie values, user:password@ in URLs) and in command lines.
/// What is removed becomes "[redacted]", so the shape of the line stays readable.
/// </summary>
public static partial class Redactor
{
    public const string Mark = "[redacted]";

    [GeneratedRegex(@"^(?<head>\s*((proxy|grpc|fastcgi|uwsgi|scgi)_set_header|add_header|add_trailer|more_set_headers|more_set_input_headers)\s+[""']?(?<name>[^\s:""']+)[""']?[:\s]\s*)(?<value>.+?)(?<tail>\s*;.*)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex SetHeader();

    /// <summary>Directives whose whole value is a secret whatever it is called: secure_link's MD5 expression (it holds the shared secret), secure_link_secret, and keys given inline (data:).</summary>
    [GeneratedRegex(@"^(?<head>\s*(secure_link_md5|secure_link_secret|\w*_certificate_key\s+(?=[""']?data:)|\w*_session_ticket_key\s+(?=[""']?data:))\s*)(?<value>[^;\n]+)(?<tail>;.*)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex WholeValueSecret();

    /// <summary>nginx's `env NAME=value;` in the main context.</summary>
    [GeneratedRegex(@"^(?<head>\s*env\s+(?<name>[^=\s;]+)=)(?<value>[^;\n]*)(?<tail>;.*)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex EnvAssignment();

    /// <summary>name=value or name: value with a secret's name anywhere in free text (a FastCGI stderr line, an error message).</summary>
    [GeneratedRegex(@"(?i)(?<![\w\[])(?<name>[\w.-]*(password|passwd|pwd|secret|token|api[-_]?key)[\w.-]*)(?<sep>\s*[=:]\s*)(?<value>[^\s&""',;)]+)")]
    private static partial Regex SecretAssignment();

    [GeneratedRegex(@"^(?<head>\s*(fastcgi_param|uwsgi_param|scgi_param|env|set)\s+\$?(?<name>\S+)\s+)(?<value>.+?)(?<tail>\s*;.*)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex NamedValue();

    [GeneratedRegex(@"^(?<head>\s*(\S*(password|passwd|secret|token|api_key|apikey)\S*)\s+)(?<value>[^;#\n]+)(?<tail>;.*)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex SecretDirective();

    [GeneratedRegex(@"^(?<head>\s*(env|php_value|php_admin_value|php_flag|php_admin_flag)\[(?<name>[^\]]+)\]\s*=\s*)(?<value>.*)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex FpmValue();

    [GeneratedRegex(@"(?<=[?&;])(?<name>[^=&\s""]+)=(?<value>[^&\s""]*)")]
    private static partial Regex QueryPair();

    [GeneratedRegex(@"(?<=://)[^/@\s:""]+:[^/@\s""]+(?=@)")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?i)(?<name>authorization|cookie|set-cookie|x-api-key|x-auth-token|proxy-authorization)(?<sep>[:=]\s*""?)(?<value>[^""\r\n]+)")]
    private static partial Regex HeaderValue();

    [GeneratedRegex(@"(?i)(?<name>--?[\w-]*(password|passwd|secret|token|api[-_]?key)[\w-]*)(?<sep>[= ])(?<value>\S+)")]
    private static partial Regex SecretArgument();

    private static bool IsSecretName(string name) =>
        Regex.IsMatch(name, "(?i)(authorization|cookie|password|passwd|pwd|secret|token|api[-_]?key|credential|private|(^|[._-])pw$)");

    /// <summary>An nginx or PHP-FPM configuration file's text.</summary>
    public static string Config(string text)
    {
        text = SetHeader().Replace(text, m => IsSecretName(m.Groups["name"].Value) ? m.Groups["head"].Value + Mark + m.Groups["tail"].Value : m.Value);
        text = NamedValue().Replace(text, m => IsSecretName(m.Groups["name"].Value) ? m.Groups["head"].Value + Mark + m.Groups["tail"].Value : m.Value);
        text = FpmValue().Replace(text, m => IsSecretName(m.Groups["name"].Value) ? m.Groups["head"].Value + Mark : m.Value);
        text = WholeValueSecret().Replace(text, m => m.Groups["head"].Value + Mark + m.Groups["tail"].Value);
        text = EnvAssignment().Replace(text, m => IsSecretName(m.Groups["name"].Value) ? m.Groups["head"].Value + Mark + m.Groups["tail"].Value : m.Value);
        text = SecretDirective().Replace(text, m => m.Groups["head"].Value.TrimStart().StartsWith("ssl_password_file", StringComparison.Ordinal) ? m.Value : m.Groups["head"].Value + Mark + m.Groups["tail"].Value);
        return UserInfo().Replace(text, Mark);
    }

    /// <summary>A log line (or any text quoting requests): query values unless <paramref name="keepQuery"/>, credentials always.</summary>
    public static string Line(string text, bool keepQuery = false)
    {
        text = HeaderValue().Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + Mark);
        text = UserInfo().Replace(text, Mark);
        text = SecretAssignment().Replace(text, m => m.Groups["value"].Value == Mark ? m.Value : m.Groups["name"].Value + m.Groups["sep"].Value + Mark);
        return QueryPair().Replace(text, m => keepQuery && !IsSecretName(m.Groups["name"].Value) ? m.Value : m.Groups["name"].Value + "=" + Mark);
    }

    /// <summary>
    /// An access-log line written with <paramref name="format"/>: the values of variables that carry credentials
    /// ($http_cookie, $http_authorization, $cookie_*, $sent_http_set_cookie, $arg_* and $args unless query strings
    /// are kept) are replaced, then <see cref="Line"/> applies. A line that does not fit the format is withheld when
    /// the format logs such variables (where they are cannot be told).
    /// </summary>
    public static string AccessLine(string line, Logs.LogFormat format, bool keepQuery)
    {
        var secret = format.Variables.Select(v => IsSecretName(v) || v.StartsWith("cookie_", StringComparison.Ordinal) || v == "sent_http_set_cookie"
            || (!keepQuery && (v.StartsWith("arg_", StringComparison.Ordinal) || v is "args" or "query_string"))).ToArray();
        if (!secret.Any(x => x))
        {
            return Line(line, keepQuery);
        }

        Span<Range> values = format.Variables.Count <= 128 ? stackalloc Range[format.Variables.Count] : new Range[format.Variables.Count];
        if (!format.TryMatch(line, values))
        {
            return $"{Mark} (a line that does not fit the log_format, which logs credentials)";
        }

        var sb = new System.Text.StringBuilder(line.Length);
        var at = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!secret[i])
            {
                continue;
            }

            var (start, length) = values[i].GetOffsetAndLength(line.Length);
            sb.Append(line, at, start - at).Append(line[start..(start + length)] is "-" or "" ? line[start..(start + length)] : Mark);
            at = start + length;
        }

        sb.Append(line, at, line.Length - at);
        return Line(sb.ToString(), keepQuery);
    }

    /// <summary>A process's command line: values of password/secret/token arguments.</summary>
    public static string CommandLine(string text) =>
        UserInfo().Replace(SecretArgument().Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + Mark), Mark);
}
