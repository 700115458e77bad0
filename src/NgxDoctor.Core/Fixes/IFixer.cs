using NgxDoctor.Config;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Fixes;

/// <summary>A fixer: for findings of its cause, the edits and commands that repair them, planned from their evidence only.</summary>
public interface IFixer
{
    Diagnosis.Cause Cause { get; }

    FixAction Plan(Finding finding, DiagnosisFacts facts, NginxConfig config);
}
