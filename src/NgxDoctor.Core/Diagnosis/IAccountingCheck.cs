using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// A check that runs after every other one, over their ranked findings: it reports what they leave unaccounted
/// for. Run alone (<see cref="ICheck.Run"/>), it sees no other finding.
/// </summary>
public interface IAccountingCheck : ICheck
{
    /// <param name="unexplained">What the failure ledger left once the other checks' findings took theirs (computed once, by the engine).</param>
    CheckOutcome Run(DiagnosisFacts facts, IReadOnlyList<LogIncident> unexplained);
}
