using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using NgxDoctor.Core;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Host.Bundles;

/// <summary>An offline bundle read back: its facts and its configuration dump. Entries are read in memory, capped; nothing is extracted to disk.</summary>
public sealed record Bundle(DiagnosisFacts Facts, string? ConfigDump, IReadOnlyList<string> Entries)
{
    private const long EntryLimit = 64L << 20;
    private const long TotalLimit = 256L << 20;

    public static Bundle Read(string path)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new List<string>();
        long total = 0;
        try
        {
            using var file = Config.RegularFile.Open(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var guard = new TarGuardStream(gzip, EntryLimit, TotalLimit);
            using var tar = new TarReader(guard);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                total += entry.Length;
                if (entry.Length > EntryLimit || total > TotalLimit)
                {
                    throw new InvalidDataException($"{path}: entry {entry.Name} makes the bundle larger than {TotalLimit >> 20} MiB");
                }

                names.Add(entry.Name);
                if (entry.Name is BundleWriter.FactsEntry or BundleWriter.ConfigEntry)
                {
                    // Only what the diagnosis reads is held in memory; log tails and the rest are named, not kept.
                    using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
                    texts[entry.Name] = reader.ReadToEnd();
                }
            }
        }
        catch (IOException e) when (e is not EndOfStreamException && e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException(e.Message);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or ArgumentException or OverflowException or NotSupportedException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: not an ngxdoctor bundle (tar.gz): {Core.Text.SafeText.Escape(e.Message, 300)}");
        }

        if (!texts.TryGetValue(BundleWriter.FactsEntry, out var json))
        {
            throw new InvalidDataException($"{path}: not an ngxdoctor bundle (no {BundleWriter.FactsEntry})");
        }

        DiagnosisFacts facts;
        try
        {
            facts = NgxJson.Deserialize<DiagnosisFacts>(json) ?? throw new InvalidDataException($"{path}: empty {BundleWriter.FactsEntry}");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: {BundleWriter.FactsEntry} is not a facts snapshot ({e.Message})");
        }

        return new Bundle(facts, texts.GetValueOrDefault(BundleWriter.ConfigEntry), names);
    }
}
