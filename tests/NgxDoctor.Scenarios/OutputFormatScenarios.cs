using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NgxDoctor.TestSupport;

namespace NgxDoctor.Scenarios;

/// <summary>
/// diagnose's outputs for monitoring and CI, on a real nginx with a dead upstream (a runtime finding) and a variable
/// proxy_pass without a resolver (a configuration finding): the Nagios line and its perfdata, SARIF with only the
/// configuration's finding at its file:line, JUnit with a test case per check and the failure under its check.
/// </summary>
public partial class OutputFormatScenarios
{
    /// <summary>Where test.sh installs Microsoft's SARIF validator (npm @microsoft/sarif-multitool).</summary>
    private const string SarifValidator = "/var/cache/ngxdoctor-tests/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool";

    /// <summary>
    /// Issue 28: the SARIF of a configuration nginx -t refuses (in an included file) passes Microsoft's validator, and
    /// its result points at the file:line nginx named, not at nginx.conf.
    /// </summary>
    [SkippableFact]
    public void Sarif_of_a_configuration_nginx_refuses_passes_the_validator_at_nginxs_file_and_line()
    {
        Skip.IfNot(File.Exists(SarifValidator), "the SARIF validator is not installed (./test.sh installs it with npm)");
        using var lab = new ScenarioLab();
        var extra = lab.Nginx.PathOf("conf/extra.conf");
        File.WriteAllText(extra, "# extra\nproxy_buffering on;\nngxdoctor_unknown_directive on;\n");
        lab.Nginx.WriteConfig($"include {extra};\n" + lab.Server("location / { return 204; }"));
        var run = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--format", "sarif");
        Assert.True(run.ExitCode == 2, run.ToString());
        var file = Path.Combine(lab.Root, "out.sarif");
        File.WriteAllText(file, run.Stdout);
        var result = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("ruleId").GetString() == "config-error");
        var physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal(new Uri(extra).AbsoluteUri, physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(3, physical.GetProperty("region").GetProperty("startLine").GetInt32());

        using var validator = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(SarifValidator, ["validate", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = validator.StandardOutput.ReadToEndAsync();
        var errors = validator.StandardError.ReadToEnd();
        Assert.True(validator.WaitForExit(120_000), "the validator did not finish");
        var report = output.Result + errors;
        Assert.Contains("Analysis completed successfully", report, StringComparison.Ordinal);
        Assert.DoesNotMatch(@": error [A-Z]+\d+:", report);
    }

    [SkippableFact]
    public async Task Nagios_sarif_and_junit_say_what_the_json_says()
    {
        using var lab = new ScenarioLab();
        var dead = ScenarioLab.FreePort();
        await lab.StartNginxAsync(lab.Server($$"""
            location / { proxy_pass http://127.0.0.1:{{ScenarioLab.Str(dead)}}; }
                location /api/ {
                    set $api backend.invalid;
                    proxy_pass http://$api:8080;
                }
            """));
        var failing = await lab.GetAsync("/");
        Assert.Equal(502, Assert.Single(failing));
        var json = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--json").Json;
        var findings = json.GetProperty("findings").EnumerateArray().ToList();
        var down = findings.Single(f => f.GetProperty("cause").GetString() == "upstream-down");
        var configOnly = findings.Where(f => f.GetProperty("basis").GetString() is "config-only" or "config-test").ToList();
        Assert.NotEmpty(configOnly);

        var nagios = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--format", "nagios");
        Assert.Equal(2, nagios.ExitCode);
        var lines = nagios.Stdout.TrimEnd('\n').Split('\n');
        var m = NagiosLine().Match(lines[0]);
        Assert.True(m.Success, lines[0]);
        Assert.Equal(findings.Count(f => f.GetProperty("severity").GetString() == "critical"), int.Parse(m.Groups["critical"].Value, System.Globalization.CultureInfo.InvariantCulture));
        var failingUpstreams = findings.Where(f => f.GetProperty("severity").GetString() == "critical" && f.GetProperty("upstream").ValueKind == JsonValueKind.String)
            .Select(f => f.GetProperty("upstream").GetString()).Distinct().Count();
        Assert.Equal(2, failingUpstreams);
        Assert.Equal(failingUpstreams.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups["failing"].Value);
        Assert.Equal(findings.Count, lines.Length - 1);
        Assert.Contains($"critical upstream-down: Nothing is listening on 127.0.0.1:{ScenarioLab.Str(dead)}", lines, StringComparer.Ordinal);

        var sarif = JsonDocument.Parse(NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--format", "sarif").Stdout).RootElement;
        Assert.Equal("2.1.0", sarif.GetProperty("version").GetString());
        var results = sarif.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(configOnly.Select(f => f.GetProperty("cause").GetString()).Order(), results.Select(x => x.GetProperty("ruleId").GetString()).Distinct().Order());
        Assert.DoesNotContain(results, x => x.GetProperty("ruleId").GetString() == "upstream-down");
        var where = results[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal(new Uri(lab.Nginx.ConfigFile).AbsoluteUri, where.GetProperty("artifactLocation").GetProperty("uri").GetString());
        var line = where.GetProperty("region").GetProperty("startLine").GetInt32();
        Assert.Contains("$api", File.ReadAllLines(lab.Nginx.ConfigFile)[line - 1], StringComparison.Ordinal);

        var junit = XDocument.Parse(NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.ConfigFile, "--format", "junit").Stdout);
        var cases = junit.Descendants("testcase").ToList();
        Assert.Equal(json.GetProperty("checks").GetArrayLength(), cases.Count);
        Assert.Equal(cases.Count, (int)junit.Root!.Attribute("tests")!);
        var failed = cases.Single(c => (string?)c.Attribute("classname") == "ngxdoctor." + down.GetProperty("check").GetString());
        Assert.Equal("upstream-down", (string?)failed.Element("failure")!.Attribute("type"));
        Assert.Contains("remedy  Start the backend", failed.Element("failure")!.Value, StringComparison.Ordinal);
        Assert.Equal(cases.Count(c => c.Element("failure") is not null), (int)junit.Root!.Attribute("failures")!);
        Assert.Equal(json.GetProperty("checks").EnumerateArray().Count(c => c.GetProperty("outcome").GetString() != "ran"), cases.Count(c => c.Element("skipped") is not null));

        var unknown = NgxDoctorCli.Run("diagnose", "--config", lab.Nginx.PathOf("conf/missing.conf"), "--format", "nagios");
        Assert.Equal(3, unknown.ExitCode);
        Assert.StartsWith("UNKNOWN - ", unknown.Stdout, StringComparison.Ordinal);
    }

    // Nagios plugin output: text, then performance data label=value[unit];warn;crit;min;max after the `|`.
    [GeneratedRegex(@"^CRITICAL - [^|]+ \| critical=(?<critical>\d+);;;0 warning=\d+;;;0 info=\d+;;;0 upstreams=\d+;;;0 upstreams_failing=(?<failing>\d+);;;0 instances=1;;;0 time=\d+\.\d{3}s;;;0$")]
    private static partial Regex NagiosLine();
}
