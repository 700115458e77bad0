using System.Text.Json;
using System.Text.Json.Serialization;
using NgxDoctor.Core.Diagnosis;
using NgxDoctor.Core.Vocabulary;

namespace NgxDoctor.Core.Facts;

/// <summary>Reads an incident without a cause (a client that closed, an unclassified line): null, or "" as facts files before format 2 had it.</summary>
public sealed class OptionalCauseConverter : JsonConverter<Cause?>
{
    public override bool HandleNull => true;

    public override Cause? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var code = reader.TokenType == JsonTokenType.Null ? "" : reader.GetString() ?? "";
        return code.Length == 0 ? null
            : Codes<Cause>.TryParse(code, out var cause) ? cause
            : throw new JsonException($"unknown cause \"{code}\"");
    }

    public override void Write(Utf8JsonWriter writer, Cause? value, JsonSerializerOptions options)
    {
        if (value is { } c)
        {
            writer.WriteStringValue(c.Code());
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
