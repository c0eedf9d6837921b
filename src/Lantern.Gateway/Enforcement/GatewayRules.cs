namespace Lantern.Gateway.Enforcement;

/// <summary>
/// Gateway switches, from the policy's <c>gateway:</c> section (Integration.GatewayComposition maps it) or the gateway's own configuration.
/// Defaults are closed: management, cloud and unknown routes are refused, digests must resolve.
/// </summary>
public sealed record GatewayRules
{
    /// <summary>Allow model-store changes: pull, push, create, copy, delete, blob upload, llama-server slot/props/LoRA writes.</summary>
    public bool AllowManagement { get; init; }

    /// <summary>Allow cloud models (<c>remote_host</c> set or a <c>-cloud</c> name) and ollama.com account/cloud routes.</summary>
    public bool AllowCloudModels { get; init; }

    /// <summary>
    /// When the upstream exposes no digest (llama-server before its file is hashed, LM Studio, vLLM), accept a model
    /// whose name matches an approved registry entry. Meant for single-model servers whose file the admin controls.
    /// </summary>
    public bool AllowApprovedByName { get; init; }

    /// <summary>Forward routes the gateway does not know (e.g. vLLM <c>/tokenize</c>, <c>/v1/audio/*</c>).</summary>
    public bool AllowUnknownRoutes { get; init; }

    /// <summary>
    /// Registry model names whose calls must name a use case; null (the default) requires one for every inference call
    /// whenever the policy defines use cases (policy <c>gateway.requireUseCaseFor</c>).
    /// </summary>
    public IReadOnlyList<string>? RequireUseCaseFor { get; init; }
}
