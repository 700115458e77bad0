using System.Diagnostics.CodeAnalysis;

namespace NgxDoctor.Core;

/// <summary>One instance of every concrete class in this assembly that implements T and is made without arguments, ordered by type name.</summary>
public static class TypeRegistry
{
    // The native binary keeps every type of this assembly (TrimmerRootAssembly in NgxDoctor.Cli.csproj), constructors included.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "NgxDoctor.Core is a trimmer root assembly.")]
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "NgxDoctor.Core is a trimmer root assembly.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "NgxDoctor.Core is a trimmer root assembly.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "NgxDoctor.Core is a trimmer root assembly.")]
    public static IReadOnlyList<T> InstancesOf<T>() where T : class => typeof(TypeRegistry).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(T).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (T)Activator.CreateInstance(t)!)
        .ToList();
}
