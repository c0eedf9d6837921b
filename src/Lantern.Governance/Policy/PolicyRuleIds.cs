namespace Lantern.Governance.Policy;

/// <summary>
/// Stable ids of the findings the policy evaluator raises (docs/rules.md, "Policy rules"). Ids never change
/// meaning once shipped: SIEM searches, suppressions and auditors' working papers refer to them.
/// </summary>
public static class PolicyRuleIds
{
    public const string Prefix = "LNT-POL-";

    /// <summary>A model file whose digest is in no registry entry.</summary>
    public const string ModelNotApproved = "LNT-POL-001";

    /// <summary>A registered name (or alias) whose bytes hash to a digest the entry does not pin: drift or tampering.</summary>
    public const string DigestDrift = "LNT-POL-002";

    /// <summary>The digest is registered but the entry is still <c>proposed</c>.</summary>
    public const string ModelPendingApproval = "LNT-POL-003";

    /// <summary>The entry is <c>deprecated</c>, or superseded by another entry.</summary>
    public const string ModelDeprecated = "LNT-POL-004";

    /// <summary>The entry is <c>retired</c>: the model must be gone.</summary>
    public const string ModelRetired = "LNT-POL-005";

    /// <summary>The entry's <c>reviewBy</c> date has passed.</summary>
    public const string ModelReviewOverdue = "LNT-POL-006";

    /// <summary>The policy's own <c>metadata.reviewBy</c> date has passed.</summary>
    public const string PolicyReviewOverdue = "LNT-POL-007";

    /// <summary>The model's licence is on the deny list (or unlisted with <c>unlisted: deny</c>).</summary>
    public const string LicenseDenied = "LNT-POL-008";

    /// <summary>The model's licence needs review (review list, unlisted, unknown, or non-commercial).</summary>
    public const string LicenseNeedsReview = "LNT-POL-009";

    /// <summary>The model's source locator matches no allow pattern, or a deny pattern.</summary>
    public const string SourceNotAllowed = "LNT-POL-010";

    /// <summary>A runtime older than the policy's <c>minVersion</c> (or of unknown version when one is set).</summary>
    public const string RuntimeBelowMinimum = "LNT-POL-011";

    /// <summary>A runtime with an advisory at or above <c>runtimes.failOnAdvisory</c>.</summary>
    public const string RuntimeAdvisory = "LNT-POL-012";

    /// <summary>A runtime not in <c>runtimes.allowed</c> while <c>allowUnlisted</c> is false.</summary>
    public const string RuntimeNotAllowed = "LNT-POL-013";

    /// <summary>An inference server reachable beyond loopback while the policy forbids it.</summary>
    public const string ServerExposed = "LNT-POL-014";

    /// <summary>Vetting judged the artifact malicious or suspicious.</summary>
    public const string UnsafeArtifact = "LNT-POL-015";

    /// <summary>A present model whose registry entry names no owner.</summary>
    public const string ModelWithoutOwner = "LNT-POL-016";

    /// <summary>The scanned user's group may not use this model.</summary>
    public const string ModelNotAllowedForGroup = "LNT-POL-017";

    /// <summary>Vetting could not judge the artifact (malformed, incomplete, unsupported): never treated as safe.</summary>
    public const string ArtifactNotJudged = "LNT-POL-018";
}
