using Lantern.Core.Findings;
using Lantern.Governance.Controls;

namespace Lantern.Governance.Policy.Evaluation;

/// <summary>What one policy rule is: its stable id, a title, the severity it usually carries, the controls it bears on and the one-line fix.</summary>
public sealed record RuleDescriptor(string Id, string Title, Severity DefaultSeverity, IReadOnlyList<string> Controls, string Remediation);

/// <summary>
/// The LNT-POL-* rules as data, so the evaluator, docs/rules.md and the control catalogue (<c>lantern controls</c>)
/// read one table. Controls come from <see cref="PolicyRuleControlTable"/> (one reasoned list per rule, NIST AI RMF
/// included); control numbers follow compliance.md §1–§3 (ISO/IEC 27001:2022 Annex A, ISO 9001:2015,
/// ISO/IEC 42001:2023 Annex A). A few rules raise a different severity for some cases (see each rule's doc in
/// docs/rules.md); <see cref="RuleDescriptor.DefaultSeverity"/> is the usual one.
/// </summary>
public static class PolicyRules
{
    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        new(PolicyRuleIds.ModelNotApproved, "Model not in the approved-model registry", Severity.High,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ModelNotApproved),
            "Remove the model, or propose it for approval with `lantern registry pin` and have the registry owner approve it."),
        new(PolicyRuleIds.DigestDrift, "Registered model name with an unpinned digest (drift or tampering)", Severity.High,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.DigestDrift),
            "Re-pull the approved version from the registered source, or validate the new weights and pin their digest with `lantern registry pin` for re-approval."),
        new(PolicyRuleIds.ModelPendingApproval, "Model registered but still proposed", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ModelPendingApproval),
            "Complete the validation and approval of the registry entry (status: approved, approvedBy, validation), or stop using the model until then."),
        new(PolicyRuleIds.ModelDeprecated, "Deprecated or superseded model still present", Severity.Low,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ModelDeprecated),
            "Move to the successor model named in the registry and remove this one."),
        new(PolicyRuleIds.ModelRetired, "Retired model still present", Severity.High,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ModelRetired),
            "Delete the retired model from the endpoint (e.g. `ollama rm NAME`) and use its successor."),
        new(PolicyRuleIds.ModelReviewOverdue, "Registry entry past its review date", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ModelReviewOverdue),
            "Re-review the model (licence, advisories, validation) and set a new reviewBy date in the registry."),
        new(PolicyRuleIds.PolicyReviewOverdue, "Local AI Use Policy past its review date", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.PolicyReviewOverdue),
            "Review the policy with its owner, record the approval and set a new metadata.reviewBy date."),
        new(PolicyRuleIds.LicenseDenied, "Model licence denied by policy", Severity.High,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.LicenseDenied),
            "Remove the model and replace it with one under an allowed licence."),
        new(PolicyRuleIds.LicenseNeedsReview, "Model licence needs legal review", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.LicenseNeedsReview),
            "Have legal review the licence terms against the intended use, then add the licence to licenses.allow or licenses.deny."),
        new(PolicyRuleIds.SourceNotAllowed, "Model source not allowed", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.SourceNotAllowed),
            "Obtain the model from an allowed source, or have the policy owner add its publisher to sources.allow."),
        new(PolicyRuleIds.RuntimeBelowMinimum, "Runtime below the policy's minimum version", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.RuntimeBelowMinimum),
            "Update the runtime to the policy's minimum version or later."),
        new(PolicyRuleIds.RuntimeAdvisory, "Runtime with an advisory at or above the policy threshold", Severity.High,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.RuntimeAdvisory),
            "Update the runtime to the advisory's fixed version or later; until then keep it bound to loopback."),
        new(PolicyRuleIds.RuntimeNotAllowed, "Runtime not on the allowed list", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.RuntimeNotAllowed),
            "Uninstall the runtime, or have the policy owner add it to runtimes.allowed."),
        new(PolicyRuleIds.ServerExposed, "Inference server reachable beyond loopback", Severity.High,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ServerExposed),
            "Bind the server to 127.0.0.1 (e.g. OLLAMA_HOST=127.0.0.1:11434), or put an authenticating gateway in front and allow it in exposure.allowNonLoopback."),
        new(PolicyRuleIds.UnsafeArtifact, "Model file judged unsafe by vetting", Severity.Critical,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.UnsafeArtifact),
            "Quarantine the file, do not load it, and investigate where it came from (`lantern vet PATH` shows why)."),
        new(PolicyRuleIds.ModelWithoutOwner, "Registered model without an owner", Severity.Low,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ModelWithoutOwner),
            "Name an accountable owner in the registry entry's owner field."),
        new(PolicyRuleIds.ModelNotAllowedForGroup, "Model not allowed for the user's group", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ModelNotAllowedForGroup),
            "Remove the model from this user's endpoint, or have the policy owner add it to the group's models."),
        new(PolicyRuleIds.ArtifactNotJudged, "Model file vetting could not reach a verdict", Severity.Medium,
            PolicyRuleControlTable.ControlsOf(PolicyRuleIds.ArtifactNotJudged),
            "Vet the file again (`lantern vet PATH`); if it stays malformed or incomplete, replace it with a fresh copy from an allowed source."),
    ];

    private static readonly Dictionary<string, RuleDescriptor> ById = All.ToDictionary(r => r.Id, StringComparer.Ordinal);

    /// <summary>The descriptor of a rule id; throws for an id that is not an LNT-POL rule.</summary>
    public static RuleDescriptor Get(string id) =>
        ById.TryGetValue(id, out RuleDescriptor? rule) ? rule : throw new ArgumentException($"Unknown policy rule id '{id}'.", nameof(id));
}
