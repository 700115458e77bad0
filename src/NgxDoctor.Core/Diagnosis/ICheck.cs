using System.Text.Json.Serialization;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>A check: a pure function of facts that returns findings, or says why it could not run.</summary>
public interface ICheck
{
    string Id { get; }

    string Title { get; }

    /// <summary>Every cause its findings may carry (docs/checks.md names the same; a test holds both to it).</summary>
    IReadOnlyList<Cause> Causes { get; }

    /// <summary>
    /// The gathered facts it cannot run without: when the collectors say one of them was not gathered, the engine
    /// skips the check with their reason.
    /// </summary>
    IReadOnlyList<Fact> Needs { get; }

    CheckOutcome Run(DiagnosisFacts facts);
}

public enum CheckStatus
{
    [JsonStringEnumMemberName("ran")]
    Ran,

    [JsonStringEnumMemberName("skipped")]
    Skipped,

    [JsonStringEnumMemberName("crashed")]
    Crashed,
}

public sealed record CheckOutcome(CheckStatus Status, IReadOnlyList<Finding> Findings, string? Reason)
{
    /// <summary>The check's question has the answer "no", given by other checks' findings of these causes (nginx -t failing on a name: dns-failure).</summary>
    public IReadOnlyList<Cause> AnsweredBy { get; init; } = [];

    public static CheckOutcome Ran(IEnumerable<Finding> findings) => new(CheckStatus.Ran, findings.ToList(), null);

    public static CheckOutcome Skip(string reason) => new(CheckStatus.Skipped, [], reason);
}
