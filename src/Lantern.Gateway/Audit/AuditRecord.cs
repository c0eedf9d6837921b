using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lantern.Gateway.Audit;

/// <summary>How a gateway call ended (issue 7, "Audit record").</summary>
public enum AuditEndState
{
    Completed,
    ClientAborted,
    UpstreamError,
    Blocked,
}

/// <summary>Who made the call: API key, or the OS user and process owning the loopback socket, or just the address.</summary>
public sealed record AuditCaller
{
    public string? User { get; init; }
    public string? Process { get; init; }
    public int? Pid { get; init; }

    /// <summary>Client socket as <c>address:port</c> (IPv6 as <c>[address]:port</c>).</summary>
    public string? Client { get; init; }

    /// <summary>Id of the API key used (never the key or its hash).</summary>
    public string? ApiKeyId { get; init; }
}

/// <summary>The HTTP route called.</summary>
public sealed record AuditRoute(string Method, string Path);

/// <summary>
/// One gateway call, as a line of the tamper-evident audit log (docs/audit-log.md). <see cref="Seq"/> and
/// <see cref="Prev"/> are assigned by <see cref="AuditLogWriter"/>; whatever the caller puts there is overwritten.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>Record format version written as <c>v</c>; bumped when a field changes meaning.</summary>
    public const int FormatVersion = 1;

    /// <summary>The <see cref="Prev"/> of the first record: 64 zeros.</summary>
    public const string GenesisPrev = "0000000000000000000000000000000000000000000000000000000000000000";

    public required string Id { get; init; }
    public long Seq { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public required DateTimeOffset EndTime { get; init; }
    public AuditCaller Caller { get; init; } = new();
    public required AuditRoute Route { get; init; }

    /// <summary>Upstream the call went to (a name such as <c>ollama</c> or its base URL).</summary>
    public string? Upstream { get; init; }
    public string? ModelName { get; init; }

    /// <summary>Resolved weights digest, e.g. <c>sha256:…</c>; null when it could not be resolved.</summary>
    public string? ModelDigest { get; init; }
    public string? UseCase { get; init; }
    public string? DataClass { get; init; }

    /// <summary>Detector type → number of hits. Never the matched values.</summary>
    public IReadOnlyDictionary<string, long> DetectorHits { get; init; } = new Dictionary<string, long>();
    public long? TokensIn { get; init; }
    public long? TokensOut { get; init; }
    public double? TimeToFirstTokenMs { get; init; }
    public double DurationMs { get; init; }
    public required AuditEndState EndState { get; init; }
    public int HttpStatus { get; init; }

    /// <summary>Lower-case hex SHA-256 of the output text the client received.</summary>
    public string? OutputSha256 { get; init; }

    /// <summary>Prompt text, only at capture levels <c>redacted</c> (masked) and <c>full</c>.</summary>
    public string? PromptText { get; init; }

    /// <summary>Output text, only at capture levels <c>redacted</c> (masked) and <c>full</c>.</summary>
    public string? OutputText { get; init; }
    public string? RefusalReason { get; init; }
    public string? PolicyVersion { get; init; }

    /// <summary>The gateway's further facts about the call, written as the <c>call</c> object; null omits it.</summary>
    public AuditCallDetails? Call { get; init; }

    /// <summary>Lower-case hex SHA-256 of the previous record's canonical bytes (<see cref="GenesisPrev"/> for seq 1).</summary>
    public string Prev { get; init; } = GenesisPrev;

    /// <summary>A fresh time-ordered record id (UUID version 7, RFC 9562).</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("D");

    /// <summary>The record's RFC 8785 canonical UTF-8 bytes (one log line, without the newline).</summary>
    public byte[] ToCanonicalJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        WriteCanonicalJson(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the record's RFC 8785 canonical bytes to <paramref name="output"/> (same bytes as <see cref="ToCanonicalJson"/>).</summary>
    public void WriteCanonicalJson(System.Buffers.IBufferWriter<byte> output) => AuditRecordCanonicalWriter.Write(this, output);

    /// <summary>Hex SHA-256 of <see cref="ToCanonicalJson"/>: the value the next record's <see cref="Prev"/> carries.</summary>
    public string ComputeHash() => Convert.ToHexStringLower(SHA256.HashData(ToCanonicalJson()));

    /// <summary>The record as a JSON object with the field names of docs/audit-log.md; absent values are omitted.</summary>
    public JsonObject ToJsonObject()
    {
        var o = new JsonObject
        {
            ["v"] = FormatVersion,
            ["id"] = Id,
            ["seq"] = Seq,
            ["startTime"] = FormatTime(StartTime),
            ["endTime"] = FormatTime(EndTime),
            ["route"] = new JsonObject { ["method"] = Route.Method, ["path"] = Route.Path },
            ["durationMs"] = CheckFinite(DurationMs, nameof(DurationMs)),
            ["endState"] = EndStateName(EndState),
            ["httpStatus"] = HttpStatus,
            ["prev"] = Prev,
        };
        var caller = new JsonObject();
        AddIfPresent(caller, "user", Caller.User);
        AddIfPresent(caller, "process", Caller.Process);
        if (Caller.Pid is int pid)
        {
            caller["pid"] = pid;
        }
        AddIfPresent(caller, "client", Caller.Client);
        AddIfPresent(caller, "apiKeyId", Caller.ApiKeyId);
        o["caller"] = caller;
        var hits = new JsonObject();
        foreach (KeyValuePair<string, long> hit in DetectorHits)
        {
            hits[hit.Key] = hit.Value;
        }
        o["detectorHits"] = hits;
        AddIfPresent(o, "upstream", Upstream);
        AddIfPresent(o, "modelName", ModelName);
        AddIfPresent(o, "modelDigest", ModelDigest);
        AddIfPresent(o, "useCase", UseCase);
        AddIfPresent(o, "dataClass", DataClass);
        if (TokensIn is long tokensIn)
        {
            o["tokensIn"] = tokensIn;
        }
        if (TokensOut is long tokensOut)
        {
            o["tokensOut"] = tokensOut;
        }
        if (TimeToFirstTokenMs is double ttft)
        {
            o["timeToFirstTokenMs"] = CheckFinite(ttft, nameof(TimeToFirstTokenMs));
        }
        AddIfPresent(o, "outputSha256", OutputSha256);
        AddIfPresent(o, "promptText", PromptText);
        AddIfPresent(o, "outputText", OutputText);
        AddIfPresent(o, "refusalReason", RefusalReason);
        AddIfPresent(o, "policyVersion", PolicyVersion);
        if (Call is not null)
        {
            o["call"] = Call.ToJsonObject();
        }
        return o;
    }

    /// <summary>Parses one log line.</summary>
    /// <exception cref="InvalidDataException">Not JSON, or a field is missing or of the wrong type.</exception>
    public static AuditRecord Parse(ReadOnlySpan<byte> utf8Line)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8Line, documentOptions: new JsonDocumentOptions { MaxDepth = JsonCanonicalizer.MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("audit line is not JSON: " + ex.Message, ex);
        }
        if (node is not JsonObject o)
        {
            throw new InvalidDataException("audit line is not a JSON object");
        }
        try
        {
            return FromJsonObject(o);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or JsonException or OverflowException)
        {
            throw new InvalidDataException("audit line has a field of the wrong type: " + ex.Message, ex);
        }
    }

    private static AuditRecord FromJsonObject(JsonObject o)
    {
        if (o["v"]?.GetValue<int>() is not FormatVersion)
        {
            throw new InvalidDataException($"audit record format version is not {FormatVersion}");
        }
        JsonObject route = o["route"] as JsonObject ?? throw new InvalidDataException("audit record has no route");
        JsonObject? caller = o["caller"] as JsonObject;
        var hits = new Dictionary<string, long>(StringComparer.Ordinal);
        if (o["detectorHits"] is JsonObject hitsNode)
        {
            foreach (KeyValuePair<string, JsonNode?> hit in hitsNode)
            {
                hits[hit.Key] = hit.Value?.GetValue<long>() ?? 0;
            }
        }
        return new AuditRecord
        {
            Id = RequiredString(o, "id"),
            Seq = o["seq"]?.GetValue<long>() ?? throw new InvalidDataException("audit record has no seq"),
            StartTime = ParseTime(RequiredString(o, "startTime")),
            EndTime = ParseTime(RequiredString(o, "endTime")),
            Caller = new AuditCaller
            {
                User = caller?["user"]?.GetValue<string>(),
                Process = caller?["process"]?.GetValue<string>(),
                Pid = caller?["pid"]?.GetValue<int>(),
                Client = caller?["client"]?.GetValue<string>(),
                ApiKeyId = caller?["apiKeyId"]?.GetValue<string>(),
            },
            Route = new AuditRoute(RequiredString(route, "method"), RequiredString(route, "path")),
            Upstream = o["upstream"]?.GetValue<string>(),
            ModelName = o["modelName"]?.GetValue<string>(),
            ModelDigest = o["modelDigest"]?.GetValue<string>(),
            UseCase = o["useCase"]?.GetValue<string>(),
            DataClass = o["dataClass"]?.GetValue<string>(),
            DetectorHits = hits,
            TokensIn = o["tokensIn"]?.GetValue<long>(),
            TokensOut = o["tokensOut"]?.GetValue<long>(),
            TimeToFirstTokenMs = o["timeToFirstTokenMs"]?.GetValue<double>(),
            DurationMs = o["durationMs"]?.GetValue<double>() ?? 0,
            EndState = ParseEndState(RequiredString(o, "endState")),
            HttpStatus = o["httpStatus"]?.GetValue<int>() ?? 0,
            OutputSha256 = o["outputSha256"]?.GetValue<string>(),
            PromptText = o["promptText"]?.GetValue<string>(),
            OutputText = o["outputText"]?.GetValue<string>(),
            RefusalReason = o["refusalReason"]?.GetValue<string>(),
            PolicyVersion = o["policyVersion"]?.GetValue<string>(),
            Call = o["call"] is JsonObject call ? AuditCallDetails.FromJsonObject(call) : null,
            Prev = RequiredString(o, "prev"),
        };
    }

    /// <summary>The wire name of an end state: <c>completed</c>, <c>client-aborted</c>, <c>upstream-error</c>, <c>blocked</c>.</summary>
    public static string EndStateName(AuditEndState state) => state switch
    {
        AuditEndState.Completed => "completed",
        AuditEndState.ClientAborted => "client-aborted",
        AuditEndState.UpstreamError => "upstream-error",
        AuditEndState.Blocked => "blocked",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static AuditEndState ParseEndState(string name) => name switch
    {
        "completed" => AuditEndState.Completed,
        "client-aborted" => AuditEndState.ClientAborted,
        "upstream-error" => AuditEndState.UpstreamError,
        "blocked" => AuditEndState.Blocked,
        _ => throw new InvalidDataException($"unknown endState '{name}'"),
    };

    /// <summary>UTC, 100 ns precision, fixed width: round-trips exactly and sorts as text.</summary>
    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string RequiredString(JsonObject o, string name) =>
        o[name]?.GetValue<string>() ?? throw new InvalidDataException($"audit record has no '{name}'");

    private static double CheckFinite(double value, string name) =>
        double.IsFinite(value) ? value : throw new ArgumentException($"{name} must be finite", name);

    private static void AddIfPresent(JsonObject o, string name, string? value)
    {
        if (value is not null)
        {
            o[name] = value;
        }
    }
}

/// <summary>
/// What the gateway knows about a call beyond the core record fields (docs/audit-log.md, <c>call</c>): how the route
/// was classified, how the model was identified, streaming and capture facts, and why a call failed. Flags are written
/// only when true and absent values are omitted, like the rest of the record.
/// </summary>
public sealed record AuditCallDetails
{
    /// <summary>Gateway-process call number (resets on restart; the log's <c>seq</c> is the durable order).</summary>
    public long? CallSeq { get; init; }

    /// <summary>Wire API family (<c>ollama</c>, <c>openai</c>, <c>anthropic</c>, <c>llama-server</c>…).</summary>
    public string? Api { get; init; }

    /// <summary><c>inference</c>, <c>management</c>, <c>cloud-account</c>, <c>info</c> or <c>other</c>.</summary>
    public string? RouteClass { get; init; }
    public string? Operation { get; init; }
    public string? UpstreamKind { get; init; }
    public string? ResolvedModelName { get; init; }
    public string? ManifestDigest { get; init; }

    /// <summary>Where the digest came from, or why it is missing.</summary>
    public string? DigestSource { get; init; }
    public bool CloudModel { get; init; }
    public bool ClassificationTruncated { get; init; }
    public bool PromptOverride { get; init; }
    public bool Streamed { get; init; }
    public bool UsageInjected { get; init; }
    public double? GatewayOverheadMs { get; init; }
    public string? DoneReason { get; init; }
    public long? ResponseBytes { get; init; }
    public string? RefusalMessage { get; init; }
    public string? UpstreamError { get; init; }

    /// <summary>Capture level in force: <c>none</c>, <c>metadata</c>, <c>redacted</c>, <c>full</c>.</summary>
    public string? Capture { get; init; }
    public bool TextTruncated { get; init; }

    /// <summary>OS user id owning the client socket (loopback on Linux).</summary>
    public long? CallerUid { get; init; }
    public string? CallerExecutable { get; init; }
    public IReadOnlyList<string> CallerGroups { get; init; } = [];

    /// <summary>How the caller was identified: <c>api-key</c>, <c>socket-owner</c> or <c>address</c>.</summary>
    public string? IdentitySource { get; init; }

    internal JsonObject ToJsonObject()
    {
        var o = new JsonObject();
        if (CallSeq is long callSeq)
        {
            o["callSeq"] = callSeq;
        }
        Add(o, "api", Api);
        Add(o, "routeClass", RouteClass);
        Add(o, "operation", Operation);
        Add(o, "upstreamKind", UpstreamKind);
        Add(o, "resolvedModelName", ResolvedModelName);
        Add(o, "manifestDigest", ManifestDigest);
        Add(o, "digestSource", DigestSource);
        Flag(o, "cloudModel", CloudModel);
        Flag(o, "classificationTruncated", ClassificationTruncated);
        Flag(o, "promptOverride", PromptOverride);
        Flag(o, "streamed", Streamed);
        Flag(o, "usageInjected", UsageInjected);
        if (GatewayOverheadMs is double overhead)
        {
            o["gatewayOverheadMs"] = double.IsFinite(overhead) ? overhead : throw new ArgumentException("GatewayOverheadMs must be finite");
        }
        Add(o, "doneReason", DoneReason);
        if (ResponseBytes is long bytes)
        {
            o["responseBytes"] = bytes;
        }
        Add(o, "refusalMessage", RefusalMessage);
        Add(o, "upstreamError", UpstreamError);
        Add(o, "capture", Capture);
        Flag(o, "textTruncated", TextTruncated);
        if (CallerUid is long uid)
        {
            o["callerUid"] = uid;
        }
        Add(o, "callerExecutable", CallerExecutable);
        if (CallerGroups.Count > 0)
        {
            var groups = new JsonArray();
            foreach (string group in CallerGroups)
            {
                groups.Add(group);
            }
            o["callerGroups"] = groups;
        }
        Add(o, "identitySource", IdentitySource);
        return o;
    }

    internal static AuditCallDetails FromJsonObject(JsonObject o) => new()
    {
        CallSeq = o["callSeq"]?.GetValue<long>(),
        Api = o["api"]?.GetValue<string>(),
        RouteClass = o["routeClass"]?.GetValue<string>(),
        Operation = o["operation"]?.GetValue<string>(),
        UpstreamKind = o["upstreamKind"]?.GetValue<string>(),
        ResolvedModelName = o["resolvedModelName"]?.GetValue<string>(),
        ManifestDigest = o["manifestDigest"]?.GetValue<string>(),
        DigestSource = o["digestSource"]?.GetValue<string>(),
        CloudModel = o["cloudModel"]?.GetValue<bool>() ?? false,
        ClassificationTruncated = o["classificationTruncated"]?.GetValue<bool>() ?? false,
        PromptOverride = o["promptOverride"]?.GetValue<bool>() ?? false,
        Streamed = o["streamed"]?.GetValue<bool>() ?? false,
        UsageInjected = o["usageInjected"]?.GetValue<bool>() ?? false,
        GatewayOverheadMs = o["gatewayOverheadMs"]?.GetValue<double>(),
        DoneReason = o["doneReason"]?.GetValue<string>(),
        ResponseBytes = o["responseBytes"]?.GetValue<long>(),
        RefusalMessage = o["refusalMessage"]?.GetValue<string>(),
        UpstreamError = o["upstreamError"]?.GetValue<string>(),
        Capture = o["capture"]?.GetValue<string>(),
        TextTruncated = o["textTruncated"]?.GetValue<bool>() ?? false,
        CallerUid = o["callerUid"]?.GetValue<long>(),
        CallerExecutable = o["callerExecutable"]?.GetValue<string>(),
        CallerGroups = o["callerGroups"] is JsonArray groups ? [.. groups.Select(g => g?.GetValue<string>() ?? "")] : [],
        IdentitySource = o["identitySource"]?.GetValue<string>(),
    };

    private static void Add(JsonObject o, string name, string? value)
    {
        if (value is not null)
        {
            o[name] = value;
        }
    }

    private static void Flag(JsonObject o, string name, bool value)
    {
        if (value)
        {
            o[name] = true;
        }
    }
}
