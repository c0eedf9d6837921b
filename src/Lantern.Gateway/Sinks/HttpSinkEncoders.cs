using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Sinks;

/// <summary>
/// Splunk HTTP Event Collector envelopes (gateway.md §7): <c>time</c> in epoch seconds with milliseconds, host, source,
/// sourcetype, index, the OCSF object as <c>event</c> and flat indexed <c>fields</c>; a batch is envelopes concatenated
/// (no JSON array).
/// </summary>
internal static class SplunkHecEncoder
{
    public static JsonObject Envelope(SiemEvent e, string host, string source, string sourceType, string? index)
    {
        var o = new JsonObject
        {
            // decimal keeps "1714000000.123" exact (a double would print binary noise); + 0.000m fixes the scale at 3.
            ["time"] = (e.Time.ToUnixTimeMilliseconds() / 1000m) + 0.000m,
            ["host"] = host,
            ["source"] = source,
            ["sourcetype"] = sourceType,
        };
        if (index is not null)
        {
            o["index"] = index;
        }
        o["event"] = SiemEventFormatter.ToOcsf(e);
        var fields = new JsonObject { ["lantern_event"] = SiemEventFormatter.MessageId(e) };
        if (e.Kind == SiemEventKind.Record)
        {
            AuditRecord r = e.Record!;
            fields["record_id"] = r.Id;
            fields["seq"] = r.Seq.ToString(CultureInfo.InvariantCulture);
            fields["record_hash"] = e.RecordHash;
            fields["end_state"] = AuditRecord.EndStateName(r.EndState);
            Put(fields, "model", r.ModelName);
            Put(fields, "model_digest", r.ModelDigest);
            Put(fields, "use_case", r.UseCase);
            Put(fields, "data_class", r.DataClass);
            Put(fields, "user", r.Caller.User);
        }
        else if (e.Kind == SiemEventKind.Checkpoint)
        {
            fields["tree_size"] = e.Checkpoint!.TreeSize.ToString(CultureInfo.InvariantCulture);
            fields["origin"] = e.Checkpoint.Origin;
        }
        else
        {
            fields["dropped"] = e.Drop!.Count.ToString(CultureInfo.InvariantCulture);
        }
        o["fields"] = fields;
        return o;
    }

    public static byte[] Batch(IReadOnlyList<SiemEvent> batch, string host, string source, string sourceType, string? index)
    {
        using var body = new MemoryStream();
        foreach (SiemEvent e in batch)
        {
            body.Write(SiemEventFormatter.ToUtf8(Envelope(e, host, source, sourceType, index)));
            body.WriteByte((byte)'\n');
        }
        return body.ToArray();
    }

    private static void Put(JsonObject o, string name, string? value)
    {
        if (value is not null)
        {
            o[name] = value;
        }
    }
}

/// <summary>
/// OTLP/HTTP JSON logs (opentelemetry-proto <c>logs/v1</c>, JSON mapping: 64-bit integers as decimal strings) with the
/// OpenTelemetry GenAI attribute names (gateway.md §3) and <c>lantern.*</c> for what GenAI has no name for.
/// </summary>
internal static class OtlpLogEncoder
{
    public static byte[] Batch(IReadOnlyList<SiemEvent> batch, string host, DateTimeOffset observed)
    {
        var records = new JsonArray();
        foreach (SiemEvent e in batch)
        {
            records.Add(LogRecord(e, observed));
        }
        var root = new JsonObject
        {
            ["resourceLogs"] = new JsonArray(new JsonObject
            {
                ["resource"] = new JsonObject
                {
                    ["attributes"] = new JsonArray(
                        Attribute("service.name", "lantern-gateway"),
                        Attribute("service.version", AuditExporter.ProductVersion),
                        Attribute("host.name", host)),
                },
                ["scopeLogs"] = new JsonArray(new JsonObject
                {
                    ["scope"] = new JsonObject { ["name"] = "lantern.gateway.audit", ["version"] = AuditExporter.ProductVersion },
                    ["logRecords"] = records,
                }),
            }),
        };
        return SiemEventFormatter.ToUtf8(root);
    }

    public static JsonObject LogRecord(SiemEvent e, DateTimeOffset observed)
    {
        int syslogSeverity = SiemEventFormatter.SyslogSeverity(e);
        // OTel log data model, "Mapping of SeverityNumber": syslog Informational→INFO (9), Notice→INFO2 (10),
        // Warning→WARN (13), Error→ERROR (17).
        (int number, string text) = syslogSeverity switch
        {
            SiemEventFormatter.SeverityError => (17, "ERROR"),
            SiemEventFormatter.SeverityWarning => (13, "WARN"),
            SiemEventFormatter.SeverityNotice => (10, "NOTICE"),
            _ => (9, "INFO"),
        };
        var attributes = new JsonArray();
        string body;
        string eventName;
        switch (e.Kind)
        {
            case SiemEventKind.Record:
                AuditRecord r = e.Record!;
                eventName = "lantern.gateway.call";
                string? operation = OperationName(r.Route.Path);
                body = $"{r.Route.Method} {r.Route.Path} {r.ModelName ?? "-"} {AuditRecord.EndStateName(r.EndState)} {r.HttpStatus.ToString(CultureInfo.InvariantCulture)}";
                Add(attributes, "gen_ai.operation.name", operation);
                Add(attributes, "gen_ai.provider.name", r.Upstream);
                Add(attributes, "gen_ai.request.model", r.ModelName);
                AddInt(attributes, "gen_ai.usage.input_tokens", r.TokensIn);
                AddInt(attributes, "gen_ai.usage.output_tokens", r.TokensOut);
                if (r.TimeToFirstTokenMs is double ttft)
                {
                    // gen_ai.response.time_to_first_chunk is in seconds.
                    attributes.Add(new JsonObject { ["key"] = "gen_ai.response.time_to_first_chunk", ["value"] = new JsonObject { ["doubleValue"] = ttft / 1000.0 } });
                }
                if (r.Call?.DoneReason is { } doneReason)
                {
                    // A string array in the GenAI conventions (one reason per choice); the record keeps the one the upstream gave.
                    attributes.Add(new JsonObject
                    {
                        ["key"] = "gen_ai.response.finish_reasons",
                        ["value"] = new JsonObject { ["arrayValue"] = new JsonObject { ["values"] = new JsonArray(new JsonObject { ["stringValue"] = doneReason }) } },
                    });
                }
                if (r.EndState != AuditEndState.Completed)
                {
                    Add(attributes, "error.type", AuditRecord.EndStateName(r.EndState));
                }
                Add(attributes, "http.request.method", r.Route.Method);
                Add(attributes, "url.path", r.Route.Path);
                AddInt(attributes, "http.response.status_code", r.HttpStatus);
                Add(attributes, "user.name", r.Caller.User);
                (string? ip, int? port) = AuditExporter.SplitEndpoint(r.Caller.Client);
                Add(attributes, "client.address", ip ?? r.Caller.Client);
                AddInt(attributes, "client.port", port);
                Add(attributes, "lantern.caller.process", r.Caller.Process);
                AddInt(attributes, "lantern.caller.pid", r.Caller.Pid);
                Add(attributes, "lantern.caller.api_key_id", r.Caller.ApiKeyId);
                Add(attributes, "lantern.record.id", r.Id);
                AddInt(attributes, "lantern.record.seq", r.Seq);
                Add(attributes, "lantern.record.hash", e.RecordHash);
                Add(attributes, "lantern.ai.model.digest", r.ModelDigest);
                Add(attributes, "lantern.use_case", r.UseCase);
                Add(attributes, "lantern.data_class", r.DataClass);
                Add(attributes, "lantern.end_state", AuditRecord.EndStateName(r.EndState));
                Add(attributes, "lantern.output.sha256", r.OutputSha256);
                Add(attributes, "lantern.policy.version", r.PolicyVersion);
                Add(attributes, "lantern.refusal_reason", r.RefusalReason);
                attributes.Add(new JsonObject { ["key"] = "lantern.duration_ms", ["value"] = new JsonObject { ["doubleValue"] = r.DurationMs } });
                foreach (KeyValuePair<string, long> hit in r.DetectorHits.OrderBy(h => h.Key, StringComparer.Ordinal))
                {
                    AddInt(attributes, "lantern.detector_hits." + hit.Key, hit.Value);
                }
                break;
            case SiemEventKind.Checkpoint:
                AuditCheckpoint c = e.Checkpoint!;
                eventName = "lantern.audit.checkpoint";
                body = c.Text;
                Add(attributes, "lantern.checkpoint.origin", c.Origin);
                AddInt(attributes, "lantern.checkpoint.tree_size", c.TreeSize);
                Add(attributes, "lantern.checkpoint.root_hash", Convert.ToBase64String(c.RootHash));
                break;
            default:
                SiemDropNotice d = e.Drop!;
                eventName = "lantern.siem.dropped";
                body = $"{d.Count.ToString(CultureInfo.InvariantCulture)} audit events were not delivered to SIEM sink {d.Sink}: {d.Reason}";
                Add(attributes, "lantern.sink", d.Sink);
                AddInt(attributes, "lantern.dropped.count", d.Count);
                AddInt(attributes, "lantern.dropped.first_seq", d.FirstSeq);
                AddInt(attributes, "lantern.dropped.last_seq", d.LastSeq);
                break;
        }
        return new JsonObject
        {
            ["timeUnixNano"] = UnixNanos(e.Time),
            ["observedTimeUnixNano"] = UnixNanos(observed),
            ["severityNumber"] = number,
            ["severityText"] = text,
            ["eventName"] = eventName,
            ["body"] = new JsonObject { ["stringValue"] = body },
            ["attributes"] = attributes,
        };
    }

    /// <summary>gen_ai.operation.name from the API route (Ollama native and OpenAI-compatible, gateway.md §1).</summary>
    internal static string? OperationName(string path)
    {
        string p = path.TrimEnd('/');
        return p switch
        {
            "/api/chat" or "/v1/chat/completions" or "/v1/messages" => "chat",
            "/api/generate" or "/v1/completions" or "/completion" or "/completions" => "text_completion",
            "/api/embed" or "/api/embeddings" or "/v1/embeddings" or "/embedding" or "/embeddings" => "embeddings",
            _ => null,
        };
    }

    internal static string UnixNanos(DateTimeOffset time) =>
        checked((time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100).ToString(CultureInfo.InvariantCulture);

    private static JsonObject Attribute(string key, string value) =>
        new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };

    private static void Add(JsonArray attributes, string key, string? value)
    {
        if (value is not null)
        {
            attributes.Add(Attribute(key, value));
        }
    }

    private static void AddInt(JsonArray attributes, string key, long? value)
    {
        if (value is long v)
        {
            attributes.Add(new JsonObject { ["key"] = key, ["value"] = new JsonObject { ["intValue"] = v.ToString(CultureInfo.InvariantCulture) } });
        }
    }
}

/// <summary>OCSF events for a collector: a JSON array, or one object per line.</summary>
internal static class OcsfBatchEncoder
{
    public static byte[] Batch(IReadOnlyList<SiemEvent> batch, bool array)
    {
        if (array)
        {
            var items = new JsonArray();
            foreach (SiemEvent e in batch)
            {
                items.Add(SiemEventFormatter.ToOcsf(e));
            }
            return SiemEventFormatter.ToUtf8(items);
        }
        var sb = new StringBuilder();
        foreach (SiemEvent e in batch)
        {
            sb.Append(SiemEventFormatter.ToOcsfLine(e)).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
