using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Sinks;

internal enum SiemEventKind
{
    Record,
    Checkpoint,
    Dropped,
}

/// <summary>Events a sink lost for good (spill full, or rejected by the receiver); itself forwarded once the sink recovers.</summary>
internal sealed record SiemDropNotice(string Sink, long Count, long? FirstSeq, long? LastSeq, DateTimeOffset From, DateTimeOffset To, string Reason);

/// <summary>
/// One unit a sink forwards: an audit record, a signed checkpoint (the external witness against truncation,
/// docs/audit-log.md) or a drop notice. Serialises to one spill line and back.
/// </summary>
internal sealed class SiemEvent
{
    /// <summary>Bound on one spill line when read back: a record is bounded by the audit log's line limit, plus the wrapper.</summary>
    internal const int MaxSpillLineBytes = AuditLogVerifier.DefaultMaxLineBytes + 4096;

    private string? _recordHash;

    private SiemEvent(SiemEventKind kind, DateTimeOffset time)
    {
        Kind = kind;
        Time = time;
    }

    public SiemEventKind Kind { get; }

    /// <summary>When it happened: the call's start, or when the checkpoint / drop notice was raised.</summary>
    public DateTimeOffset Time { get; }
    public AuditRecord? Record { get; private init; }
    public AuditCheckpoint? Checkpoint { get; private init; }
    public SiemDropNotice? Drop { get; private init; }

    /// <summary>Hex SHA-256 of the record's canonical line, so a SIEM can rebuild the Merkle tree the checkpoints sign.</summary>
    public string? RecordHash => Record is null ? null : _recordHash ??= Record.ComputeHash();

    public static SiemEvent ForRecord(AuditRecord record) => new(SiemEventKind.Record, record.StartTime) { Record = record };

    public static SiemEvent ForCheckpoint(AuditCheckpoint checkpoint, DateTimeOffset time) =>
        new(SiemEventKind.Checkpoint, time) { Checkpoint = checkpoint };

    public static SiemEvent ForDrop(SiemDropNotice drop) => new(SiemEventKind.Dropped, drop.To) { Drop = drop };

    /// <summary>Sequence number to show for de-duplication: the record's seq, a checkpoint's tree size.</summary>
    public long? Seq => Kind switch
    {
        SiemEventKind.Record => Record!.Seq,
        SiemEventKind.Checkpoint => Checkpoint!.TreeSize,
        _ => null,
    };

    /// <summary>One spill line (UTF-8 JSON, no newline).</summary>
    public byte[] ToSpillLine()
    {
        var o = new JsonObject { ["time"] = AuditRecord.FormatTime(Time) };
        switch (Kind)
        {
            case SiemEventKind.Record:
                o["kind"] = "record";
                o["record"] = JsonNode.Parse(Record!.ToCanonicalJson());
                break;
            case SiemEventKind.Checkpoint:
                o["kind"] = "checkpoint";
                o["note"] = Checkpoint!.Text;
                break;
            default:
                SiemDropNotice d = Drop!;
                o["kind"] = "dropped";
                o["sink"] = d.Sink;
                o["count"] = d.Count;
                o["firstSeq"] = d.FirstSeq;
                o["lastSeq"] = d.LastSeq;
                o["from"] = AuditRecord.FormatTime(d.From);
                o["to"] = AuditRecord.FormatTime(d.To);
                o["reason"] = d.Reason;
                break;
        }
        return JsonSerializer.SerializeToUtf8Bytes(o, SiemJson.Options);
    }

    /// <summary>Reads a spill line back; null when it is not one (a torn or altered line), which the caller counts as a drop.</summary>
    public static SiemEvent? FromSpillLine(ReadOnlySpan<byte> line)
    {
        try
        {
            if (JsonNode.Parse(line, documentOptions: new JsonDocumentOptions { MaxDepth = JsonCanonicalizer.MaxDepth }) is not JsonObject o)
            {
                return null;
            }
            DateTimeOffset time = ParseTime(o["time"]!.GetValue<string>());
            switch (o["kind"]?.GetValue<string>())
            {
                case "record":
                    return ForRecord(AuditRecord.Parse(Encoding.UTF8.GetBytes(o["record"]!.ToJsonString())));
                case "checkpoint":
                    CheckpointOpenResult opened = AuditCheckpoint.ParseUnverified(o["note"]!.GetValue<string>());
                    return opened.Checkpoint is null ? null : ForCheckpoint(opened.Checkpoint, time);
                case "dropped":
                    return ForDrop(new SiemDropNotice(
                        o["sink"]!.GetValue<string>(),
                        o["count"]!.GetValue<long>(),
                        o["firstSeq"]?.GetValue<long>(),
                        o["lastSeq"]?.GetValue<long>(),
                        ParseTime(o["from"]!.GetValue<string>()),
                        ParseTime(o["to"]!.GetValue<string>()),
                        o["reason"]?.GetValue<string>() ?? ""));
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            return null;
        }
    }

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}

internal static class SiemJson
{
    /// <summary>Compact output, and non-ASCII left as is (receivers read UTF-8; escaping every accent bloats datagrams).</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
