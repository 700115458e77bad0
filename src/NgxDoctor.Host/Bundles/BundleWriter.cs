using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using NgxDoctor.Config;
using NgxDoctor.Core;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Text;
using NgxDoctor.Host.Logs;

namespace NgxDoctor.Host.Bundles;

/// <summary>
/// Writes an offline bundle (tar.gz): the facts snapshot, the configuration as `nginx -T` prints it, the tails of the
/// logs the diagnosis read and the PHP-FPM configuration files, all through <see cref="Redactor"/>. The archive is
/// written 0600 to a temporary file beside the target and renamed into place (<see cref="Security.PrivateFile"/>), so a
/// failed run leaves nothing half-written and a symlink planted at the target is replaced, not written through.
/// </summary>
public static class BundleWriter
{
    public const string FactsEntry = "facts.json";
    public const string ConfigEntry = "nginx-T.conf";
    public const string ManifestEntry = "manifest.json";
    private const int TailBytes = 2 << 20;

    public static IReadOnlyList<string> Write(string target, DiagnosisFacts facts, NginxConfig config, bool keepQuery)
    {
        var entries = new List<string>();
        Security.PrivateFile.Write(target, file =>
        {
            using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
            using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
            void Add(string name, string text)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)), ModificationTime = DateTimeOffset.UtcNow };
                tar.WriteEntry(entry);
                entries.Add(name);
            }

            Add(ManifestEntry, $$"""{"format": "ngxdoctor-bundle", "version": 1, "created": "{{DateTimeOffset.UtcNow:O}}", "hostname": "{{System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(facts.Hostname)}}", "queryStringsKept": {{(keepQuery ? "true" : "false")}}}""");
            Add(FactsEntry, NgxJson.Serialize(FactsRedaction.Apply(facts, keepQuery)));
            // A container's files are read through its root, never the host's files of the same name.
            var root = new Namespaces.InstanceRoot(facts.Identity?.Root ?? "/");
            // An nginx another user runs: its files only as far as that user may open them.
            var master = Security.AsUser.MasterOf(facts.Instance?.MasterPid);
            Add(ConfigEntry, Dump(config, root, Security.AsUser.Opener(master)));
            var n = 0;
            var formats = Config.Logs.LogDiscovery.Find(config, config.Prefix).AccessLogs
                .ToDictionary(a => a.Path, a => Core.Logs.LogFormat.Compile(a.Format, a.Escape), StringComparer.Ordinal);
            var reader = facts.Worker is { } w ? new FileAccessor(w.Uid, w.Gid, w.Groups) : null;
            foreach (var log in (facts.Logs?.Files ?? []).Concat(facts.Logs?.Access?.Files ?? []).Select(f => f.Path).Distinct())
            {
                var format = formats.GetValueOrDefault(log);
                Func<string, string> redact = format is null ? line => Redactor.Line(line, keepQuery) : line => Redactor.AccessLine(line, format, keepQuery);
                var where = root.Map(log);
                if (FileTrust.WhyNotDisclosable(where, reader) is null && Security.AsUser.WhyNotReadable(where, master, facts.Instance?.MasterPid) is null
                    && RegularFile.With(Security.AsUser.Opener(master), () => Tail(where, redact)) is { } tail)
                {
                    Add($"logs/{++n:00}-{Path.GetFileName(log)}", tail);
                }
            }

            // Only the files of a master whose configuration was believed and read (PhpFpmMaster), each still disclosable.
            foreach (var (fpm, fpmRoot) in facts.PhpFpm.Where(m => m.Problem is null).SelectMany(m => m.Pools.Select(p => p.Pos.File).Prepend(m.ConfigFile).Select(f => (f, m.Root))).Distinct())
            {
                if (TryRead(new Namespaces.InstanceRoot(fpmRoot).Map(fpm)) is { } text)
                {
                    Add($"php-fpm/{++n:00}-{Path.GetFileName(fpm)}", Redactor.Config(text));
                }
            }
        });
        return entries;
    }

    /// <summary>Every file of the configuration as `nginx -T` prints it, each redacted.</summary>
    public static string Dump(NginxConfig config, Namespaces.InstanceRoot? root = null, RegularFile.Opener? opener = null)
    {
        var sb = new StringBuilder();
        foreach (var file in config.FileOrder)
        {
            sb.Append("# configuration file ").Append(file).Append(":\n");
            var text = TryRead(root?.Map(file) ?? file, opener) ?? ConfigWriter.Write(config.Files[file]);
            sb.Append(Redactor.Config(text));
            if (!text.EndsWith('\n'))
            {
                sb.Append('\n');
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string? TryRead(string file, RegularFile.Opener? opener = null)
    {
        try
        {
            return new DiskConfigSource(opener).Read(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigParseException)
        {
            return null;
        }
    }

    /// <summary>The last 2 MiB of a plain log, from a line start, each line redacted; null when it cannot be read.</summary>
    private static string? Tail(string path, Func<string, string> redact)
    {
        try
        {
            if (LogLineReader.IsCompressed(path))
            {
                return null;
            }

            LogLineReader.EnsureRegular(path);
            var size = new FileInfo(path).Length;
            using var reader = LogLineReader.Open(path, Math.Max(0, size - TailBytes), 0);
            var sb = new StringBuilder();
            var first = size > TailBytes;
            while (reader.TryRead(out var line))
            {
                if (!first)
                {
                    sb.Append(redact(line.Text)).Append('\n');
                }

                first = false;
            }

            return sb.ToString();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }
}
