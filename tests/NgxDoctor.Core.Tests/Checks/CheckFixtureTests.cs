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
        Assert.Contains(fixture.Cause, Cause.All);
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
            Assert.NotEmpty(c.Needs);
            Assert.All(c.Needs, n => Assert.NotNull(typeof(NgxDoctor.Core.Facts.DiagnosisFacts).GetProperty(n)));
        });
        Assert.Equal(CheckRegistry.All.Count, CheckRegistry.All.Select(c => c.Id).Distinct().Count());
    }
}
