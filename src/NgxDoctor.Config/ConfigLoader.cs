using NgxDoctor.Config.Grammar;

namespace NgxDoctor.Config;

/// <summary>
/// Loads a main configuration file and everything it includes, as nginx does: relative include paths
/// against the configuration prefix (the main file's directory), globs sorted, each file read once.
/// Cycles and missing files become diagnostics, never loops.
/// </summary>
public sealed class ConfigLoader
{
    public const int MaxIncludeDepth = 32;
    public const int MaxFiles = 20_000;

    /// <summary>Directives after every include is expanded: a file included from many places counts each time.</summary>
    public const int MaxDirectives = 5_000_000;

    /// <summary>Files read into the tree, counting each time a file is included again.</summary>
    public const int MaxIncludes = 50_000;

    /// <summary>Bytes of configuration read, all files together.</summary>
    public const long MaxBytes = 256L << 20;

    private readonly Dictionary<string, IReadOnlyList<string>> _globs = new(StringComparer.Ordinal);
    private readonly HashSet<(string, SourcePos)> _noted = [];
    private int _directives;
    private int _includes;
    private long _bytes;

    private readonly IConfigSource _source;
    private readonly Dictionary<string, IReadOnlyList<Directive>> _files = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<ConfigDiagnostic> _diagnostics = [];
    private readonly Dictionary<string, ConfigParseException> _errors = new(StringComparer.Ordinal);
    private string _prefix = "/";

    public ConfigLoader(IConfigSource? source = null)
    {
        _source = source ?? DiskConfigSource.Instance;
    }

    public static NginxConfig LoadFile(string mainFile, string? prefix = null) => new ConfigLoader().Load(Path.GetFullPath(mainFile), prefix);

    public static NginxConfig LoadDump(string dumpText, string dumpName = "nginx -T")
    {
        var (main, source) = NginxDumpReader.Read(dumpText, dumpName);
        return new ConfigLoader(source).Load(main);
    }

    public NginxConfig Load(string mainFile, string? prefix = null)
    {
        _prefix = prefix ?? Path.GetDirectoryName(mainFile) ?? "/";
        var root = ExpandFile(mainFile, [mainFile], ConfContext.Main);
        return new NginxConfig(mainFile, _prefix, _files, _order, root, _diagnostics);
    }

    /// <summary>A file's directives, checked and expanded where they stand; its syntax error after them, as nginx reads it.</summary>
    private List<Directive> ExpandFile(string path, List<string> chain, ConfContext where)
    {
        var expanded = Expand(ParseFile(path), chain, where);
        return _errors.TryGetValue(path, out var error) ? throw error : expanded;
    }

    private IReadOnlyList<Directive> ParseFile(string path)
    {
        if (!_files.TryGetValue(path, out var tree))
        {
            if (_files.Count >= MaxFiles)
            {
                throw new ConfigParseException(new SourcePos(path, 0, 0), $"more than {MaxFiles} configuration files; giving up");
            }

            var text = _source.Read(path);
            _bytes += text.Length;
            if (_bytes > MaxBytes)
            {
                throw new ConfigParseException(new SourcePos(path, 0, 0), $"the configuration's files add up to more than {MaxBytes >> 20} MiB; giving up");
            }

            var parsed = ConfigParser.ParsePartial(text, path);
            tree = parsed.Tree;
            if (parsed.Error is { } error)
            {
                _errors[path] = error;
            }

            _files[path] = tree;
            _order.Add(path);
        }

        return tree;
    }

    private List<Directive> Expand(IReadOnlyList<Directive> list, List<string> chain, ConfContext where)
    {
        var result = new List<Directive>(list.Count);
        foreach (var d in list)
        {
            if (++_directives > MaxDirectives)
            {
                // Files that include each other's directories (or a diamond of includes) grow without end: stop at the include.
                throw new ConfigParseException(d.Pos, $"the configuration expands to more than {MaxDirectives:N0} directives through includes (last include: {chain[^1]}); giving up");
            }

            var verdict = DirectiveGrammar.Check(d, where);
            if (verdict.Error is { } refused)
            {
                throw new ConfigParseException(d.ReportPos, refused);
            }

            if (d.Name == "include" && d.Block is null)
            {
                result.AddRange(Include(d, chain, where));
            }
            else if (d.Block is { Count: > 0 })
            {
                result.Add(d with { Block = Expand(d.Block, chain, verdict.Inner) });
            }
            else
            {
                if (d.EmbeddedCode is not null)
                {
                    Note(DiagnosticSeverity.Info, "embedded-code", d.Pos, $"embedded code in \"{d.Name}\" is not analysed");
                }

                result.Add(d);
            }
        }

        return result;
    }

    private IEnumerable<Directive> Include(Directive include, List<string> chain, ConfContext where)
    {
        if (include.Args.Count != 1)
        {
            Note(DiagnosticSeverity.Error, "include-args", include.Pos, "\"include\" takes exactly one argument");
            return [];
        }

        var pattern = include.Arg(0);
        var full = pattern.StartsWith('/') ? pattern : Path.Combine(_prefix, pattern);
        IReadOnlyList<string> paths;
        if (Glob.HasWildcards(full))
        {
            // The same pattern is listed once per load, however often it is included.
            if (!_globs.TryGetValue(full, out paths!))
            {
                _globs[full] = paths = _source.Glob(full);
            }
        }
        else if (_source.Exists(full))
        {
            paths = [full];
        }
        else
        {
            Note(DiagnosticSeverity.Error, "include-missing", include.Pos, $"included file \"{full}\" does not exist");
            return [];
        }

        var expanded = new List<Directive>();
        foreach (var path in paths)
        {
            if (chain.Contains(path, StringComparer.Ordinal))
            {
                Note(DiagnosticSeverity.Warning, ConfigDiagnostic.IncludeCycle, include.Pos,
                    $"include cycle: {string.Join(" -> ", chain.SkipWhile(p => p != path))} -> {path}; not followed again");
                continue;
            }

            if (chain.Count >= MaxIncludeDepth)
            {
                Note(DiagnosticSeverity.Error, "include-depth", include.Pos, $"includes nested deeper than {MaxIncludeDepth}; \"{path}\" not read");
                continue;
            }

            if (_source.IsDirectory(path))
            {
                Note(DiagnosticSeverity.Error, "include-directory", include.Pos, $"included path \"{path}\" is a directory");
                continue;
            }

            if (++_includes > MaxIncludes)
            {
                throw new ConfigParseException(include.Pos, $"includes expand to more than {MaxIncludes:N0} files (files that include their own directory, or each other many times over); giving up at \"include {pattern}\"");
            }

            chain.Add(path);
            expanded.AddRange(ExpandFile(path, chain, where));
            chain.RemoveAt(chain.Count - 1);
        }

        return expanded;
    }

    /// <summary>One diagnostic per code and position: an include reached along many paths is said once.</summary>
    private void Note(DiagnosticSeverity severity, string code, SourcePos pos, string message)
    {
        if (_noted.Add((code, pos)))
        {
            _diagnostics.Add(new ConfigDiagnostic(severity, code, pos, message));
        }
    }
}
