using Lantern.Governance.Policy;

namespace Lantern.Governance.Controls;

/// <summary>
/// THE table of controls per policy rule (LNT-POL-*): the findings the evaluator raises carry these controls
/// (<c>PolicyRules.All</c> reads them) and <see cref="CheckCatalogue"/> lists them, so the two cannot disagree. Choices follow compliance.md §1–§5
/// (numbers exact); the reason for each non-obvious choice is on its line.
/// </summary>
public static class PolicyRuleControlTable
{
    /// <summary>Title and controls of each policy rule, in rule-id order.</summary>
    public static IReadOnlyList<(string RuleId, string Title, IReadOnlyList<string> Controls)> Rules { get; } =
    [
        (PolicyRuleIds.ModelNotApproved, "Model present but not approved (by digest)",
            // Inventory vs. registry (A.5.9), policy compliance (A.5.36), uncontrolled installation (A.8.19);
            // the resource is not documented (42001 A.4.2) nor released (A.6.2.5); an unapproved external product (9001 8.4) is a nonconformity (10.2).
            ["ISO27001:A.5.9", "ISO27001:A.5.36", "ISO27001:A.8.19", "ISO42001:A.4.2", "ISO42001:A.6.2.5", "ISO9001:8.4", "ISO9001:10.2", "NIST-AI-RMF:GOVERN-1.6"]),
        (PolicyRuleIds.DigestDrift, "Approved name whose digest is not pinned (drift or tampering)",
            // Supply-chain integrity (A.5.21), possible trojaned weights (A.8.7), hash pinning (A.8.24), unapproved change (A.8.32, 9001 8.5.6).
            ["ISO27001:A.5.21", "ISO27001:A.8.7", "ISO27001:A.8.24", "ISO27001:A.8.32", "ISO9001:8.5.6", "ISO42001:A.6.2.5", "NIST-AI-RMF:MANAGE-3.2"]),
        (PolicyRuleIds.ModelPendingApproval, "Model registered but still proposed",
            // In use before release criteria are met (42001 A.6.2.5) and before validation is recorded (A.6.2.4).
            ["ISO27001:A.5.36", "ISO27001:A.8.19", "ISO27001:A.8.32", "ISO42001:A.6.2.4", "ISO42001:A.6.2.5", "ISO9001:6.3", "ISO9001:8.4"]),
        (PolicyRuleIds.ModelDeprecated, "Deprecated or superseded model still present",
            // Version change management (A.5.22, A.8.32, 9001 8.5.6) and post-deployment decommissioning (NIST MANAGE 4.1).
            ["ISO27001:A.5.22", "ISO27001:A.8.32", "ISO42001:A.6.2.6", "ISO9001:8.5.6", "NIST-AI-RMF:MANAGE-4.1"]),
        (PolicyRuleIds.ModelRetired, "Retired model still present",
            // Decommissioning means deletion (A.8.10); still present is a policy breach (A.5.36) needing corrective action (10.2).
            ["ISO27001:A.8.10", "ISO27001:A.8.32", "ISO27001:A.5.36", "ISO42001:A.6.2.6", "ISO9001:10.2", "NIST-AI-RMF:MANAGE-4.1"]),
        (PolicyRuleIds.ModelReviewOverdue, "Registry entry past its review date",
            // Periodic re-evaluation of an external product (9001 8.4) and supplier service review (A.5.22).
            ["ISO27001:A.5.22", "ISO42001:A.6.2.6", "ISO9001:8.4", "NIST-AI-RMF:GOVERN-1.5", "NIST-AI-RMF:MANAGE-3.2"]),
        (PolicyRuleIds.PolicyReviewOverdue, "Policy past its review date",
            // Policies reviewed at planned intervals: 27001 A.5.1 (not A.5.35, which is independent review of the ISMS), 42001 A.2.4.
            ["ISO27001:A.5.1", "ISO42001:A.2.4", "ISO9001:9.3", "NIST-AI-RMF:GOVERN-1.5"]),
        (PolicyRuleIds.LicenseDenied, "Licence on the deny list",
            ["ISO27001:A.5.32", "ISO27001:A.5.20", "ISO27001:A.5.31", "ISO42001:A.10.3", "ISO9001:8.4", "NIST-AI-RMF:GOVERN-6.1"]),
        (PolicyRuleIds.LicenseNeedsReview, "Licence needs review (review list, unlisted, unknown, non-commercial)",
            ["ISO27001:A.5.32", "ISO27001:A.5.20", "ISO42001:A.10.3", "ISO9001:8.4", "NIST-AI-RMF:GOVERN-6.1"]),
        (PolicyRuleIds.SourceNotAllowed, "Model source not allowed",
            // Hubs and publishers are suppliers (A.5.19, A.5.21); provenance (42001 A.7.5); third-party components (NIST MAP 4.1, MANAGE 3.1).
            ["ISO27001:A.5.19", "ISO27001:A.5.21", "ISO42001:A.7.5", "ISO42001:A.10.3", "ISO9001:8.4", "NIST-AI-RMF:MAP-4.1", "NIST-AI-RMF:MANAGE-3.1"]),
        (PolicyRuleIds.RuntimeBelowMinimum, "Runtime below the minimum version",
            ["ISO27001:A.8.8", "ISO27001:A.8.19", "ISO42001:A.4.4", "ISO42001:A.6.2.6", "NIST-AI-RMF:MANAGE-3.1"]),
        (PolicyRuleIds.RuntimeAdvisory, "Runtime with an advisory at or above the threshold",
            // Runtimes are third-party software, not pre-trained models: NIST MANAGE 3.1 (MANAGE 3.2 is for models).
            ["ISO27001:A.8.8", "ISO42001:A.6.2.6", "ISO9001:6.1", "NIST-AI-RMF:MEASURE-3.1", "NIST-AI-RMF:MANAGE-3.1"]),
        (PolicyRuleIds.RuntimeNotAllowed, "Runtime not on the allowed list",
            ["ISO27001:A.8.19", "ISO27001:A.5.36", "ISO42001:A.4.4", "NIST-AI-RMF:GOVERN-1.6"]),
        (PolicyRuleIds.ServerExposed, "Inference server exposed beyond loopback",
            ["ISO27001:A.8.20", "ISO27001:A.8.9", "ISO27001:A.5.15", "ISO42001:A.6.2.6"]),
        (PolicyRuleIds.UnsafeArtifact, "Vetting judged the artifact malicious or suspicious",
            ["ISO27001:A.8.7", "ISO27001:A.5.21", "ISO42001:A.6.2.4", "ISO9001:8.4", "NIST-AI-RMF:MANAGE-3.2"]),
        (PolicyRuleIds.ModelWithoutOwner, "Model without an owner",
            // Assets have owners (A.5.9), roles assigned (A.5.2, 42001 A.3.2).
            ["ISO27001:A.5.9", "ISO27001:A.5.2", "ISO42001:A.3.2", "NIST-AI-RMF:GOVERN-1.6"]),
        (PolicyRuleIds.ModelNotAllowedForGroup, "Model not allowed for the user's group",
            // Access by tier (A.5.15), acceptable use (A.5.10), data classes (A.5.12); use per intended use (42001 A.9.2, A.9.4).
            ["ISO27001:A.5.15", "ISO27001:A.5.10", "ISO27001:A.5.12", "ISO42001:A.9.2", "ISO42001:A.9.4", "ISO9001:8.5.1"]),
        (PolicyRuleIds.ArtifactNotJudged, "Vetting could not judge the artifact",
            ["ISO27001:A.8.7", "ISO27001:A.5.21", "ISO42001:A.6.2.4", "NIST-AI-RMF:MANAGE-3.2"]),
    ];

    private static readonly Dictionary<string, IReadOnlyList<string>> ByRule = Rules.ToDictionary(r => r.RuleId, r => r.Controls, StringComparer.Ordinal);

    /// <summary>Controls of one policy rule; throws for an id that has no row (a test keeps every rule covered).</summary>
    public static IReadOnlyList<string> ControlsOf(string ruleId) =>
        ByRule.TryGetValue(ruleId, out IReadOnlyList<string>? controls) ? controls : throw new ArgumentException($"No control row for '{ruleId}'.", nameof(ruleId));
}
