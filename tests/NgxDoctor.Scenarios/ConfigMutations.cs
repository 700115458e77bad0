namespace NgxDoctor.Scenarios;

/// <summary>The mistakes people make in nginx configuration, as edits of one file's text at its syntax's landmarks.</summary>
public static class ConfigMutations
{
    public enum Kind { SemicolonBeforeBlock, SemicolonBeforeClose, DropOpen, DropClose, AddOpen, AddClose, UnterminatedQuote, BlockAfterSimple }

    public sealed record Mutant(Kind Kind, int Offset, string Text);

    private enum Mark { Semicolon, Open, Close, QuoteEnd }

    /// <summary>Every mutant of the text, at most <paramref name="perKind"/> of each kind, spread evenly over the file.</summary>
    public static IEnumerable<Mutant> Of(string text, int perKind)
    {
        var marks = Scan(text);
        IEnumerable<Mutant> Pick(Kind kind, IEnumerable<(int At, Mark Mark)> where, Func<int, string> edit)
        {
            var all = where.ToList();
            var step = Math.Max(1, (all.Count + perKind - 1) / perKind);
            return all.Where((_, i) => i % step == 0).Select(m => new Mutant(kind, m.At, edit(m.At)));
        }

        string Remove(int at) => text.Remove(at, 1);
        string InsertAfter(int at, string s) => text.Insert(at + 1, s);
        var next = marks.Zip(marks.Skip(1)).ToList();
        // A ";" whose next landmark is "{": the directive before a block lost its terminator.
        foreach (var m in Pick(Kind.SemicolonBeforeBlock, next.Where(p => p.First.Mark == Mark.Semicolon && p.Second.Mark == Mark.Open).Select(p => p.First), Remove))
        {
            yield return m;
        }

        foreach (var m in Pick(Kind.SemicolonBeforeClose, next.Where(p => p.First.Mark == Mark.Semicolon && p.Second.Mark == Mark.Close).Select(p => p.First), Remove))
        {
            yield return m;
        }

        foreach (var m in Pick(Kind.DropOpen, marks.Where(m => m.Mark == Mark.Open), Remove))
        {
            yield return m;
        }

        foreach (var m in Pick(Kind.DropClose, marks.Where(m => m.Mark == Mark.Close), Remove))
        {
            yield return m;
        }

        foreach (var m in Pick(Kind.AddOpen, marks.Where(m => m.Mark == Mark.Semicolon), at => InsertAfter(at, " {")))
        {
            yield return m;
        }

        foreach (var m in Pick(Kind.AddClose, marks.Where(m => m.Mark == Mark.Semicolon), at => InsertAfter(at, " }")))
        {
            yield return m;
        }

        foreach (var m in Pick(Kind.UnterminatedQuote, marks.Where(m => m.Mark == Mark.QuoteEnd), Remove))
        {
            yield return m;
        }

        foreach (var m in Pick(Kind.BlockAfterSimple, marks.Where(m => m.Mark == Mark.Semicolon), at => text.Remove(at, 1).Insert(at, " { }")))
        {
            yield return m;
        }
    }

    /// <summary>Where ";", "{", "}" and closing quotes stand outside comments and quoted strings, as nginx's lexer reads them.</summary>
    private static List<(int At, Mark Mark)> Scan(string text)
    {
        var marks = new List<(int, Mark)>();
        var tokenStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (tokenStart && c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (tokenStart && c is '"' or '\'')
            {
                var quote = c;
                for (i++; i < text.Length && text[i] != quote; i++)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }
                }

                marks.Add((i, Mark.QuoteEnd));
                tokenStart = false;
                continue;
            }

            // In a word "}" is part of it, and so is a "{" right after "$" (${name}).
            switch (c)
            {
                case ';': marks.Add((i, Mark.Semicolon)); tokenStart = true; break;
                case '{' when i > 0 && text[i - 1] == '$' && !tokenStart: break;
                case '{': marks.Add((i, Mark.Open)); tokenStart = true; break;
                case '}' when tokenStart: marks.Add((i, Mark.Close)); break;
                case ' ' or '\t' or '\r' or '\n': tokenStart = true; break;
                case '\\': i++; tokenStart = false; break;
                default: tokenStart = false; break;
            }
        }

        return marks;
    }
}
