using System.Text.RegularExpressions;
using NgxDoctor.Config;
using NgxDoctor.Host;
using NgxDoctor.TestSupport;
using Xunit.Abstractions;

namespace NgxDoctor.Scenarios;

/// <summary>
/// Every configuration fixture of the repository, broken the ways people break it, judged by real `nginx -t` and by
/// ngxdoctor side by side: the two agree on accept or reject, and ngxdoctor's rejection is one line with the file:line
/// (nginx's own file:line and words where the fault is one of its directive table's).
/// </summary>
public sealed partial class ConfigMutationTests(ITestOutputHelper output) : IDisposable
{
    private const int PerKind = 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-mut-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private sealed record Judgement(bool Accepted, string? File, int Line, string Message);

    [SkippableFact]
    public async Task Every_mutant_of_every_fixture_is_judged_as_nginx_t_judges_it()
    {
        var nginx = NgxDoctor.Host.Nginx.NginxBinary.Locate() ?? throw new SkipException("nginx is not installed (./test.sh installs it)");
        var disagreements = new List<string>();
        var judged = 0;
        var rejected = 0;
        var fixtures = new List<string>();
        foreach (var name in ConfigFixtures.Names)
        {
            var main = ConfigFixtures.Copy(name, _dir);
            var baseline = await Nginx(nginx, main);
            if (!baseline.Accepted)
            {
                // A fixture that names hosts or parameters this nginx cannot load (multisite: a host name, "resolve").
                output.WriteLine($"fixture {name} not mutated: nginx -t refuses it as it is: {baseline.Message}");
                continue;
            }

            fixtures.Add(name);
            foreach (var file in ConfigLoader.LoadFile(main).FileOrder)
            {
                var text = await File.ReadAllTextAsync(file);
                foreach (var mutant in ConfigMutations.Of(text, PerKind))
                {
                    await File.WriteAllTextAsync(file, mutant.Text);
                    var theirs = await Nginx(nginx, main);
                    var ours = Ours(main);
                    judged++;
                    rejected += theirs.Accepted ? 0 : 1;
                    if (Disagree(theirs, ours) is { } why)
                    {
                        disagreements.Add($"{name}/{Path.GetFileName(file)} {mutant.Kind} at offset {mutant.Offset}: {why}\n  nginx: {theirs}\n  ours:  {ours}");
                    }
                }

                await File.WriteAllTextAsync(file, text);
            }
        }

        output.WriteLine($"{judged} mutants of {fixtures.Count} fixtures ({string.Join(", ", fixtures)}): nginx rejected {rejected}, disagreements {disagreements.Count}");
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.True(judged > 300 && rejected > 200, $"only {judged} mutants, {rejected} rejected");
        Assert.Contains("debian", fixtures);
    }

    [SkippableFact]
    public void A_rejection_is_one_line_with_nginx_words_and_exit_3()
    {
        var conf = Path.Combine(_dir, "nginx.conf");
        File.WriteAllText(conf, "events {}\nhttp {\n    server {\n        listen 127.0.0.1:8080\n        location / {\n            proxy_pass http://127.0.0.1:1;\n        }\n    }\n}\n");
        foreach (var command in new[] { "upstreams", "route", "diagnose" })
        {
            var run = NgxDoctorCli.Run(command == "route" ? [command, "--config", conf, "http://x/"] : [command, "--config", conf]);
            Assert.True(run.ExitCode == 3, run.ToString());
            var line = Assert.Single((run.Stderr + run.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"{conf}:5", line, StringComparison.Ordinal);
            Assert.Contains("directive \"listen\" is not terminated by \";\"", line, StringComparison.Ordinal);
        }
    }

    private static string? Disagree(Judgement theirs, Judgement ours)
    {
        if (theirs.Accepted != ours.Accepted)
        {
            return theirs.Accepted ? "ngxdoctor rejects what nginx accepts" : "ngxdoctor accepts what nginx rejects";
        }

        if (ours.Accepted)
        {
            return null;
        }

        if (ours.File is null || ours.Line <= 0 || ours.Message.Contains('\n', StringComparison.Ordinal))
        {
            return "the rejection is not one line with file:line";
        }

        // A fault of nginx's directive table: the same words at the same place.
        return GrammarWords().IsMatch(theirs.Message) && (theirs.Message != ours.Message || theirs.File != ours.File || theirs.Line != ours.Line)
            ? "a different place or words for a directive-table fault"
            : null;
    }

    private async Task<Judgement> Nginx(string nginx, string main)
    {
        var run = await CommandRunner.RunAsync(nginx, ["-t", "-q", "-c", main, "-e", "stderr"], TimeSpan.FromSeconds(20));
        if (run.ExitCode == 0)
        {
            return new Judgement(true, null, 0, "");
        }

        var m = NginxEmerg().Match(run.Output);
        return m.Success
            ? new Judgement(false, m.Groups[2].Value, int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[1].Value)
            : new Judgement(false, null, 0, run.Output.Trim());
    }

    private static Judgement Ours(string main)
    {
        try
        {
            ConfigLoader.LoadFile(main);
            return new Judgement(true, null, 0, "");
        }
        catch (ConfigParseException e)
        {
            return new Judgement(false, e.Pos.File, e.Pos.Line, e.Reason);
        }
    }

    [GeneratedRegex(@"\[emerg\] \d+#\d+: (.*) in (/\S+):(\d+)")]
    private static partial Regex NginxEmerg();

    [GeneratedRegex("is not terminated by|has no opening|invalid number of arguments|directive is not allowed here")]
    private static partial Regex GrammarWords();
}
