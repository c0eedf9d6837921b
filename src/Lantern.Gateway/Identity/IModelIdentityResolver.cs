namespace Lantern.Gateway.Identity;

/// <summary>
/// What the gateway knows about the model behind a requested name (gateway.md §0.1, §1.4): names lie
/// (aliases, single-model servers, cloud models), the weights digest does not.
/// </summary>
public sealed record ModelIdentity
{
    /// <summary>The name as requested (may be null for single-model servers).</summary>
    public string? RequestedName { get; init; }

    /// <summary>Normalised or served name (<c>llama3.2:latest</c>, llama-server's model path or alias).</summary>
    public string? Name { get; init; }

    /// <summary>Weights digest, lowercase hex SHA-256 without prefix; null when unresolved.</summary>
    public string? Digest { get; init; }

    /// <summary>Ollama manifest digest (<c>/api/tags</c>), lowercase hex.</summary>
    public string? ManifestDigest { get; init; }

    /// <summary>Where the digest came from (<c>ollama-modelfile</c>, <c>file-sha256</c>), or null.</summary>
    public string? DigestSource { get; init; }

    /// <summary>Why there is no digest, in words for the refusal message; null when resolved.</summary>
    public string? UnresolvedReason { get; init; }

    /// <summary>Runs on a remote service (Ollama <c>remote_host</c> or a <c>-cloud</c> name; gateway.md §1.4).</summary>
    public bool IsCloud { get; init; }

    public string? RemoteHost { get; init; }

    /// <summary>Runtime id as the policy registry names it: <c>ollama</c>, <c>llama.cpp</c>, <c>openai-compatible</c>.</summary>
    public string? Runtime { get; init; }

    /// <summary>llama-server <c>build_info</c> (<c>b&lt;build&gt;-&lt;commit&gt;</c>), when known.</summary>
    public string? BuildInfo { get; init; }

    public bool Resolved => Digest is not null;
}

/// <summary>Resolves requested model names to weights digests, cached for a short lifetime.</summary>
public interface IModelIdentityResolver
{
    ValueTask<ModelIdentity> ResolveAsync(string? requestedName, CancellationToken cancellationToken);

    /// <summary>Drops cached identities (after pull, create, copy, delete passed through the gateway).</summary>
    void Invalidate();
}
