using Lantern.Gateway.Apis;

namespace Lantern.Gateway.Recording;

/// <summary>How a call ended (issue 7, "Audit record": completed, client-aborted, upstream-error, blocked).</summary>
public enum CallEndState
{
    /// <summary>The upstream answered and every byte reached the client.</summary>
    Completed,

    /// <summary>The client went away before the response was complete; the gateway stopped reading upstream.</summary>
    ClientAborted,

    /// <summary>The upstream refused, reset or timed out; the client got a 502/504 in the API's error shape (or a cut stream).</summary>
    UpstreamError,

    /// <summary>The gateway refused the call (policy, authentication, size, audit unavailable) and never forwarded it.</summary>
    Blocked,
}

/// <summary>How much prompt and output content the gateway keeps (ARCHITECTURE.md "Data minimisation").</summary>
public enum CaptureLevel
{
    /// <summary>No content-derived data: no text and no output hash; detector hit counts only.</summary>
    None,

    /// <summary>The default: output SHA-256 and detector hit counts, never text.</summary>
    Metadata,

    /// <summary>Metadata plus prompt and output text with every detector hit masked.</summary>
    Redacted,

    /// <summary>Metadata plus the prompt and output text as sent.</summary>
    Full,
}

/// <summary>Who made the call, as far as the gateway could tell (issue 7, "Caller identity").</summary>
public sealed record CallerInfo
{
    /// <summary>Gateway user from the API key, or the OS user owning the client socket; null when unknown.</summary>
    public string? User { get; init; }

    /// <summary>Id of the API key used (never the key), when keys are configured.</summary>
    public string? KeyId { get; init; }

    /// <summary>Groups granted by the API key entry.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Use case the key entry defaults to when the request names none.</summary>
    public string? DefaultUseCase { get; init; }

    /// <summary>Client program name (<c>/proc/PID/comm</c>) for loopback callers on Linux.</summary>
    public string? Program { get; init; }

    /// <summary>Client executable path (<c>/proc/PID/exe</c>), when readable.</summary>
    public string? ExecutablePath { get; init; }

    public int? ProcessId { get; init; }
    public long? UserId { get; init; }

    /// <summary>Remote address of the connection, always present.</summary>
    public required string ClientAddress { get; init; }

    public int ClientPort { get; init; }

    /// <summary>Where the identity came from: <c>api-key</c>, <c>socket-owner</c> or <c>address</c>.</summary>
    public required string Source { get; init; }
}

/// <summary>
/// One audit record per call that reached the gateway, written at its terminal state through
/// <see cref="IAuditSink"/> (issue 7, "Audit record per call"). Texts appear only as <see cref="Capture"/> allows.
/// </summary>
public sealed record GatewayCallRecord
{
    /// <summary>Unique call id, the audit record id (a UUID v7; returned to the client in the <c>X-Lantern-Record-Id</c> header).</summary>
    public required string Id { get; init; }

    /// <summary>Per-process sequence number in arrival order; the audit log keeps its own chain sequence.</summary>
    public long Sequence { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    public required CallerInfo Caller { get; init; }

    public required string Method { get; init; }

    /// <summary>Request path without the query string (queries can carry secrets).</summary>
    public required string Path { get; init; }

    public required ApiFamily Api { get; init; }
    public required RouteClass RouteClass { get; init; }

    /// <summary>Operation name (<c>chat</c>, <c>chat.completions</c>, <c>pull</c>…).</summary>
    public required string Operation { get; init; }

    public UpstreamKind UpstreamKind { get; init; }

    /// <summary>Model name as the client asked for it.</summary>
    public string? Model { get; init; }

    /// <summary>Name after normalisation (<c>llama3.2</c> → <c>llama3.2:latest</c>) or as the single-model server reports it.</summary>
    public string? ResolvedModelName { get; init; }

    /// <summary>Weights digest (lowercase hex SHA-256), or null when unresolved.</summary>
    public string? ModelDigest { get; init; }

    /// <summary>Ollama manifest digest from <c>/api/tags</c>, when known.</summary>
    public string? ManifestDigest { get; init; }

    /// <summary>Where the digest came from (<c>ollama-modelfile</c>, <c>file-sha256</c>) or why it is missing.</summary>
    public string? DigestSource { get; init; }

    public bool CloudModel { get; init; }
    public string? UseCase { get; init; }
    public string? DataClass { get; init; }

    /// <summary>Detector hit counts by detector type; never the matched values.</summary>
    public IReadOnlyDictionary<string, int> DetectorHits { get; init; } = new Dictionary<string, int>();

    public bool ClassificationTruncated { get; init; }

    /// <summary>The request overrides the model's prompt template (Ollama <c>system</c>, <c>template</c>, <c>raw</c>; gateway.md §1.2).</summary>
    public bool PromptOverride { get; init; }

    public bool Streamed { get; init; }

    /// <summary>The gateway asked the upstream for streamed usage the client had not asked for, and stripped it again.</summary>
    public bool UsageInjected { get; init; }

    public long? TokensIn { get; init; }
    public long? TokensOut { get; init; }
    public double? TimeToFirstTokenMs { get; init; }
    public double DurationMs { get; init; }

    /// <summary>Time the gateway spent before forwarding (identity, classification, policy).</summary>
    public double GatewayOverheadMs { get; init; }

    public required CallEndState EndState { get; init; }
    public int HttpStatus { get; init; }

    /// <summary>Upstream's stop reason (<c>done_reason</c>, <c>finish_reason</c>…).</summary>
    public string? DoneReason { get; init; }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 output text (concatenated content), from <see cref="CaptureLevel.Metadata"/> up.</summary>
    public string? OutputSha256 { get; init; }

    public long ResponseBytes { get; init; }

    /// <summary>Refusal reason code (<see cref="Enforcement.RefusalReasons"/>) for blocked calls.</summary>
    public string? RefusalCode { get; init; }

    public string? RefusalMessage { get; init; }

    /// <summary>What went wrong upstream, for upstream-error calls (no request content).</summary>
    public string? UpstreamError { get; init; }

    public CaptureLevel Capture { get; init; }
    public string? PromptText { get; init; }
    public string? OutputText { get; init; }

    /// <summary>The captured prompt or output text was cut at the capture bound.</summary>
    public bool TextTruncated { get; init; }
}
