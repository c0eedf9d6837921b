using System.Globalization;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Controls;
using Lantern.Governance.Enrichment;
using Lantern.Governance.Policy;

namespace Lantern.Governance.Evidence;

/// <summary>What is done about a risk (ISO/IEC 27001 6.1.3, ISO/IEC 42001 6.1.3).</summary>
public enum RiskTreatment
{
    Reduce,
    Avoid,
    Transfer,
    Accept,
}

/// <summary>
/// One row of the risk register for local AI inference, in ISO/IEC 27001 6.1.2 / ISO 9001 6.1 / ISO/IEC 42001 6.1.2
/// style: cause → event → consequence, likelihood and impact (1–5) with their rationale, inherent level, existing
/// controls, what the scan observed, treatment, owner and review date.
/// </summary>
public sealed record RiskRow(
    string Id,
    string Title,
    string Description,
    string AssetScope,
    int Likelihood,
    string LikelihoodRationale,
    int Impact,
    string ImpactRationale,
    int InherentScore,
    string InherentLevel,
    string ExistingControls,
    string Observations,
    int ObservedFindings,
    IReadOnlyList<string> ObservedRules,
    RiskTreatment Treatment,
    string Action,
    string Owner,
    IReadOnlyList<string> Controls,
    DateOnly ReviewDate);

/// <summary>
/// Builds the standing risk register for local AI inference from an inventory, the policy and the findings.
/// <para>Scoring rule (docs/auditor-guide.md, "Risk register"): each risk has a base likelihood (how often such a
/// cause occurs on endpoints running local AI) and a fixed impact. Likelihood is then raised by +1 when the risk's
/// main control is the policy and no policy was given; by +1 when matching findings of severity low or medium are
/// present; by +2 when a matching finding is high or critical (info findings are listed, not scored); capped at 5.
/// Inherent score = likelihood × impact; level 1–4 low, 5–9 medium, 10–15 high, 16–25 critical. A low risk with no
/// scored finding is accepted (monitored); otherwise the standing treatment applies. Review date: today + 1 month
/// (critical), 3 months (high), 6 months (medium) or 12 months (low), but no later than the policy's own review date
/// when that is still ahead.</para>
/// </summary>
public static class RiskRegister
{
    /// <summary>Most model or runtime names an asset scope lists before "and N more"; the counts stay exact.</summary>
    private const int MaxScopeNames = 5;

    private enum Scope
    {
        Models,
        Runtimes,
        Servers,
        Host,
    }

    private enum OwnerKind
    {
        PolicyOwner,
        ModelOwners,
    }

    private sealed record Template(
        string Id,
        string Title,
        string Description,
        int BaseLikelihood,
        string LikelihoodBasis,
        int Impact,
        string ImpactRationale,
        Scope Scope,
        OwnerKind Owner,
        bool PolicyIsMainControl,
        IReadOnlyList<string> Rules,
        bool IncludesVetting,
        RiskTreatment Treatment,
        string Action,
        IReadOnlyList<string> Controls,
        Func<LocalAiPolicy?, Inventory, string> ExistingControls);

    private static readonly Template[] Templates =
    [
        new("LAI-R01", "Unapproved (shadow) models in use",
            "Users pull models from public hubs without approval → models outside the registry run on endpoints → unvetted behaviour, licence and data-handling risks no one has accepted; audit nonconformity.",
            3, "users can pull any model with one command", 3, "outputs of an unassessed model reach work products; nonconformity against the AI policy",
            Scope.Models, OwnerKind.PolicyOwner, true,
            [PolicyRuleIds.ModelNotApproved, PolicyRuleIds.ModelPendingApproval, PolicyRuleIds.ModelNotAllowedForGroup, ScanRuleIds.StrayModelFile], false,
            RiskTreatment.Reduce, "Approve (registry pin, review, approve) or remove each unapproved model; restrict hub access at the proxy; scan endpoints on a schedule.",
            ["ISO27001:A.5.9", "ISO27001:A.5.36", "ISO27001:A.8.19", "ISO42001:A.4.2", "ISO42001:A.6.2.5", "ISO9001:8.4", "ISO9001:10.2", "NIST-AI-RMF:GOVERN-1.6"],
            (p, _) => p is null ? "None recorded: no policy given." : $"Approved-model registry pinned by digest ({Count(p.Models.Count)} entries, {Count(p.Models.Count(m => m.Status == ModelStatus.Approved))} approved); lantern scan --policy raises LNT-POL-001 for any other model."),

        new("LAI-R02", "Tampered or malicious model files",
            "A model file is trojaned (pickle code, template injection) or swapped on disk → loading it executes code or changes behaviour → endpoint compromise or manipulated outputs.",
            2, "malicious models on public hubs are documented but rare", 5, "code execution on the endpoint with the user's rights",
            Scope.Models, OwnerKind.ModelOwners, false,
            [PolicyRuleIds.DigestDrift, PolicyRuleIds.UnsafeArtifact, PolicyRuleIds.ArtifactNotJudged, ScanRuleIds.DigestMismatch], true,
            RiskTreatment.Avoid, "Quarantine and delete files judged malicious or suspicious or whose digest drifted; re-pull from an allowed source; prefer safetensors/GGUF over pickle formats.",
            ["ISO27001:A.8.7", "ISO27001:A.5.21", "ISO27001:A.8.24", "ISO42001:A.6.2.4", "ISO9001:8.4", "NIST-AI-RMF:MANAGE-3.2"],
            (p, inv) => $"Static vetting of model files (verdicts on {Count(inv.Artifacts.Count(a => a.Verdict is not null))} of {Count(inv.Artifacts.Count)} files); " +
                (p is null ? "no digest pinning (no policy given)." : $"digest pinning in the registry ({Count(p.Models.Sum(m => m.Digests.Count))} digests).")),

        new("LAI-R03", "Vulnerable inference runtimes",
            "A runtime version with a published advisory stays installed → an attacker reaches its API or feeds it a crafted model → code execution, data disclosure or denial of service.",
            3, "runtimes release often and advisories are frequent", 4, "compromise of the endpoint or of the data it serves",
            Scope.Runtimes, OwnerKind.PolicyOwner, false,
            [ScanRuleIds.KnownAdvisory, ScanRuleIds.VersionUnknown, PolicyRuleIds.RuntimeBelowMinimum, PolicyRuleIds.RuntimeAdvisory, PolicyRuleIds.RuntimeNotAllowed], false,
            RiskTreatment.Reduce, "Update runtimes to the fixed version; set minimum versions in the policy; keep services on loopback until patched.",
            ["ISO27001:A.8.8", "ISO27001:A.8.19", "ISO42001:A.6.2.6", "ISO9001:6.1", "NIST-AI-RMF:MEASURE-3.1", "NIST-AI-RMF:MANAGE-3.1"],
            (p, _) => "Advisory matching at every scan (LNT-SCN-001)" + (p is null ? "; no runtime policy given." :
                $"; policy fails on advisories ≥ {p.Runtimes.FailOnAdvisory}; minimum versions: {(p.Runtimes.Allowed.Count == 0 ? "none" : string.Join(", ", p.Runtimes.Allowed.Select(r => r.MinVersion is null ? r.Id : $"{r.Id} ≥ {r.MinVersion}")))}.")),

        new("LAI-R04", "Inference API exposed beyond the endpoint",
            "A runtime binds to all interfaces without authentication (e.g. OLLAMA_HOST=0.0.0.0) → anyone on the network calls or changes its models → data disclosure, model tampering, resource abuse.",
            2, "the default bind is loopback, but one environment variable changes it", 4, "unauthenticated access to models and prompts from the network",
            Scope.Servers, OwnerKind.PolicyOwner, false,
            [ScanRuleIds.ExposedServer, PolicyRuleIds.ServerExposed], false,
            RiskTreatment.Reduce, "Bind to 127.0.0.1, or put the authenticating lantern gateway or a host firewall in front.",
            ["ISO27001:A.8.20", "ISO27001:A.8.9", "ISO27001:A.5.15", "ISO42001:A.6.2.6"],
            (p, _) => "Listener probe at every scan (LNT-SCN-003)" + (p is null ? "." : p.Exposure.AllowNonLoopback ? "; the policy allows non-loopback listeners." : "; the policy forbids non-loopback listeners.")),

        new("LAI-R05", "Model licence violation",
            "A model whose licence forbids commercial use, or carries conditions nobody reviewed, is used for company work → licence breach → legal claims, forced withdrawal of products built with it.",
            2, "many open-weight licences restrict commercial use or add conditions", 3, "legal exposure and rework",
            Scope.Models, OwnerKind.ModelOwners, true,
            [ScanRuleIds.NonCommercialLicense, ScanRuleIds.LicenseUnknown, PolicyRuleIds.LicenseDenied, PolicyRuleIds.LicenseNeedsReview], false,
            RiskTreatment.Reduce, "Review each flagged licence with legal; replace denied models; record the decision in the policy's licence lists.",
            ["ISO27001:A.5.32", "ISO27001:A.5.20", "ISO42001:A.10.3", "ISO9001:8.4", "NIST-AI-RMF:GOVERN-6.1"],
            (p, _) => "Licence identification at every scan (LNT-SCN-005/006)" + (p is null ? "; no licence policy given." :
                $"; licence lists: allow {Count(p.Licenses.Allow.Count)}, review {Count(p.Licenses.Review.Count)}, deny {Count(p.Licenses.Deny.Count)}; unlisted → {p.Licenses.Unlisted.ToString().ToLowerInvariant()}.")),

        new("LAI-R06", "Confidential data sent to unapproved models",
            "Users paste confidential or personal data into a model not approved for that class → the data is processed outside the agreed controls → breach of classification rules, GDPR exposure.",
            3, "users do not see the difference between models", 4, "disclosure of confidential or personal data",
            Scope.Models, OwnerKind.PolicyOwner, true,
            [PolicyRuleIds.ModelNotApproved, PolicyRuleIds.ModelNotAllowedForGroup, ScanRuleIds.StrayModelFile], false,
            RiskTreatment.Reduce, "Publish the approved use cases and data classes per model; route use through the gateway with classification; train users.",
            ["ISO27001:A.5.12", "ISO27001:A.5.14", "ISO27001:A.5.34", "ISO27001:A.8.12", "ISO42001:A.9.4", "NIST-AI-RMF:GOVERN-2.2"],
            (p, _) => p is null ? "None recorded: no policy given." :
                $"Data classes {string.Join(" < ", p.Classifications)}; {Count(p.UseCases.Count)} use case(s) with a maximum class; {Count(p.Groups.Count)} user group(s)."),

        new("LAI-R07", "Unreviewed AI output in controlled documents",
            "AI-generated text or code enters controlled documents or products without review → errors are released → nonconforming outputs, customer impact.",
            3, "review is easy to skip under time pressure", 3, "nonconforming product or document released",
            Scope.Host, OwnerKind.PolicyOwner, true,
            [], false,
            RiskTreatment.Reduce, "Require human review or approval for use cases that feed controlled documents; record output disposition through the gateway.",
            ["ISO9001:8.6", "ISO9001:8.7", "ISO42001:A.9.3", "NIST-AI-RMF:MAP-3.5", "EU-AI-ACT:Art.26(2)"],
            (p, _) => p is null ? "None recorded: no policy given." :
                ReviewedUseCases(p) is { Count: > 0 } reviewed ? $"Use cases requiring human review or approval: {string.Join(", ", reviewed)}." : "No use case requires human review or approval."),

        new("LAI-R08", "Missing inference logs (loss of traceability)",
            "Models are called directly instead of through the audit gateway → no record of who asked what of which model → outputs cannot be traced, incidents cannot be investigated, log duties unmet.",
            3, "direct calls to a local runtime leave no log", 3, "no traceability of outputs; record-keeping duties unmet",
            Scope.Servers, OwnerKind.PolicyOwner, false,
            [ScanRuleIds.ExposedServer, PolicyRuleIds.ServerExposed], false,
            RiskTreatment.Reduce, "Run lantern gateway in front of every runtime, keep its hash-chained log ≥ 6 months and verify it with lantern audit verify.",
            ["ISO27001:A.8.15", "ISO27001:A.5.33", "ISO42001:A.6.2.8", "ISO9001:8.5.2", "EU-AI-ACT:Art.26(6)"],
            (_, _) => "lantern gateway audit log, where deployed (a scan cannot see whether calls go through it; verify the log separately)."),

        new("LAI-R09", "Model drift and untracked updates",
            "A model is updated in place, deprecated or retired, or its approval lapses → the bytes in use are no longer the ones validated → behaviour changes without review.",
            3, "tags such as :latest move; reviews lapse", 3, "validated behaviour no longer holds",
            Scope.Models, OwnerKind.ModelOwners, true,
            [PolicyRuleIds.DigestDrift, PolicyRuleIds.ModelDeprecated, PolicyRuleIds.ModelRetired, PolicyRuleIds.ModelReviewOverdue, PolicyRuleIds.PolicyReviewOverdue], false,
            RiskTreatment.Reduce, "Pin digests, re-validate on change, remove deprecated and retired models, keep review dates.",
            ["ISO27001:A.8.32", "ISO27001:A.5.22", "ISO42001:A.6.2.6", "ISO9001:8.5.6", "NIST-AI-RMF:MANAGE-4.1"],
            (p, _) => p is null ? "None recorded: no policy given." :
                $"Digest pinning; review dates on {Count(p.Models.Count(m => m.ReviewBy is not null))} of {Count(p.Models.Count)} entries; policy review by {ReportText.Date(p.Metadata.ReviewBy)}."),

        new("LAI-R10", "Supplier and provenance of models unknown",
            "Models come from unvetted publishers or hubs, or have no owner → nobody answers for their origin, licence or fitness → supply-chain compromise goes unnoticed.",
            3, "hub repositories are easy to publish and to impersonate", 3, "no accountable owner; provenance cannot be shown",
            Scope.Models, OwnerKind.PolicyOwner, true,
            [PolicyRuleIds.SourceNotAllowed, PolicyRuleIds.ModelWithoutOwner, ScanRuleIds.LicenseUnknown], false,
            RiskTreatment.Reduce, "Allow only named hubs and organisations; give every registry entry an owner; record the source of each model.",
            ["ISO27001:A.5.19", "ISO27001:A.5.21", "ISO42001:A.7.5", "ISO42001:A.10.3", "NIST-AI-RMF:MAP-4.1", "NIST-AI-RMF:MANAGE-3.1"],
            (p, _) => p is null ? "None recorded: no policy given." :
                $"Source patterns: allow {Count(p.Sources.Allow.Count)}, deny {Count(p.Sources.Deny.Count)}; owners on {Count(p.Models.Count(m => !string.IsNullOrWhiteSpace(m.Owner)))} of {Count(p.Models.Count)} entries."),
    ];

    /// <summary>The standing risks, in id order, scored against this endpoint.</summary>
    public static IReadOnlyList<RiskRow> Build(Inventory inventory, LocalAiPolicy? policy, IReadOnlyList<Finding> findings, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(findings);
        var rows = new List<RiskRow>(Templates.Length);
        foreach (Template t in Templates)
        {
            List<Finding> matching = [.. findings.Where(f => Matches(t, f.RuleId))];
            Severity? worst = matching.Where(f => f.Severity >= Severity.Low).Select(f => (Severity?)f.Severity).Max();

            int likelihood = t.BaseLikelihood;
            var why = new List<string> { $"base {Count(t.BaseLikelihood)}: {t.LikelihoodBasis}" };
            if (t.PolicyIsMainControl && policy is null)
            {
                likelihood++;
                why.Add("+1: no policy given");
            }
            if (t.Id == "LAI-R07" && policy is not null && ReviewedUseCases(policy).Count == 0)
            {
                likelihood++;
                why.Add("+1: no use case requires review");
            }
            if (worst is Severity w)
            {
                int bump = w >= Severity.High ? 2 : 1;
                likelihood += bump;
                why.Add($"+{Count(bump)}: matching findings up to {EvidenceReportWriter.SeverityText(w)}");
            }
            likelihood = Math.Clamp(likelihood, 1, 5);

            int score = checked(likelihood * t.Impact);
            string level = score switch
            {
                <= 4 => "low",
                <= 9 => "medium",
                <= 15 => "high",
                _ => "critical",
            };
            RiskTreatment treatment = level == "low" && worst is null ? RiskTreatment.Accept : t.Treatment;
            string action = treatment == RiskTreatment.Accept && t.Treatment != RiskTreatment.Accept
                ? "Accept and monitor: re-scan at the next review; " + char.ToLowerInvariant(t.Action[0]) + t.Action[1..]
                : t.Action;

            rows.Add(new RiskRow(
                t.Id,
                t.Title,
                t.Description,
                AssetScope(t, inventory, matching),
                likelihood,
                string.Join("; ", why),
                t.Impact,
                t.ImpactRationale,
                score,
                level,
                t.ExistingControls(policy, inventory),
                Observations(matching),
                matching.Count,
                [.. matching.Select(f => f.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                treatment,
                action,
                OwnerOf(t, inventory, policy),
                t.Controls,
                ReviewDate(level, today, policy)));
        }
        return rows;
    }

    /// <summary>Rule ids each risk's likelihood reacts to, for docs and tests.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> MatchingRules { get; } =
        Templates.ToDictionary(t => t.Id, t => (IReadOnlyList<string>)[.. t.Rules, .. t.IncludesVetting ? CheckCatalogue.VettingRulePrefixes.Select(p => p + "*") : []], StringComparer.Ordinal);

    /// <summary>Control refs each risk cites, for docs and tests.</summary>
    public static IEnumerable<string> AllControlRefs => Templates.SelectMany(t => t.Controls);

    private static bool Matches(Template t, string ruleId) =>
        t.Rules.Contains(ruleId, StringComparer.Ordinal)
        || (t.IncludesVetting && CheckCatalogue.VettingRulePrefixes.Any(p => ruleId.StartsWith(p, StringComparison.Ordinal)));

    private static List<string> ReviewedUseCases(LocalAiPolicy policy) =>
        [.. policy.UseCases.Where(u => u.OutputHandling is OutputHandling.HumanReview or OutputHandling.Approval).Select(u => u.Id)];

    private static string Observations(List<Finding> matching)
    {
        if (matching.Count == 0)
        {
            return "No matching finding.";
        }
        IEnumerable<string> parts = matching
            .GroupBy(f => f.RuleId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} ×{Count(g.Count())} ({EvidenceReportWriter.SeverityText(g.Max(f => f.Severity))})");
        return $"{Count(matching.Count)} finding(s): {string.Join(", ", parts)}.";
    }

    private static string AssetScope(Template t, Inventory inventory, List<Finding> matching)
    {
        string host = ReportText.Clean(inventory.Host);
        switch (t.Scope)
        {
            case Scope.Runtimes:
                return inventory.Runtimes.Count == 0
                    ? $"{host}: no runtime found"
                    : $"{host}: {Names(inventory.Runtimes.Select(r => r.Version is null ? r.Id : $"{r.Id} {r.Version}"))}";
            case Scope.Servers:
                return inventory.Servers.Count == 0
                    ? $"{host}: no inference server listening at scan time"
                    : $"{host}: {Names(inventory.Servers.Select(s => $"{s.Address}:{Count(s.Port)} ({s.Runtime ?? "unidentified"}, {s.BindScope})"))}";
            case Scope.Host:
                return $"{host} ({ReportText.Clean(inventory.User)}): {Count(inventory.Runtimes.Count)} runtime(s), {Count(inventory.Artifacts.Count)} model file(s)";
            default:
                var named = matching.Select(f => f.Evidence.GetValueOrDefault("modelName") ?? f.Evidence.GetValueOrDefault("path")).OfType<string>().ToList();
                return named.Count > 0
                    ? $"{host}: {Names(named)} (of {Count(inventory.Artifacts.Count)} model file(s))"
                    : inventory.Artifacts.Count == 0
                        ? $"{host}: no model file found"
                        : $"{host}: all {Count(inventory.Artifacts.Count)} model file(s): {Names(inventory.Artifacts.Select(a => a.ModelName ?? Path.GetFileName(a.Path)))}";
        }
    }

    private static string Names(IEnumerable<string> names)
    {
        List<string> distinct = [.. names.Select(ReportText.Clean).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        string shown = string.Join(", ", distinct.Take(MaxScopeNames));
        return distinct.Count > MaxScopeNames ? $"{shown} and {Count(distinct.Count - MaxScopeNames)} more" : shown;
    }

    private static string OwnerOf(Template t, Inventory inventory, LocalAiPolicy? policy)
    {
        if (policy is null)
        {
            return "unassigned (no policy given)";
        }
        if (t.Owner == OwnerKind.ModelOwners)
        {
            var present = inventory.Artifacts.Select(a => a.Sha256).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
            List<string> owners = [.. policy.Models
                .Where(m => m.Digests.Any(present.Contains) && !string.IsNullOrWhiteSpace(m.Owner))
                .Select(m => m.Owner!)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)];
            if (owners.Count > 0)
            {
                return string.Join("; ", owners);
            }
        }
        return policy.Metadata.Owner;
    }

    private static DateOnly ReviewDate(string level, DateOnly today, LocalAiPolicy? policy)
    {
        DateOnly date = today.AddMonths(level switch
        {
            "critical" => 1,
            "high" => 3,
            "medium" => 6,
            _ => 12,
        });
        return policy?.Metadata.ReviewBy is DateOnly reviewBy && reviewBy >= today && reviewBy < date ? reviewBy : date;
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
