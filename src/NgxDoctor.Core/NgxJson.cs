using System.Text.Json;
using System.Text.Json.Serialization;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core;

/// <summary>Source-generated JSON for everything ngxdoctor writes or reads back: reports, facts, inventories.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(OptionalCauseConverter)])]
[JsonSerializable(typeof(DiagnosisReport))]
[JsonSerializable(typeof(FleetReport))]
[JsonSerializable(typeof(UnknownReport))]
[JsonSerializable(typeof(CausePage))]
[JsonSerializable(typeof(DiagnosisFacts))]
[JsonSerializable(typeof(UpstreamInventory))]
[JsonSerializable(typeof(LogsReport))]
[JsonSerializable(typeof(NgxDoctor.Core.Analysis.RouteReport))]
public sealed partial class NgxJson : JsonSerializerContext
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, typeof(T), NgxJsonWriter.Default);

    public static T? Deserialize<T>(string json) => (T?)JsonSerializer.Deserialize(json, typeof(T), Default);
}
