using System.Text.Json;
using System.Text.Json.Serialization;
using NgxDoctor.Config.Upstreams;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Facts;

namespace NgxDoctor.Core;

/// <summary>
/// The same documents as <see cref="NgxJson"/>, written by serialization-only generated code: no per-property
/// metadata is built at run time, which is most of what a short run spends compiling (reading back uses NgxJson).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(DiagnosisReport))]
[JsonSerializable(typeof(UnknownReport))]
[JsonSerializable(typeof(FleetReport))]
[JsonSerializable(typeof(CausePage))]
[JsonSerializable(typeof(DiagnosisFacts))]
[JsonSerializable(typeof(UpstreamInventory))]
[JsonSerializable(typeof(LogsReport))]
[JsonSerializable(typeof(NgxDoctor.Core.Analysis.RouteReport))]
public sealed partial class NgxJsonWriter : JsonSerializerContext;
