using Lantern.Gateway.Apis;
using Lantern.Gateway.Identity;
using Lantern.Governance.Policy;

namespace Lantern.Gateway.Enforcement;

/// <summary>
/// Enforces a <see cref="LocalAiPolicy"/> on gateway calls (issue 7, "Enforcement"): the model must resolve to an
/// approved registry entry by digest, the use case must exist and be allowed for the model and the caller's groups,
/// the prompt's data class must not exceed the model's, the use case's or any group's maximum, and management,
/// cloud and unknown routes need <see cref="GatewayRules"/> permission. Each refusal carries a reason code.
/// </summary>
public sealed class PolicyEnforcer(LocalAiPolicy policy, GatewayRules rules) : IEnforcer
{
    public EnforcementDecision Evaluate(EnforcementRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Route.Class)
        {
            case RouteClass.Info:
                return EnforcementDecision.Allow;
            case RouteClass.Management:
                return rules.AllowManagement ? EnforcementDecision.Allow
                    : EnforcementDecision.Refuse(RefusalReasons.ManagementNotAllowed,
                        $"model management ('{request.Route.Operation}') is not allowed through this gateway; ask the policy owner ({policy.Metadata.Owner}).");
            case RouteClass.CloudAccount:
                return rules.AllowCloudModels ? EnforcementDecision.Allow
                    : EnforcementDecision.Refuse(RefusalReasons.CloudAccountNotAllowed,
                        $"cloud and account routes ('{request.Route.Operation}') are not allowed: prompts would leave this machine.");
            case RouteClass.Other:
                return rules.AllowUnknownRoutes ? EnforcementDecision.Allow
                    : EnforcementDecision.Refuse(RefusalReasons.RouteNotAllowed, "this route is not known to the gateway and unknown routes are not allowed.");
            default:
                return EvaluateInference(request);
        }
    }

    private EnforcementDecision EvaluateInference(EnforcementRequest request)
    {
        ModelIdentity? model = request.Model;
        string shown = model?.Name ?? request.RequestedModel ?? "(no model named)";
        if (model?.IsCloud == true && !rules.AllowCloudModels)
        {
            return EnforcementDecision.Refuse(RefusalReasons.CloudModel,
                $"'{shown}' runs on a remote service ({model.RemoteHost ?? "cloud"}); cloud models are not allowed.");
        }

        RegisteredModel? entry;
        if (model?.Digest is { } digest)
        {
            List<RegisteredModel> byDigest = policy.Models.Where(m => m.Digests.Any(d => Same(d, digest) || (model.ManifestDigest is { } md && Same(d, md)))).ToList();
            entry = byDigest.FirstOrDefault(m => m.Status == ModelStatus.Approved);
            if (entry is null)
            {
                return byDigest.Count > 0
                    ? EnforcementDecision.Refuse(RefusalReasons.ModelNotApproved,
                        $"'{shown}' (sha256:{digest}) is registered as '{byDigest[0].Name}' with status {byDigest[0].Status}, not Approved.")
                    : EnforcementDecision.Refuse(RefusalReasons.ModelNotApproved,
                        $"'{shown}' has weights sha256:{digest}, which no approved registry entry pins. Names are not identities: ask for approval of this digest.");
            }
        }
        else if (rules.AllowApprovedByName)
        {
            entry = policy.Models.FirstOrDefault(m => m.Status == ModelStatus.Approved && NameMatches(m.Name, model, request.RequestedModel));
            if (entry is null)
            {
                return EnforcementDecision.Refuse(RefusalReasons.ModelNotApproved,
                    $"'{shown}' matches no approved registry entry by name (its digest is unknown: {model?.UnresolvedReason ?? "not resolved"}).");
            }
        }
        else
        {
            return EnforcementDecision.Refuse(RefusalReasons.ModelDigestUnresolved,
                $"the weights digest of '{shown}' could not be determined ({model?.UnresolvedReason ?? "not resolved"}), so it cannot be matched to the approved registry.");
        }

        UseCase? useCase = null;
        if (request.UseCase is { } useCaseId)
        {
            useCase = policy.UseCases.FirstOrDefault(u => string.Equals(u.Id, useCaseId, StringComparison.OrdinalIgnoreCase));
            if (useCase is null)
            {
                return EnforcementDecision.Refuse(RefusalReasons.UseCaseUnknown,
                    $"use case '{useCaseId}' is not in the policy (known: {string.Join(", ", policy.UseCases.Select(u => u.Id))}).");
            }
            if (entry.UseCases.Count > 0 && !entry.UseCases.Contains(useCase.Id, StringComparer.OrdinalIgnoreCase))
            {
                return EnforcementDecision.Refuse(RefusalReasons.UseCaseNotAllowedForModel,
                    $"'{entry.Name}' is approved for {string.Join(", ", entry.UseCases)}, not for '{useCase.Id}'.");
            }
        }
        else if (policy.UseCases.Count > 0
            && (rules.RequireUseCaseFor is null || rules.RequireUseCaseFor.Contains(entry.Name, StringComparer.OrdinalIgnoreCase)))
        {
            return EnforcementDecision.Refuse(RefusalReasons.UseCaseMissing,
                "no use case given: send the X-Lantern-Use-Case header (or use an API key with a default use case).");
        }

        List<UserGroup> groups = policy.Groups.Where(g => request.Caller.Groups.Contains(g.Id, StringComparer.OrdinalIgnoreCase)
            || (request.Caller.User is { } user && g.Members.Contains(user, StringComparer.OrdinalIgnoreCase))).ToList();
        foreach (UserGroup group in groups)
        {
            // Groups narrow: every group the caller is in applies.
            if (group.Models.Count > 0 && !group.Models.Contains(entry.Name, StringComparer.OrdinalIgnoreCase))
            {
                return EnforcementDecision.Refuse(RefusalReasons.ModelNotAllowedForGroup, $"group '{group.Id}' may not use '{entry.Name}'.");
            }
            if (useCase is not null && group.UseCases.Count > 0 && !group.UseCases.Contains(useCase.Id, StringComparer.OrdinalIgnoreCase))
            {
                return EnforcementDecision.Refuse(RefusalReasons.UseCaseNotAllowedForGroup, $"group '{group.Id}' may not use the use case '{useCase.Id}'.");
            }
        }

        if (request.Classification.DataClass is { } dataClass)
        {
            int rank = policy.ClassificationRank(dataClass);
            if (rank < 0)
            {
                return EnforcementDecision.Refuse(RefusalReasons.DataClassUnknown, $"the prompt was classified '{dataClass}', which the policy does not define.");
            }
            string hits = Hits(request.Classification);
            if (Above(rank, entry.MaxClassification))
            {
                return EnforcementDecision.Refuse(RefusalReasons.DataClassAboveModel,
                    $"the prompt contains {dataClass} data ({hits}); '{entry.Name}' is approved up to {entry.MaxClassification}.");
            }
            if (useCase is not null && Above(rank, useCase.MaxClassification))
            {
                return EnforcementDecision.Refuse(RefusalReasons.DataClassAboveUseCase,
                    $"the prompt contains {dataClass} data ({hits}); use case '{useCase.Id}' allows up to {useCase.MaxClassification}.");
            }
            foreach (UserGroup group in groups)
            {
                if (Above(rank, group.MaxClassification))
                {
                    return EnforcementDecision.Refuse(RefusalReasons.DataClassAboveGroup,
                        $"the prompt contains {dataClass} data ({hits}); group '{group.Id}' may send up to {group.MaxClassification}.");
                }
            }
        }
        return EnforcementDecision.Allow with { RegistryEntry = entry.Name };
    }

    private bool Above(int rank, string? max)
    {
        if (max is null)
        {
            return false;
        }
        int limit = policy.ClassificationRank(max);
        // A limit the policy does not define cannot be honoured: treat it as the lowest class (fail closed).
        return rank > Math.Max(limit, 0);
    }

    private static string Hits(PromptClassification classification) =>
        classification.HitCounts.Count == 0 ? "no detector details" : string.Join(", ", classification.HitCounts.Select(p => $"{p.Key}×{p.Value}"));

    private static bool Same(string pinned, string digest)
    {
        string p = pinned.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? pinned[7..] : pinned;
        return string.Equals(p, digest, StringComparison.OrdinalIgnoreCase);
    }

    private static bool NameMatches(string registered, ModelIdentity? model, string? requested)
    {
        foreach (string? candidate in (ReadOnlySpan<string?>)[model?.Name, requested, model?.Name is { } n ? Path.GetFileName(n) : null])
        {
            if (candidate is not null && (string.Equals(candidate, registered, StringComparison.OrdinalIgnoreCase)
                || string.Equals(ModelIdentityResolver.NormaliseOllamaName(candidate), ModelIdentityResolver.NormaliseOllamaName(registered), StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }
}
