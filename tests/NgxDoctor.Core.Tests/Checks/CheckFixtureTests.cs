using NgxDoctor.Core.Vocabulary;
using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Tests.Checks;

public class CheckFixtureTests
{
    private static readonly IReadOnlyList<ICheckFixture> Fixtures = typeof(CheckFixtureTests).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICheckFixture).IsAssignableFrom(t))
        .Select(t => (ICheckFixture)Activator.CreateInstance(t)!)
        .ToList();

    public static TheoryData<string> CheckIds() => new(CheckRegistry.All.Select(c => c.Id));

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void Every_check_has_fixtures_that_must_and_must_not_trigger_it(string id)
    {
        var fixture = Assert.Single(Fixtures, f => f.CheckId == id);
        Assert.NotEmpty(fixture.MustTrigger());
        Assert.NotEmpty(fixture.MustNotTrigger());
        Assert.Contains(fixture.Cause, Codes<Cause>.All);
        Assert.Contains(fixture.Cause, CheckRegistry.All.Single(c => c.Id == id).Causes);
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void Triggering_fixtures_give_findings_with_the_cause_and_evidence(string id)
    {
        var check = CheckRegistry.All.Single(c => c.Id == id);
        var fixture = Fixtures.Single(f => f.CheckId == id);
        foreach (var (name, facts) in fixture.MustTrigger())
        {
            var outcome = check.Run(facts);
            Assert.True(outcome.Status == CheckStatus.Ran, $"{name}: {outcome.Status} {outcome.Reason}");
            Assert.True(outcome.Findings.Count > 0, $"{name}: no finding");
            foreach (var f in outcome.Findings)
            {
                Assert.Equal(fixture.Cause, f.Cause);
                Assert.Contains(f.Cause, check.Causes);
                Assert.NotEmpty(f.Evidence);
                Assert.All(f.Evidence, e => Assert.False(string.IsNullOrWhiteSpace(e.Source) || string.IsNullOrWhiteSpace(e.Text), $"{name}: empty evidence"));
                Assert.False(string.IsNullOrWhiteSpace(f.Remedy.Summary), $"{name}: no remedy");
            }
        }
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void Guard_fixtures_run_and_find_nothing(string id)
    {
        var check = CheckRegistry.All.Single(c => c.Id == id);
        var fixture = Fixtures.Single(f => f.CheckId == id);
        foreach (var (name, facts) in fixture.MustNotTrigger())
        {
            var outcome = check.Run(facts);
            Assert.True(outcome.Status == CheckStatus.Ran, $"{name}: {outcome.Status} {outcome.Reason}");
            Assert.True(outcome.Findings.Count == 0, $"{name}: unexpected {string.Join("; ", outcome.Findings.Select(f => f.Title))}");
        }
    }

    /// <summary>A fact a check needs that the collectors could not gather skips it, with their reason, through the engine.</summary>
    [Theory]
    [MemberData(nameof(CheckIds))]
    public void A_needed_fact_that_was_not_gathered_skips_the_check_with_the_collectors_reason(string id)
    {
        var check = CheckRegistry.All.Single(c => c.Id == id);
        var (_, facts) = Fixtures.Single(f => f.CheckId == id).MustTrigger().First();
        foreach (var need in check.Needs)
        {
            var without = Without(facts, need) with { NotCollected = [new NgxDoctor.Core.Facts.NotCollected(need, "collector's reason")] };
            var run = DiagnosisEngine.Diagnose(without, [check]).Checks.Single();
            Assert.True(run.Outcome == CheckStatus.Skipped && run.Reason == "collector's reason", $"{id} without {need}: {run}");
        }
    }

    private static NgxDoctor.Core.Facts.DiagnosisFacts Without(NgxDoctor.Core.Facts.DiagnosisFacts f, NgxDoctor.Core.Facts.Fact fact) => fact switch
    {
        NgxDoctor.Core.Facts.Fact.Probes => f with { Probes = null },
        NgxDoctor.Core.Facts.Fact.WorkerProbes => f with { WorkerProbes = null },
        NgxDoctor.Core.Facts.Fact.Worker => f with { Worker = null },
        NgxDoctor.Core.Facts.Fact.Listeners => f with { Listeners = null },
        NgxDoctor.Core.Facts.Fact.Dns => f with { Dns = null },
        NgxDoctor.Core.Facts.Fact.HttpProbes => f with { HttpProbes = null },
        NgxDoctor.Core.Facts.Fact.FastCgiProbes => f with { FastCgiProbes = null },
        NgxDoctor.Core.Facts.Fact.ConfigTest => f with { ConfigTest = null },
        NgxDoctor.Core.Facts.Fact.KernelLog => f with { OomKills = null, KernelCrashes = null, MacDenials = null },
        _ => throw new InvalidOperationException($"no way to take {fact} away: add it here"),
    };

    [Fact]
    public void Every_fixture_belongs_to_a_check()
    {
        Assert.All(Fixtures, f => Assert.Contains(CheckRegistry.All, c => c.Id == f.CheckId));
    }

    [Fact]
    public void Every_check_describes_itself()
    {
        Assert.All(CheckRegistry.All, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
        });
        Assert.Equal(CheckRegistry.All.Count, CheckRegistry.All.Select(c => c.Id).Distinct().Count());
    }
}
