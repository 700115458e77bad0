using System.Globalization;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>OOM kills from `dmesg --time-format iso`, else `journalctl -k -o short-iso`; null (with a note) when neither can be read.</summary>
public static class KernelLogReader
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<OomKill>?> OomKillsAsync(DateTime since, DateTime until, List<NotCollected> notes, CancellationToken ct)
    {
        var dmesg = await CommandRunner.RunAsync("dmesg", ["--time-format", "iso"], Timeout, ct).ConfigureAwait(false);
        var source = dmesg;
        if (dmesg.ExitCode != 0)
        {
            source = await CommandRunner.RunAsync("journalctl", ["-k", "-o", "short-iso", "--no-pager", "--since", since.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)], Timeout, ct).ConfigureAwait(false);
        }

        if (source.ExitCode != 0)
        {
            notes.Add(new NotCollected("kernel-log", $"neither dmesg nor journalctl -k could be read (not root?): {dmesg.Output.Split('\n')[0].Trim()}"));

            return null;
        }

        return source.Output.Split('\n').Select(KernelLogParser.Parse).OfType<OomKill>().Where(k => k.Time >= since && k.Time <= until).ToList();
    }
}
