namespace NgxDoctor.Config;

/// <summary>
/// A loaded configuration: every file's own tree (for writing back), the tree with includes expanded
/// in place (for analysis; every directive keeps its own file:line), and what the loader noticed.
/// </summary>
public sealed record NginxConfig(
    string MainFile,
    string Prefix,
    IReadOnlyDictionary<string, IReadOnlyList<Directive>> Files,
    IReadOnlyList<string> FileOrder,
    IReadOnlyList<Directive> Root,
    IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    /// <summary>Every directive of the expanded tree with its chain of enclosing blocks, in file order.</summary>
    public IEnumerable<(Directive Directive, IReadOnlyList<Directive> Ancestors)> Walk()
    {
        var stack = new Stack<(IReadOnlyList<Directive> List, int Index, Directive[] Ancestors)>();
        stack.Push((Root, 0, Array.Empty<Directive>()));
        while (stack.Count > 0)
        {
            var (list, index, ancestors) = stack.Pop();
            if (index >= list.Count)
            {
                continue;
            }

            var d = list[index];
            stack.Push((list, index + 1, ancestors));
            yield return (d, ancestors);
            if (d.Block is { Count: > 0 })
            {
                stack.Push((d.Block, 0, [.. ancestors, d]));
            }
        }
    }
}
