using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>A gunicorn process's command line: whether it is one, and the value of an option as gunicorn reads it (`--timeout 5`, `--timeout=5`, `-t 5`, `-t5`).</summary>
public static class GunicornCommand
{
    private static readonly ProcessVerdict Gunicorn = new(p => p.CommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Any(a => a.EndsWith("gunicorn", StringComparison.Ordinal) || a.Contains("gunicorn:", StringComparison.Ordinal)));

    public static bool Is(ProcessInfo process) => Gunicorn.Of(process);

    public static string? Option(ProcessInfo process, string name, string? shortName = null)
    {
        var args = process.CommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if ((a == name || a == shortName) && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (a.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return a[(name.Length + 1)..];
            }

            if (shortName is not null && a.StartsWith(shortName, StringComparison.Ordinal) && a.Length > shortName.Length && !a.StartsWith("--", StringComparison.Ordinal))
            {
                return a[shortName.Length..];
            }
        }

        return null;
    }
}
