using System.Text.RegularExpressions;

namespace NgxDoctor.Config.Routing;

/// <summary>What a block's rewrites did: the route after them, whether the location search starts again, or where they ended it.</summary>
internal sealed record RewriteOutcome(Trail Trail, bool Again, Trail? Stop);

/// <summary>
/// The rewrite module's directives of one block in order (ngx_http_rewrite_module): a matching `rewrite` changes the
/// URI; `last` stops and searches the locations again, `break` stops and stays, `redirect`/`permanent` or a replacement
/// with a scheme answers the client; without a flag the next rewrite runs, and a changed URI is searched again at the
/// end. A `return` stops them. Replacements with variables other than captures, $uri and $args are not guessed.
/// </summary>
internal static class Rewrites
{
    public static RewriteOutcome Apply(IReadOnlyList<Directive> block, Trail trail, LocationHead? location, string where)
    {
        var changed = false;
        foreach (var d in block)
        {
            if (d.Name == "return")
            {
                break;
            }

            if (d.Name != "rewrite" || d.Args.Count < 2 || Pcre.Match(d.Arg(0), trail.Uri, false) is not { Success: true } m)
            {
                continue;
            }

            var flag = d.Args.Count > 2 ? d.Arg(2) : "";
            if (Replace(d.Arg(1), m, trail) is not { } to)
            {
                return new RewriteOutcome(trail, false, trail.Note($"{d.Pos}: `{d.ToEvidenceText()}` builds the URI from variables that are not known here; the route is not followed further"));
            }

            if (flag is "redirect" or "permanent" || to.StartsWith("http://", StringComparison.Ordinal) || to.StartsWith("https://", StringComparison.Ordinal))
            {
                return new RewriteOutcome(trail, false, trail.Note($"{d.Pos}: `{d.ToEvidenceText()}` answers with a redirect to {to}: the client's next request is another route"));
            }

            var how = flag switch
            {
                "last" => $"{where}: rewrite ... last, the location search starts again",
                "break" => $"{where}: rewrite ... break, the request stays in this location with the new URI",
                _ => $"{where}: rewrite",
            };
            trail = trail.Hop(HopKind.Rewrite, to, d, how);
            if (flag == "last")
            {
                return new RewriteOutcome(trail, location is not null, null);
            }

            if (flag == "break")
            {
                return new RewriteOutcome(trail, false, null);
            }

            changed = true;
        }

        return new RewriteOutcome(trail, changed && location is not null, null);
    }

    /// <summary>The replacement with $1..$9, named captures, $uri, $document_uri, $args and $query_string put in; null for any other variable.</summary>
    public static string? Replace(string replacement, Match m, Trail trail) => VariableText.Expand(replacement, name => name switch
    {
        "uri" or "document_uri" => trail.Uri,
        "args" or "query_string" => trail.Query,
        _ when int.TryParse(name, out var n) => n < m.Groups.Count ? m.Groups[n].Value : "",
        _ when m.Groups[name] is { Success: true } g => g.Value,
        _ => null,
    });
}
