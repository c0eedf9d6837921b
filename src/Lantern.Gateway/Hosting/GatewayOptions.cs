using System.Net;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Hosting;

/// <summary>Settings of one gateway instance (docs/gateway.md, "Options"); also loadable with <see cref="GatewayOptionsFile"/>.</summary>
public sealed record GatewayOptions
{
    /// <summary>Default request body cap: 32 MiB fits long chats with a few images; larger bodies get 413.</summary>
    public const long DefaultMaxRequestBodyBytes = 32L * 1024 * 1024;

    public const string DefaultUseCaseHeader = "X-Lantern-Use-Case";

    /// <summary>Where clients connect; port 0 picks a free port (see <see cref="GatewayHost.ListenUri"/>).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 11434);

    /// <summary>The inference server, e.g. <c>http://127.0.0.1:11435</c>.</summary>
    public required Uri Upstream { get; init; }

    public UpstreamKind UpstreamKind { get; init; } = UpstreamKind.Auto;
    public CaptureLevel Capture { get; init; } = CaptureLevel.Metadata;

    /// <summary>Cap on JSON request bodies the gateway reads (inference, management); over it the call gets 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>keys.yaml with SHA-256 hashes of per-user API keys; when set, every call needs a valid key.</summary>
    public string? ApiKeysFile { get; init; }

    public string UseCaseHeader { get; init; } = DefaultUseCaseHeader;

    /// <summary>Pass calls when the audit sink cannot write (default false: refuse them — fail closed).</summary>
    public bool FailOpen { get; init; }

    /// <summary>Optional second listener serving only <c>/metrics</c> and <c>/health</c>.</summary>
    public IPEndPoint? AdminListen { get; init; }

    /// <summary>Longest silence from the upstream before the call ends as upstream-error 504; model loads can take minutes.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a resolved model identity is reused (gateway.md §1.4: "cached with a short lifetime").</summary>
    public TimeSpan ModelIdentityLifetime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on prompt and output text kept at <c>redacted</c>/<c>full</c> capture (UTF-8 bytes each).</summary>
    public int MaxCapturedTextBytes { get; init; } = 64 * 1024;

    /// <summary>Non-streamed JSON response bodies larger than this (8 MiB) are passed through but not parsed for usage.</summary>
    public int MaxObservedJsonBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Which code forwards calls: <see cref="ForwardingPath.Auto"/> sends JSON calls to a plain-http upstream through the
    /// gateway's lean HTTP/1.1 path and everything else through YARP; <see cref="ForwardingPath.Yarp"/> sends all through YARP.
    /// </summary>
    public ForwardingPath Forwarding { get; init; } = ForwardingPath.Auto;

    public GatewayRules Rules { get; init; } = new();

    /// <summary>Directory of the tamper-evident audit log (docs/audit-log.md); required to run with an audit log.</summary>
    public string? AuditDirectory { get; init; }

    /// <summary>Ed25519 signing key for checkpoints; when null, <c>audit-signing.key</c> in the audit directory (created on first start).</summary>
    public string? SigningKeyFile { get; init; }

    /// <summary>When an audit append counts as written (docs/audit-log.md "Durability"): fsync every batch by default.</summary>
    public AuditFsyncPolicy AuditFsync { get; init; } = AuditFsyncPolicy.Always;

    /// <summary>
    /// SIEM sink URIs (<c>--sink</c>, <c>sinks:</c>), kept in order. The forwarder attaches to the audit writer's committed
    /// records (<c>Integration.AuditLogSink.RecordCommitted</c>) and checkpoints, off the request path.
    /// </summary>
    public IReadOnlyList<string> Sinks { get; init; } = [];
}

/// <summary>See <see cref="GatewayOptions.Forwarding"/> (docs/gateway.md, "Forwarding paths").</summary>
public enum ForwardingPath
{
    Auto,
    Yarp,
}
