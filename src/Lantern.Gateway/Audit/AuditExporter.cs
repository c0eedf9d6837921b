using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Lantern.Gateway.Audit;

/// <summary>Output formats of <c>lantern audit export</c>.</summary>
public enum AuditExportFormat
{
    /// <summary>The stored canonical lines, byte for byte (hashes still check).</summary>
    Jsonl,

    /// <summary>OCSF API Activity (6003) with the ai_operation profile, one JSON object per line.</summary>
    Ocsf,

    /// <summary>ArcSight CEF:0, one line per record.</summary>
    Cef,
}

/// <summary>Counts of an export.</summary>
public sealed record AuditExportResult(long RecordsWritten, long LinesSkipped);

/// <summary>Streams records of an audit directory to a SIEM format (docs/audit-log.md, "Export").</summary>
public static class AuditExporter
{
    /// <summary>
    /// Writes the records whose start time is in [<paramref name="since"/>, <paramref name="until"/>). Export does not
    /// verify (run the verifier for that); lines that are not records are skipped and counted.
    /// </summary>
    public static AuditExportResult Export(string directory, AuditExportFormat format, DateTimeOffset? since, DateTimeOffset? until, TextWriter output, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(output);
        string deviceHost = host ?? Environment.MachineName;
        long written = 0;
        long skipped = 0;
        foreach ((long _, string path) in AuditLogLayout.ListSegments(directory))
        {
            using var lines = new SegmentLineReader(path, AuditLogVerifier.DefaultMaxLineBytes);
            while (lines.ReadLine())
            {
                if (lines.Kind != LineKind.Complete || !Utf8.IsValid(lines.Line))
                {
                    skipped++;
                    continue;
                }
                AuditRecord record;
                try
                {
                    record = AuditRecord.Parse(lines.Line);
                }
                catch (InvalidDataException)
                {
                    skipped++;
                    continue;
                }
                if ((since is not null && record.StartTime < since) || (until is not null && record.StartTime >= until))
                {
                    continue;
                }
                output.Write(format switch
                {
                    AuditExportFormat.Jsonl => Encoding.UTF8.GetString(lines.Line),
                    AuditExportFormat.Ocsf => OcsfFormatter.Format(record),
                    AuditExportFormat.Cef => CefFormatter.Format(record, deviceHost),
                    _ => throw new ArgumentOutOfRangeException(nameof(format)),
                });
                output.Write('\n');
                written++;
            }
        }
        return new AuditExportResult(written, skipped);
    }

    internal static string ProductVersion { get; } =
        typeof(AuditExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Splits <c>address:port</c> / <c>[v6]:port</c>; null parts when it is not that shape.</summary>
    internal static (string? Ip, int? Port) SplitEndpoint(string? client)
    {
        if (client is null)
        {
            return (null, null);
        }
        if (IPEndPoint.TryParse(client, out IPEndPoint? endpoint))
        {
            return (endpoint.Address.ToString(), endpoint.Port == 0 ? null : endpoint.Port);
        }
        return (null, null);
    }
}

/// <summary>
/// An audit record as an OCSF 1.8 API Activity event (class 6003) with the <c>ai_operation</c> profile
/// (gateway.md §4). Prompt and output text are left out unless asked for (data minimisation, ARCHITECTURE.md).
/// </summary>
public static class OcsfFormatter
{
    /// <summary>OCSF schema version the events claim (the ai_operation profile first shipped in 1.8.0).</summary>
    public const string SchemaVersion = "1.8.0";

    public const int CategoryUid = 6;
    public const int ClassUid = 6003;

    public static string Format(AuditRecord record, bool includeText = false) =>
        Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(ToJson(record, includeText)));

    public static JsonObject ToJson(AuditRecord record, bool includeText = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        (int activityId, string activityName) = record.Route.Method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" => (2, "Read"),
            "PUT" or "PATCH" => (3, "Update"),
            "DELETE" => (4, "Delete"),
            "POST" => (1, "Create"),
            _ => (99, "Other"),
        };
        bool blocked = record.EndState == AuditEndState.Blocked;
        int severityId = record.EndState switch
        {
            AuditEndState.Blocked => 3,
            AuditEndState.UpstreamError => 2,
            _ => 1,
        };
        var profiles = new JsonArray("ai_operation", "security_control");
        var o = new JsonObject
        {
            ["category_uid"] = CategoryUid,
            ["category_name"] = "Application Activity",
            ["class_uid"] = ClassUid,
            ["class_name"] = "API Activity",
            ["activity_id"] = activityId,
            ["activity_name"] = activityName,
            ["type_uid"] = (ClassUid * 100) + activityId,
            ["severity_id"] = severityId,
            ["status_id"] = record.EndState == AuditEndState.Completed ? 1 : 2,
            ["status"] = record.EndState == AuditEndState.Completed ? "Success" : "Failure",
            ["time"] = record.StartTime.ToUnixTimeMilliseconds(),
            ["start_time"] = record.StartTime.ToUnixTimeMilliseconds(),
            ["end_time"] = record.EndTime.ToUnixTimeMilliseconds(),
            ["duration"] = (long)Math.Round(record.DurationMs),
            ["metadata"] = new JsonObject
            {
                ["version"] = SchemaVersion,
                ["product"] = new JsonObject { ["name"] = "Lantern", ["vendor_name"] = "Lantern", ["version"] = AuditExporter.ProductVersion },
                ["profiles"] = profiles,
                ["uid"] = record.Id,
                ["sequence"] = record.Seq,
                ["log_name"] = "lantern-audit",
            },
        };
        var user = new JsonObject();
        Put(user, "name", record.Caller.User);
        Put(user, "credential_uid", record.Caller.ApiKeyId);
        var actor = new JsonObject { ["user"] = user };
        if (record.Caller.Process is not null || record.Caller.Pid is not null)
        {
            var process = new JsonObject();
            Put(process, "name", record.Caller.Process);
            if (record.Caller.Pid is int pid)
            {
                process["pid"] = pid;
            }
            actor["process"] = process;
        }
        o["actor"] = actor;
        var response = new JsonObject { ["code"] = record.HttpStatus };
        if (record.EndState != AuditEndState.Completed)
        {
            response["error"] = AuditRecord.EndStateName(record.EndState);
        }
        Put(response, "message", record.RefusalReason);
        o["api"] = new JsonObject
        {
            ["operation"] = $"{record.Route.Method} {record.Route.Path}",
            ["request"] = new JsonObject { ["uid"] = record.Id },
            ["response"] = response,
        };
        (string? ip, int? port) = AuditExporter.SplitEndpoint(record.Caller.Client);
        var source = new JsonObject();
        if (ip is not null)
        {
            source["ip"] = ip;
            if (port is int p)
            {
                source["port"] = p;
            }
        }
        else
        {
            Put(source, "name", record.Caller.Client);
        }
        o["src_endpoint"] = source;
        o["http_request"] = new JsonObject
        {
            ["http_method"] = record.Route.Method,
            ["url"] = new JsonObject { ["path"] = record.Route.Path, ["url_string"] = record.Route.Path },
        };
        o["http_response"] = new JsonObject { ["code"] = record.HttpStatus };
        var model = new JsonObject { ["ai_provider"] = record.Upstream ?? "unknown", ["name"] = record.ModelName ?? "unknown" };
        Put(model, "uid", record.ModelDigest);
        o["ai_model"] = model;
        var context = new JsonObject();
        if (record.TokensIn is long tokensIn)
        {
            context["prompt_tokens"] = tokensIn;
        }
        if (record.TokensOut is long tokensOut)
        {
            context["completion_tokens"] = tokensOut;
        }
        if (record.TokensIn is not null || record.TokensOut is not null)
        {
            context["total_tokens"] = checked((record.TokensIn ?? 0) + (record.TokensOut ?? 0));
        }
        if (includeText)
        {
            Put(context, "prompt_text", record.PromptText);
            Put(context, "response_text", record.OutputText);
        }
        o["message_context"] = context;
        if (record.DataClass is not null)
        {
            profiles.Add("data_classification");
            (int confidentialityId, string confidentiality) = ConfidentialityOf(record.DataClass);
            var classification = new JsonObject
            {
                ["confidentiality_id"] = confidentialityId,
                ["confidentiality"] = confidentiality,
            };
            if (record.DetectorHits.Count > 0)
            {
                classification["classifier_details"] = new JsonObject
                {
                    ["name"] = "lantern-gateway",
                    ["type"] = string.Join(",", record.DetectorHits.Keys.Order(StringComparer.Ordinal)),
                };
            }
            o["data_classification"] = classification;
        }
        // security_control profile: every call passed the gateway's policy check or was refused by it.
        o["action_id"] = blocked ? 2 : 1;
        o["action"] = blocked ? "Denied" : "Allowed";
        o["disposition_id"] = blocked ? 2 : 1;
        o["disposition"] = blocked ? "Blocked" : "Allowed";
        var hits = new JsonObject();
        foreach (KeyValuePair<string, long> hit in record.DetectorHits)
        {
            hits[hit.Key] = hit.Value;
        }
        var lantern = new JsonObject
        {
            ["seq"] = record.Seq,
            ["prev"] = record.Prev,
            ["end_state"] = AuditRecord.EndStateName(record.EndState),
            ["detector_hits"] = hits,
        };
        Put(lantern, "use_case", record.UseCase);
        Put(lantern, "data_class", record.DataClass);
        Put(lantern, "output_sha256", record.OutputSha256);
        Put(lantern, "policy_version", record.PolicyVersion);
        Put(lantern, "upstream", record.Upstream);
        if (record.TimeToFirstTokenMs is double ttft)
        {
            lantern["time_to_first_token_ms"] = ttft;
        }
        lantern["duration_ms"] = record.DurationMs;
        o["unmapped"] = new JsonObject { ["lantern"] = lantern };
        return o;
    }

    /// <summary>Policy data classes (Public, Internal, Confidential, Restricted, …) onto OCSF confidentiality_id.</summary>
    private static (int Id, string Name) ConfidentialityOf(string dataClass) => dataClass.ToUpperInvariant() switch
    {
        "PUBLIC" => (1, "Not Confidential"),
        "CONFIDENTIAL" => (2, "Confidential"),
        "SECRET" => (3, "Secret"),
        "TOP SECRET" or "TOP-SECRET" or "TOPSECRET" => (4, "Top Secret"),
        "PRIVATE" or "PERSONAL" => (5, "Private"),
        "RESTRICTED" => (6, "Restricted"),
        _ => (99, dataClass),
    };

    private static void Put(JsonObject o, string name, string? value)
    {
        if (value is not null)
        {
            o[name] = value;
        }
    }
}

/// <summary>
/// An audit record as one ArcSight CEF:0 line (gateway.md §5): header fields escape <c>\</c> and <c>|</c>; extension
/// values escape <c>\</c>, <c>=</c>, LF and CR. Prompt and output text never go into CEF.
/// </summary>
public static class CefFormatter
{
    public static string Format(AuditRecord record, string host)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(host);
        string endState = AuditRecord.EndStateName(record.EndState);
        (string name, int severity) = record.EndState switch
        {
            AuditEndState.Blocked => ("AI call blocked by policy", 5),
            AuditEndState.UpstreamError => ("AI call failed upstream", 3),
            AuditEndState.ClientAborted => ("AI call aborted by client", 2),
            _ => ("AI call", 1),
        };
        var sb = new StringBuilder(512);
        sb.Append("CEF:0|")
            .Append(EscapeHeader("Lantern")).Append('|')
            .Append(EscapeHeader("Lantern Gateway")).Append('|')
            .Append(EscapeHeader(AuditExporter.ProductVersion)).Append('|')
            .Append(EscapeHeader("gateway-" + endState)).Append('|')
            .Append(EscapeHeader(name)).Append('|')
            .Append(severity.ToString(CultureInfo.InvariantCulture)).Append('|');
        var ext = new List<(string Key, string? Value)>
        {
            ("rt", record.EndTime.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("start", record.StartTime.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("end", record.EndTime.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            ("externalId", record.Id),
            ("dvchost", host),
            ("suser", record.Caller.User),
            ("sproc", record.Caller.Process),
            ("spid", record.Caller.Pid?.ToString(CultureInfo.InvariantCulture)),
            ("requestMethod", record.Route.Method),
            ("request", record.Route.Path),
            ("act", record.EndState == AuditEndState.Blocked ? "block" : "allow"),
            ("outcome", endState),
            ("reason", record.RefusalReason),
            ("cs1Label", "model"), ("cs1", record.ModelName),
            ("cs2Label", "modelDigest"), ("cs2", record.ModelDigest),
            ("cs3Label", "useCase"), ("cs3", record.UseCase),
            ("cs4Label", "dataClass"), ("cs4", record.DataClass),
            ("cs5Label", "detectorHits"),
            ("cs5", record.DetectorHits.Count == 0 ? null : string.Join(",", record.DetectorHits.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}:{h.Value}"))),
            ("cs6Label", "outputSha256"), ("cs6", record.OutputSha256),
            ("cn1Label", "tokensIn"), ("cn1", record.TokensIn?.ToString(CultureInfo.InvariantCulture)),
            ("cn2Label", "tokensOut"), ("cn2", record.TokensOut?.ToString(CultureInfo.InvariantCulture)),
            ("cn3Label", "durationMs"), ("cn3", ((long)Math.Round(record.DurationMs)).ToString(CultureInfo.InvariantCulture)),
            ("flexNumber1Label", "seq"), ("flexNumber1", record.Seq.ToString(CultureInfo.InvariantCulture)),
            ("flexString1Label", "policyVersion"), ("flexString1", record.PolicyVersion),
            ("flexString2Label", "upstream"), ("flexString2", record.Upstream),
        };
        (string? ip, int? port) = AuditExporter.SplitEndpoint(record.Caller.Client);
        ext.Add(("src", ip));
        ext.Add(("spt", port?.ToString(CultureInfo.InvariantCulture)));
        bool first = true;
        for (int i = 0; i < ext.Count; i++)
        {
            (string key, string? value) = ext[i];
            bool isLabel = key.EndsWith("Label", StringComparison.Ordinal);
            // A label without its value says nothing: skip both.
            if (value is null || (isLabel && i + 1 < ext.Count && ext[i + 1].Value is null))
            {
                continue;
            }
            if (!first)
            {
                sb.Append(' ');
            }
            first = false;
            sb.Append(key).Append('=').Append(EscapeExtension(value));
        }
        return sb.ToString();
    }

    /// <summary>CEF header field: <c>\</c> → <c>\\</c>, <c>|</c> → <c>\|</c>; line breaks cannot appear in a header, so they become spaces.</summary>
    public static string EscapeHeader(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '|' => "\\|",
                '\r' or '\n' => " ",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>CEF extension value: <c>\</c> → <c>\\</c>, <c>=</c> → <c>\=</c>, LF → <c>\n</c>, CR → <c>\r</c>; pipes stay.</summary>
    public static string EscapeExtension(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '=' => "\\=",
                '\n' => "\\n",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
