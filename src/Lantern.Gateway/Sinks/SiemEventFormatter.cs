using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Sinks;

/// <summary>
/// OCSF, CEF and JSONL forms of a <see cref="SiemEvent"/>. Records reuse <see cref="OcsfFormatter"/> and
/// <see cref="CefFormatter"/> (the same mapping as <c>lantern audit export</c>); checkpoints and drop notices, which
/// are not API activity, are OCSF Base Events (class 0) with their data under <c>unmapped.lantern</c>.
/// </summary>
internal static class SiemEventFormatter
{
    /// <summary>RFC 5424 §6.2.1 severities used by the gateway.</summary>
    internal const int SeverityError = 3;
    internal const int SeverityWarning = 4;
    internal const int SeverityNotice = 5;
    internal const int SeverityInformational = 6;

    /// <summary>
    /// Syslog severity: a refusal is a notice (policy working as meant, yet worth a look), an upstream failure a
    /// warning, lost audit events an error; everything else is informational.
    /// </summary>
    public static int SyslogSeverity(SiemEvent e) => e.Kind switch
    {
        SiemEventKind.Dropped => SeverityError,
        SiemEventKind.Checkpoint => SeverityInformational,
        _ => e.Record!.EndState switch
        {
            AuditEndState.Blocked => SeverityNotice,
            AuditEndState.UpstreamError => SeverityWarning,
            _ => SeverityInformational,
        },
    };

    /// <summary>RFC 5424 MSGID (≤ 32 printable ASCII, §6.2.7).</summary>
    public static string MessageId(SiemEvent e) => e.Kind switch
    {
        SiemEventKind.Record => "call",
        SiemEventKind.Checkpoint => "checkpoint",
        _ => "dropped",
    };

    /// <summary>The event as an OCSF object; records include <c>unmapped.lantern.record_hash</c>.</summary>
    public static JsonObject ToOcsf(SiemEvent e)
    {
        if (e.Kind == SiemEventKind.Record)
        {
            JsonObject o = OcsfFormatter.ToJson(e.Record!);
            if (o["unmapped"]?["lantern"] is JsonObject lantern)
            {
                lantern["record_hash"] = e.RecordHash;
            }
            return o;
        }
        var lanternData = new JsonObject();
        string message;
        int severityId;
        if (e.Kind == SiemEventKind.Checkpoint)
        {
            AuditCheckpoint c = e.Checkpoint!;
            message = $"audit log checkpoint: {c.TreeSize.ToString(CultureInfo.InvariantCulture)} records, signed";
            severityId = 1;
            lanternData["event"] = "checkpoint";
            lanternData["origin"] = c.Origin;
            lanternData["tree_size"] = c.TreeSize;
            lanternData["root_hash"] = Convert.ToBase64String(c.RootHash);
            lanternData["note"] = c.Text;
        }
        else
        {
            SiemDropNotice d = e.Drop!;
            message = $"{d.Count.ToString(CultureInfo.InvariantCulture)} audit events were not delivered to SIEM sink {d.Sink}: {d.Reason}";
            severityId = 4; // High: audit trail has a hole in the SIEM copy.
            lanternData["event"] = "dropped";
            lanternData["sink"] = d.Sink;
            lanternData["count"] = d.Count;
            lanternData["first_seq"] = d.FirstSeq;
            lanternData["last_seq"] = d.LastSeq;
            lanternData["from"] = d.From.ToUnixTimeMilliseconds();
            lanternData["to"] = d.To.ToUnixTimeMilliseconds();
            lanternData["reason"] = d.Reason;
        }
        return new JsonObject
        {
            ["category_uid"] = 0,
            ["category_name"] = "Uncategorized",
            ["class_uid"] = 0,
            ["class_name"] = "Base Event",
            ["activity_id"] = 99,
            ["activity_name"] = "Other",
            ["type_uid"] = 99,
            ["severity_id"] = severityId,
            ["time"] = e.Time.ToUnixTimeMilliseconds(),
            ["message"] = message,
            ["metadata"] = new JsonObject
            {
                ["version"] = OcsfFormatter.SchemaVersion,
                ["product"] = new JsonObject { ["name"] = "Lantern", ["vendor_name"] = "Lantern", ["version"] = AuditExporter.ProductVersion },
                ["log_name"] = "lantern-audit",
            },
            ["unmapped"] = new JsonObject { ["lantern"] = lanternData },
        };
    }

    public static string ToOcsfLine(SiemEvent e) => ToOcsf(e).ToJsonString(SiemJson.Options);

    /// <summary>One CEF:0 line (gateway.md §5).</summary>
    public static string ToCef(SiemEvent e, string host)
    {
        if (e.Kind == SiemEventKind.Record)
        {
            return CefFormatter.Format(e.Record!, host);
        }
        var sb = new StringBuilder(256);
        string time = e.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        if (e.Kind == SiemEventKind.Checkpoint)
        {
            AuditCheckpoint c = e.Checkpoint!;
            Header(sb, "gateway-checkpoint", "Audit log checkpoint", 1);
            sb.Append("rt=").Append(time)
                .Append(" dvchost=").Append(CefFormatter.EscapeExtension(host))
                .Append(" cs1Label=origin cs1=").Append(CefFormatter.EscapeExtension(c.Origin))
                .Append(" cs2Label=rootHash cs2=").Append(CefFormatter.EscapeExtension(Convert.ToBase64String(c.RootHash)))
                .Append(" cn1Label=treeSize cn1=").Append(c.TreeSize.ToString(CultureInfo.InvariantCulture))
                .Append(" msg=").Append(CefFormatter.EscapeExtension(c.Text));
        }
        else
        {
            SiemDropNotice d = e.Drop!;
            Header(sb, "gateway-siem-dropped", "Audit events not delivered to the SIEM", 8);
            sb.Append("rt=").Append(time)
                .Append(" dvchost=").Append(CefFormatter.EscapeExtension(host))
                .Append(" cnt=").Append(d.Count.ToString(CultureInfo.InvariantCulture))
                .Append(" cs1Label=sink cs1=").Append(CefFormatter.EscapeExtension(d.Sink))
                .Append(" reason=").Append(CefFormatter.EscapeExtension(d.Reason));
            if (d.FirstSeq is long first)
            {
                sb.Append(" flexNumber1Label=firstSeq flexNumber1=").Append(first.ToString(CultureInfo.InvariantCulture));
            }
            if (d.LastSeq is long last)
            {
                sb.Append(" flexNumber2Label=lastSeq flexNumber2=").Append(last.ToString(CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// JSONL: a record is its audit-log line byte for byte (so its hash checks against the chain); checkpoints and drop
    /// notices are objects with a <c>type</c> field, which records never have.
    /// </summary>
    public static string ToJsonl(SiemEvent e)
    {
        if (e.Kind == SiemEventKind.Record)
        {
            return Encoding.UTF8.GetString(e.Record!.ToCanonicalJson());
        }
        JsonObject o;
        if (e.Kind == SiemEventKind.Checkpoint)
        {
            AuditCheckpoint c = e.Checkpoint!;
            o = new JsonObject
            {
                ["type"] = "checkpoint",
                ["time"] = AuditRecord.FormatTime(e.Time),
                ["origin"] = c.Origin,
                ["treeSize"] = c.TreeSize,
                ["rootHash"] = Convert.ToBase64String(c.RootHash),
                ["note"] = c.Text,
            };
        }
        else
        {
            SiemDropNotice d = e.Drop!;
            o = new JsonObject
            {
                ["type"] = "dropped",
                ["time"] = AuditRecord.FormatTime(e.Time),
                ["sink"] = d.Sink,
                ["count"] = d.Count,
                ["firstSeq"] = d.FirstSeq,
                ["lastSeq"] = d.LastSeq,
                ["reason"] = d.Reason,
            };
        }
        return o.ToJsonString(SiemJson.Options);
    }

    private static void Header(StringBuilder sb, string classId, string name, int severity) =>
        sb.Append("CEF:0|Lantern|Lantern Gateway|")
            .Append(CefFormatter.EscapeHeader(AuditExporter.ProductVersion)).Append('|')
            .Append(classId).Append('|')
            .Append(name).Append('|')
            .Append(severity.ToString(CultureInfo.InvariantCulture)).Append('|');

    /// <summary>Serialises a node compactly; keeps callers off JsonSerializer overloads.</summary>
    public static byte[] ToUtf8(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, SiemJson.Options);
}
