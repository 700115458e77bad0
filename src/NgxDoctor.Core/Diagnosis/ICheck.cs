using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>A check: a pure function of facts that returns findings, or says why it could not run.</summary>
public interface ICheck
{
    string Id { get; }

    string Title { get; }

    /// <summary>The facts it reads (names of <see cref="DiagnosisFacts"/> properties).</summary>
    IReadOnlyList<string> Needs { get; }

    CheckOutcome Run(DiagnosisFacts facts);
}

public enum CheckStatus
{
    Ran,
    Skipped,
    Crashed,
}

public sealed record CheckOutcome(CheckStatus Status, IReadOnlyList<Finding> Findings, string? Reason)
{
    public static CheckOutcome Ran(IEnumerable<Finding> findings) => new(CheckStatus.Ran, findings.ToList(), null);

    public static CheckOutcome Skip(string reason) => new(CheckStatus.Skipped, [], reason);
}
