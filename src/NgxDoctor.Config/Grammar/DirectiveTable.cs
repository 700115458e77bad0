using System.Collections.Frozen;

namespace NgxDoctor.Config.Grammar;

/// <summary>
/// nginx's directive tables (its ngx_command_t arrays, and those of the common third-party modules), as generated into
/// directives.tsv by tools/gen-directives.py: one entry per module that defines a name, as nginx searches them.
/// </summary>
public static class DirectiveTable
{
    private static readonly Lazy<FrozenDictionary<string, DirectiveSpec[]>> Table = new(Load);

    /// <summary>The entries for a name, in table order; empty for a directive no module here defines.</summary>
    public static IReadOnlyList<DirectiveSpec> Lookup(string name) =>
        Table.Value.TryGetValue(name, out var specs) ? specs : [];

    public static int Count => Table.Value.Count;

    private static FrozenDictionary<string, DirectiveSpec[]> Load()
    {
        using var stream = typeof(DirectiveTable).Assembly.GetManifestResourceStream("NgxDoctor.Config.directives.tsv")
            ?? throw new InvalidOperationException("the directive table is not embedded in NgxDoctor.Config");
        using var reader = new StreamReader(stream);
        var specs = new List<DirectiveSpec>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            specs.Add(Parse(line[..tab], line[(tab + 1)..]));
        }

        return specs.GroupBy(s => s.Name, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    private static DirectiveSpec Parse(string name, string bits)
    {
        var contexts = ConfContext.None;
        var args = ArgKinds.None;
        var handler = false;
        foreach (var bit in bits.Split('|'))
        {
            switch (bit)
            {
                case "HANDLER": handler = true; break;
                case "ANYWHERE": contexts |= ConfContext.Any; break;
                default:
                    if (Contexts.TryGetValue(bit, out var c))
                    {
                        contexts |= c;
                    }
                    else
                    {
                        args |= Arguments[bit];
                    }

                    break;
            }
        }

        return new DirectiveSpec(name, contexts, args, handler);
    }

    private static readonly Dictionary<string, ConfContext> Contexts = new(StringComparer.Ordinal)
    {
        ["MAIN"] = ConfContext.Main, ["EVENTS"] = ConfContext.Events, ["HTTP_MAIN"] = ConfContext.HttpMain,
        ["HTTP_SRV"] = ConfContext.HttpSrv, ["HTTP_LOC"] = ConfContext.HttpLoc, ["HTTP_UPS"] = ConfContext.HttpUps,
        ["HTTP_SIF"] = ConfContext.HttpSif, ["HTTP_LIF"] = ConfContext.HttpLif, ["HTTP_LMT"] = ConfContext.HttpLmt,
        ["STREAM_MAIN"] = ConfContext.StreamMain, ["STREAM_SRV"] = ConfContext.StreamSrv, ["STREAM_UPS"] = ConfContext.StreamUps,
        ["MAIL_MAIN"] = ConfContext.MailMain, ["MAIL_SRV"] = ConfContext.MailSrv,
    };

    private static readonly Dictionary<string, ArgKinds> Arguments = new(StringComparer.Ordinal)
    {
        ["NOARGS"] = ArgKinds.NoArgs, ["TAKE1"] = ArgKinds.Take1, ["TAKE2"] = ArgKinds.Take2, ["TAKE3"] = ArgKinds.Take3,
        ["TAKE4"] = ArgKinds.Take4, ["TAKE5"] = ArgKinds.Take5, ["TAKE6"] = ArgKinds.Take6, ["TAKE7"] = ArgKinds.Take7,
        ["BLOCK"] = ArgKinds.Block, ["FLAG"] = ArgKinds.Flag, ["ANY"] = ArgKinds.Any, ["1MORE"] = ArgKinds.OneMore,
        ["2MORE"] = ArgKinds.TwoMore,
    };
}
