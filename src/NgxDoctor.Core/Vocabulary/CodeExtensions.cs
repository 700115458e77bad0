using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;
using NgxDoctor.Core.Logs;

namespace NgxDoctor.Core.Vocabulary;

/// <summary>The code (JSON name) of each vocabulary value, for text output.</summary>
public static class CodeExtensions
{
    public static string Code(this Fact value) => Codes<Fact>.Of(value);

    public static string Code(this FailureKind value) => Codes<FailureKind>.Of(value);

    public static string Code(this Status value) => Codes<Status>.Of(value);

    public static string Code(this Severity value) => Codes<Severity>.Of(value);

    public static string Code(this Confidence value) => Codes<Confidence>.Of(value);

    public static string Code(this EvidenceKind value) => Codes<EvidenceKind>.Of(value);

    public static string Code(this CheckStatus value) => Codes<CheckStatus>.Of(value);
}
