using Lantern.Gateway.Apis;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Enforcement;

/// <summary>Everything the policy decision needs about one call.</summary>
public sealed record EnforcementRequest
{
    public required ApiRoute Route { get; init; }
    public required CallerInfo Caller { get; init; }

    /// <summary>Model name as requested (null for single-model servers called without one).</summary>
    public string? RequestedModel { get; init; }

    /// <summary>Resolved identity for inference calls; null for routes that run no model.</summary>
    public ModelIdentity? Model { get; init; }

    /// <summary>Use case from the request header or the key's default.</summary>
    public string? UseCase { get; init; }

    public PromptClassification Classification { get; init; } = PromptClassification.Unclassified;
}

/// <summary>Allowed, or refused with a stable reason code and a message meant for the person calling.</summary>
public sealed record EnforcementDecision
{
    public static readonly EnforcementDecision Allow = new() { Allowed = true };

    public bool Allowed { get; private init; }
    public string? ReasonCode { get; private init; }
    public string? Message { get; private init; }

    /// <summary>Name of the registry entry that matched, for the record.</summary>
    public string? RegistryEntry { get; init; }

    public static EnforcementDecision Refuse(string reasonCode, string message) => new() { Allowed = false, ReasonCode = reasonCode, Message = message };
}

/// <summary>Decides whether a call may go upstream (issue 7, "Enforcement").</summary>
public interface IEnforcer
{
    EnforcementDecision Evaluate(EnforcementRequest request);
}

/// <summary>Records without enforcing: the gateway's behaviour when no policy is given.</summary>
public sealed class ObserveOnlyEnforcer : IEnforcer
{
    public static readonly ObserveOnlyEnforcer Instance = new();

    public EnforcementDecision Evaluate(EnforcementRequest request) => EnforcementDecision.Allow;
}

/// <summary>Stable refusal reason codes, used in records, metrics and error messages.</summary>
public static class RefusalReasons
{
    public const string AuditUnavailable = "audit-unavailable";
    public const string AuthMissing = "auth-missing";
    public const string AuthInvalid = "auth-invalid";
    public const string RequestTooLarge = "request-too-large";
    public const string ModelMissing = "model-missing";
    public const string ModelNotApproved = "model-not-approved";
    public const string ModelDigestUnresolved = "model-digest-unresolved";
    public const string CloudModel = "cloud-model";
    public const string UseCaseMissing = "use-case-missing";
    public const string UseCaseUnknown = "use-case-unknown";
    public const string UseCaseNotAllowedForModel = "use-case-not-allowed-for-model";
    public const string UseCaseNotAllowedForGroup = "use-case-not-allowed-for-group";
    public const string ModelNotAllowedForGroup = "model-not-allowed-for-group";
    public const string DataClassUnknown = "data-class-unknown";
    public const string DataClassAboveModel = "data-class-above-model";
    public const string DataClassAboveUseCase = "data-class-above-use-case";
    public const string DataClassAboveGroup = "data-class-above-group";
    public const string ManagementNotAllowed = "management-not-allowed";
    public const string CloudAccountNotAllowed = "cloud-account-not-allowed";
    public const string RouteNotAllowed = "route-not-allowed";
}
