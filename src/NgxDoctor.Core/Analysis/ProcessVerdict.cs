using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core.Analysis;

/// <summary>
/// A yes/no question about a process's command line, answered once per process: one process owns many listeners
/// (a python serving 2,000 ports), and each listener asks.
/// </summary>
public sealed class ProcessVerdict(Func<ProcessInfo, bool> question)
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProcessInfo, object> _answers = [];

    public bool Of(ProcessInfo process) => (bool)_answers.GetValue(process, p => question(p));
}
