namespace Lantern.Core.Model;

/// <summary>A listening socket identified as an inference server.</summary>
public sealed record InferenceServer
{
    public required string Address { get; init; }
    public required int Port { get; init; }

    /// <summary><c>loopback</c>, <c>wildcard</c> (all interfaces) or <c>network</c> (a specific non-loopback address).</summary>
    public required string BindScope { get; init; }

    /// <summary>Runtime id from the probe or the owning process; null when only the port matched.</summary>
    public string? Runtime { get; init; }
    public string? Version { get; init; }

    /// <summary>Which endpoint identified it (<c>GET /api/version</c>), or <c>process</c> / <c>port</c>.</summary>
    public string? IdentifiedBy { get; init; }

    public int? Pid { get; init; }
    public string? ProcessName { get; init; }

    /// <summary>True when the probe got an answer without credentials (null: not probed).</summary>
    public bool? Unauthenticated { get; init; }

    /// <summary>Reachable beyond loopback and answering without authentication.</summary>
    public bool ExposedBeyondLoopback { get; init; }

    /// <summary>Models the server reports as loaded or available, when it says.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
}
