namespace NgxDoctor.Core.Diagnosis;

/// <summary>Every check in this assembly, found by type: adding a check is adding its file.</summary>
public static class CheckRegistry
{
    public static IReadOnlyList<ICheck> All { get; } = typeof(CheckRegistry).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICheck).IsAssignableFrom(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (ICheck)Activator.CreateInstance(t)!)
        .ToList();
}
