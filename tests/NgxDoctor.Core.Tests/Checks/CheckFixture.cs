using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Tests.Checks;

/// <summary>
/// Every check has one fixture class: facts that must trigger it, and facts that must not (a false
/// positive guard). <see cref="CheckFixtureTests"/> fails for a check without both.
/// </summary>
public interface ICheckFixture
{
    string CheckId { get; }

    /// <summary>The cause code the triggering findings carry.</summary>
    Diagnosis.Cause Cause { get; }

    IEnumerable<(string Name, DiagnosisFacts Facts)> MustTrigger();

    IEnumerable<(string Name, DiagnosisFacts Facts)> MustNotTrigger();
}
