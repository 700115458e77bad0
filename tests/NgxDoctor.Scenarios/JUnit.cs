using System.Diagnostics;
using System.Text.Json;

namespace NgxDoctor.Scenarios;

/// <summary>junitparser (Debian's python3-junitparser), the JUnit reader of CI tools' Python plugins, as the consumer of --format junit.</summary>
public static class JUnit
{
    /// <summary>The suites of the files, merged as a CI server merges them: name, tests, failures, cases (classname, name, result, type).</summary>
    public static List<JsonElement> Parse(params string[] files)
    {
        Skip.IfNot(File.Exists("/usr/lib/python3/dist-packages/junitparser/__init__.py"), "junitparser is not installed (apt-get install python3-junitparser; ./test.sh installs it)");
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "junit_parse.py"), .. files])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var json = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30_000) && p.ExitCode == 0, $"junitparser refused the document: {error}");
        return JsonDocument.Parse(json.Result).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
