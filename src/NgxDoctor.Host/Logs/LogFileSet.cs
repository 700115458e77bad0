using System.Text;
using NgxDoctor.Config.Logs;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Host.Logs;

/// <summary>
/// Logs given by hand (copied from another box): each file is told to be an error log or an access log from its
/// first lines; "now" is the newest entry among them, so --since counts back from the end of the logs.
/// </summary>
public static class LogFileSet
{
    public static LogFacts Collect(IReadOnlyList<string> files, string? format, TimeSpan since, List<NotCollected> notes)
    {
        var parser = new AccessLineParser(LogFormat.Compile(format ?? LogDiscovery.Combined));
        var errorLogs = new List<string>();
        var accessLogs = new List<string>();
        foreach (var file in files)
        {
            var kind = Detect(file, parser, format is null ? "nginx's combined format (give the log_format with --format)" : "the given format");
            if (kind == "error")
            {
                errorLogs.Add(file);
            }
            else if (kind == "access")
            {
                accessLogs.Add(file);
            }
            else
            {
                notes.Add(new NotCollected(Fact.Log, kind));
            }
        }

        var now = files.Select(f => LastTime(f, parser)).Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty(DateTime.Now).Max();
        var incidents = new IncidentAggregator();
        var failures = accessLogs.Count > 0 ? new FailureKeys() : null;
        var scans = errorLogs.Select(f => ErrorLogScanner.Scan(f, now - since, now, incidents, failures)).ToList();
        var aggregator = new AccessAggregator(errorLogs.Count > 0 ? failures : null);
        var accessScans = accessLogs.Select(f => AccessLogScanner.Scan(f, parser, now - since, now, aggregator, errorLogs.Count > 0 ? failures : null)).ToList();
        foreach (var scan in scans.Concat(accessScans).Where(s => s.Problem is not null))
        {
            notes.Add(new NotCollected(scan.Kind == "access" ? Fact.AccessLog : Fact.ErrorLog, scan.Problem!));
        }

        return new LogFacts(now, since, scans, incidents.Incidents()) { Access = accessScans.Count == 0 ? null : aggregator.Build(accessScans) };
    }

    /// <summary>"error", "access", or why the file is neither.</summary>
    private static string Detect(string file, AccessLineParser parser, string formatName)
    {
        try
        {
            using var reader = LogLineReader.Open(file);
            var i = 0;
            for (; i < 200 && reader.TryRead(out var line); i++)
            {
                if (ErrorLogParser.Parse(line.Text) is not null)
                {
                    return "error";
                }

                if (parser.Parse(line.Text) is not null)
                {
                    return "access";
                }
            }

            // An empty log (just rotated, or nothing logged yet) is read: it holds no failure.
            return i == 0 ? "error" : $"{file}: neither an nginx error log nor an access log in {formatName} (0 of its first lines matched)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return e.Message;
        }
    }

    /// <summary>The time of the last entry, read from the file's last 64 KiB.</summary>
    private static DateTime? LastTime(string file, AccessLineParser parser)
    {
        try
        {
            LogLineReader.EnsureRegular(file);
            if (LogLineReader.IsCompressed(file))
            {
                return LastTimeCompressed(file, parser);
            }

            using var stream = Config.RegularFile.Open(file, bufferSize: 4096);
            var take = (int)Math.Min(stream.Length, 64 * 1024);
            stream.Seek(-take, SeekOrigin.End);
            var buf = new byte[take];
            stream.ReadExactly(buf);
            foreach (var line in Encoding.UTF8.GetString(buf).Split('\n').Reverse())
            {
                var t = ErrorLogParser.TryTime(line, out var et) ? et : parser.Parse(line.TrimEnd('\r'))?.Time;
                if (t is not null)
                {
                    return t;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }

        return null;
    }

    /// <summary>A compressed log cannot be read from its end: one pass (bounded as every read is) keeps its last lines.</summary>
    private static DateTime? LastTimeCompressed(string file, AccessLineParser parser)
    {
        const int Keep = 256;
        var last = new string[Keep];
        long count = 0;
        using (var reader = LogLineReader.Open(file))
        {
            while (reader.TryRead(out var line))
            {
                last[count++ % Keep] = line.Text;
            }
        }

        for (var i = count - 1; i >= 0 && i >= count - Keep; i--)
        {
            var text = last[i % Keep];
            if ((ErrorLogParser.TryTime(text, out var et) ? et : parser.Parse(text)?.Time) is { } t)
            {
                return t;
            }
        }

        return null;
    }
}
