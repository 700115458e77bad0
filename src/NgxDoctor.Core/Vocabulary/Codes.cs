using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Serialization;

namespace NgxDoctor.Core.Vocabulary;

/// <summary>The code of each value of a vocabulary enum: its JSON name, the one spelling used in output, docs and arguments.</summary>
public static class Codes<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T>
    where T : struct, Enum
{
    private static readonly Dictionary<T, string> ByValue = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
        .ToDictionary(f => (T)f.GetValue(null)!, f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);

    private static readonly Dictionary<string, T> ByCode = ByValue.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    /// <summary>Every value, in declaration order.</summary>
    public static IReadOnlyList<T> All { get; } = Enum.GetValues<T>();

    public static string Of(T value) => ByValue[value];

    public static bool TryParse(string? code, out T value) => ByCode.TryGetValue(code ?? "", out value);

    public static IReadOnlyList<string> AllCodes { get; } = All.Select(Of).ToList();
}
