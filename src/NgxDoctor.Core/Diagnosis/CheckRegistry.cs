namespace NgxDoctor.Core.Diagnosis;

/// <summary>Every check in this assembly, found by type: adding a check is adding its file.</summary>
public static class CheckRegistry
{
    public static IReadOnlyList<ICheck> All { get; } = TypeRegistry.InstancesOf<ICheck>();
}
