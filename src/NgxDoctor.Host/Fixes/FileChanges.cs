using System.Text;
using NgxDoctor.Config.Editing;
using NgxDoctor.Core.Fixes;

namespace NgxDoctor.Host.Fixes;

/// <summary>One file a plan changes: the path in the configuration, the real file behind symlinks, its bytes before and after, the diff.</summary>
public sealed record FileChange(string ConfigPath, string RealPath, byte[] Before, byte[] After, string Diff);

/// <summary>Turns the planned edits into new file contents, by minimal text edits on the real files (symlinks resolved).</summary>
public static class FileChanges
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>With <paramref name="root"/> (an instance in another mount namespace) the files are read through it; the diff names them as the instance does.</summary>
    public static IReadOnlyList<FileChange> Build(IEnumerable<FixAction> actions, Namespaces.InstanceRoot? root = null)
    {
        var changes = new List<FileChange>();
        foreach (var group in actions.SelectMany(a => a.Edits).GroupBy(e => e.At.File))
        {
            var real = root is { IsHost: false } ? root.Map(group.Key) : RealPath(group.Key);
            var shown = root?.Unmap(real) ?? real;
            var before = Config.RegularFile.ReadAllBytes(real, Config.ConfigText.MaxFileBytes);
            var (text, encoding) = Decode(before);
            var edits = group.Distinct().Select(e => e.Kind switch
                {
                    PlannedEdit.Set => ConfigEditor.SetArgs(text, e.At, e.Args),
                    PlannedEdit.IniSet => IniEditor.Set(text, e.At.Line, e.Args),
                    PlannedEdit.IniInsert => IniEditor.Insert(text, e.At.Line, e.Directive, e.Args),
                    _ => ConfigEditor.Insert(text, e.At, e.Text),
                })
                .GroupBy(e => (e.Offset, e.Length))
                .Select(g => g.Count() == 1 ? g.First() : g.First() with { Text = string.Concat(g.Select(x => x.Text)) })
                .ToList();
            var after = ConfigEditor.Apply(text, edits);
            var path = shown == group.Key ? shown : $"{group.Key} -> {shown}";
            changes.Add(new FileChange(group.Key, real, before, Encode(after, encoding, before), UnifiedDiff.Render(path, text, edits)));
        }

        return changes;
    }

    /// <summary>sites-enabled/app -> sites-available/app: the file that is really edited.</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
    }

    private static (string Text, Encoding Encoding) Decode(byte[] bytes)
    {
        try
        {
            return (StrictUtf8.GetString(bytes), StrictUtf8);
        }
        catch (DecoderFallbackException)
        {
            return (Encoding.Latin1.GetString(bytes), Encoding.Latin1);
        }
    }

    private static byte[] Encode(string text, Encoding encoding, byte[] before) =>
        encoding.GetBytes(text) is var bytes && before.AsSpan().StartsWith(Encoding.UTF8.Preamble) && !bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)
            ? [.. Encoding.UTF8.Preamble, .. bytes] : bytes;
}
