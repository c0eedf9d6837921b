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
[JsonSerializable(typeof(Acquisition))]
[JsonSerializable(typeof(HubAccess))]
[JsonSerializable(typeof(NetLogStatsReport))]
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

/// <summary>
/// Writes the same document as <see cref="NetLogJson"/>, but acquisition by acquisition as the analyzer closes
/// them (<see cref="NetLogAnalysisOptions.OnAcquisition"/>), so memory does not grow with the number of downloads.
/// Usage: construct, pass <see cref="WriteAcquisition"/> as the sink, then <see cref="Finish"/>.
/// </summary>
public sealed class NetLogJsonStreamWriter : IDisposable
{
    private readonly Utf8JsonWriter _writer;
    private readonly Stream _output;

    public NetLogJsonStreamWriter(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        _writer.WriteStartObject();
        _writer.WriteString("schemaVersion", NetLogReport.CurrentSchemaVersion);
        _writer.WriteStartArray("acquisitions");
    }

    public void WriteAcquisition(Acquisition acquisition)
    {
        JsonSerializer.Serialize(_writer, acquisition, NetLogJsonContext.Default.Acquisition);
        // Hand full buffers to the stream now and then; Utf8JsonWriter would otherwise hold the whole array.
        if (_writer.BytesPending > 64 * 1024)
        {
            _writer.Flush();
        }
    }

    /// <summary>Closes the acquisitions array and writes hub access and stats from the finished report.</summary>
    public void Finish(NetLogReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _writer.WriteEndArray();
        _writer.WritePropertyName("hubAccess");
        _writer.WriteStartArray();
        foreach (HubAccess access in report.HubAccess)
        {
            JsonSerializer.Serialize(_writer, access, NetLogJsonContext.Default.HubAccess);
        }
        _writer.WriteEndArray();
        _writer.WritePropertyName("stats");
        JsonSerializer.Serialize(_writer, report.Stats, NetLogJsonContext.Default.NetLogStatsReport);
        _writer.WriteEndObject();
        _writer.Flush();
        _output.WriteByte((byte)'\n');
    }

    public void Dispose() => _writer.Dispose();
}
