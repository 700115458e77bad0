using System.Globalization;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>Where the kernel's messages can be read: two commands, then syslog's files (for containers where dmesg is refused).</summary>
public sealed record KernelLogSources(string Dmesg, string Journalctl, IReadOnlyList<string> Files)
{
    public static readonly KernelLogSources System = new("dmesg", "journalctl", ["/var/log/kern.log.1", "/var/log/kern.log"]) { AuditFiles = ["/var/log/audit/audit.log"] };

    /// <summary>auditd's log: while auditd runs, SELinux and AppArmor denials go there instead of the kernel's log.</summary>
    public IReadOnlyList<string> AuditFiles { get; init; } = [];
}

/// <summary>What the kernel's log holds for a diagnosis: OOM kills, processes killed by a fault, access control denials.</summary>
public sealed record KernelEvents(IReadOnlyList<OomKill> OomKills, IReadOnlyList<KernelCrash> Crashes, IReadOnlyList<MacDenial> Denials);

/// <summary>
/// OOM kills from `dmesg --time-format iso`, else `journalctl -k -o short-iso`, else /var/log/kern.log (and .1);
/// null (with a note) when none can be read. Only the lines of OOM kills, fault crashes and denials are kept, so a long
/// kernel log is not cut short; auditd's log adds the denials it took from the kernel's.
/// </summary>
public static class KernelLogReader
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<OomKill>?> OomKillsAsync(DateTime since, DateTime until, List<NotCollected> notes, CancellationToken ct, KernelLogSources? sources = null) =>
        (await ReadAsync(since, until, notes, ct, sources).ConfigureAwait(false))?.OomKills;

    public static async Task<KernelEvents?> ReadAsync(DateTime since, DateTime until, List<NotCollected> notes, CancellationToken ct, KernelLogSources? sources = null)
    {
        sources ??= KernelLogSources.System;
        static bool Kill(string line) => line.Contains(KernelLogParser.Mark, StringComparison.Ordinal) || KernelEventParser.IsCrash(line) || KernelEventParser.IsDenial(line);
        var dmesg = await CommandRunner.RunAsync(sources.Dmesg, ["--time-format", "iso"], Timeout, ct, Kill).ConfigureAwait(false);
        var source = dmesg;
        if (dmesg.ExitCode != 0)
        {
            source = await CommandRunner.RunAsync(sources.Journalctl, ["-k", "-o", "short-iso", "--no-pager", "--since", since.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)], Timeout, ct, Kill).ConfigureAwait(false);
        }

        // Without journald (a container), journalctl says so on stderr and still exits 0.
        IEnumerable<string> lines;
        if (source.ExitCode == 0 && !source.Output.Contains("No journal files were found", StringComparison.Ordinal))
        {
            lines = source.Output.Split('\n');
        }
        else if (ReadFiles(sources.Files, Kill, ct) is { } fromFiles)
        {
            lines = fromFiles;
        }
        else
        {
            notes.Add(new NotCollected(Fact.KernelLog, $"neither dmesg, journalctl -k nor {string.Join(", ", sources.Files)} could be read (not root?): {dmesg.Output.Split('\n')[0].Trim()}"));

            return null;
        }

        var kept = lines.ToList();
        kept.AddRange(ReadFiles(sources.AuditFiles, KernelEventParser.IsDenial, ct) ?? []);
        bool InWindow(DateTime t) => t >= since && t <= until;
        return new KernelEvents(
            kept.Select(l => KernelLogParser.Parse(l, until)).OfType<OomKill>().Where(k => InWindow(k.Time)).ToList(),
            kept.Select(l => KernelEventParser.Crash(l, until)).OfType<KernelCrash>().Where(c => InWindow(c.Time)).ToList(),
            kept.Select(l => KernelEventParser.Denial(l, until)).OfType<MacDenial>().Where(d => InWindow(d.Time)).DistinctBy(d => d.Line).ToList());
    }

    /// <summary>The kept lines of every readable file, streamed; null when none could be read.</summary>
    private static List<string>? ReadFiles(IReadOnlyList<string> files, Func<string, bool> keep, CancellationToken ct)
    {
        List<string>? kept = null;
        foreach (var file in files)
        {
            try
            {
                var found = new List<string>();
                using var reader = LogLineReader.Open(file);
                while (reader.TryRead(out var line))
                {
                    ct.ThrowIfCancellationRequested();
                    if (keep(line.Text))
                    {
                        found.Add(line.Text);
                    }
                }

                (kept ??= []).AddRange(found);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
            }
        }

        return kept;
    }
}
