using NgxDoctor.Core.Checks;

namespace NgxDoctor.Core.Diagnosis;

/// <summary>
/// Every check: the classes of this assembly found by type (adding a check is adding its file) and the rows of
/// <see cref="LogIncidentChecks"/>, in the order of their names.
/// </summary>
public static class CheckRegistry
{
    public static IReadOnlyList<ICheck> All { get; } = TypeRegistry.InstancesOf<ICheck>()
        .Select(c => (Name: c.GetType().Name, Check: c))
        .Concat(LogIncidentChecks.All.Select(c => (Name: c.Name + "Check", Check: (ICheck)c)))
        .OrderBy(x => x.Name, StringComparer.Ordinal)
        .Select(x => x.Check)
        .ToList();
}
