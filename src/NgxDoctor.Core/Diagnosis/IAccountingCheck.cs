using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// A check that runs after every other one, over their ranked findings: it reports what they leave unaccounted
/// for. Run alone (<see cref="ICheck.Run"/>), it sees no other finding.
/// </summary>
public interface IAccountingCheck : ICheck
{
    CheckOutcome Run(DiagnosisFacts facts, IReadOnlyList<Finding> ranked);
}
