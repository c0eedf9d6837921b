using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lantern.NetLog.Analysis;

/// <summary>Source-generated JSON for <see cref="NetLogReport"/>: camelCase, enums as their kebab-case names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NetLogReport))]
internal sealed partial class NetLogJsonContext : JsonSerializerContext;

/// <summary>Writes a <see cref="NetLogReport"/> as the documented JSON (docs/schema/netlog.schema.json).</summary>
public static class NetLogJson
{
    public static string ToJson(NetLogReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(report, NetLogJsonContext.Default.NetLogReport);
    }

    /// <summary>Writes the report as UTF-8 JSON followed by a newline.</summary>
    public static void Write(NetLogReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, report, NetLogJsonContext.Default.NetLogReport);
        }
        output.WriteByte((byte)'\n');
    }
}
