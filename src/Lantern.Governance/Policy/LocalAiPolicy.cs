namespace Lantern.Governance.Policy;

/// <summary>
/// A company's Local AI Use Policy and approved-model registry, as loaded from its YAML file
/// (<c>apiVersion: lantern/v1</c>, <c>kind: LocalAiPolicy</c>; reference: docs/policy.md). Immutable once
/// loaded: the loader validates everything (references, dates, digests) before it hands one out, so
/// evaluators never meet a half-valid policy.
/// </summary>
public sealed record LocalAiPolicy
{
    public const string ApiVersionV1 = "lantern/v1";
    public const string KindName = "LocalAiPolicy";

    public string ApiVersion { get; init; } = ApiVersionV1;
    public required PolicyMetadata Metadata { get; init; }

    /// <summary>Data classes, lowest first (<c>Public</c>, <c>Internal</c>, <c>Confidential</c>, <c>Restricted</c>).</summary>
    public IReadOnlyList<string> Classifications { get; init; } = [];

    public IReadOnlyList<UseCase> UseCases { get; init; } = [];

    /// <summary>The approved-model registry.</summary>
    public IReadOnlyList<RegisteredModel> Models { get; init; } = [];

    public SourceRules Sources { get; init; } = new();
    public LicenseRules Licenses { get; init; } = new();
    public RuntimeRules Runtimes { get; init; } = new();
    public ExposureRules Exposure { get; init; } = new();

    /// <summary>Tiers that narrow models, use cases and data classes for their members.</summary>
    public IReadOnlyList<UserGroup> Groups { get; init; } = [];

    /// <summary>How <c>lantern gateway</c> applies this policy to live calls; null when the file has no <c>gateway:</c> section.</summary>
    public GatewayPolicy? Gateway { get; init; }

    /// <summary>The policy's own prompt classification rules; null when the file has no <c>dataClassification:</c> section.</summary>
    public DataClassificationPolicy? DataClassification { get; init; }

    /// <summary>Rank of a classification (0 = lowest), or -1 when the policy does not define it.</summary>
    public int ClassificationRank(string classification)
    {
        for (int i = 0; i < Classifications.Count; i++)
        {
            if (string.Equals(Classifications[i], classification, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>Who owns the policy, who approved it and when it must be reviewed again.</summary>
public sealed record PolicyMetadata
{
    public required string Name { get; init; }
    public required string Owner { get; init; }
    public required string Version { get; init; }
    public string? ApprovedBy { get; init; }
    public DateOnly? ApprovedOn { get; init; }
    public DateOnly? ReviewBy { get; init; }
}

/// <summary>What outputs of a use case need before they leave the engineer's hands.</summary>
public enum OutputHandling
{
    /// <summary>No requirement.</summary>
    None,

    /// <summary>Outputs are labelled as AI-assisted.</summary>
    Label,

    /// <summary>A competent person reviews outputs before use (ISO 9001 8.6, ISO/IEC 42001 A.9.3).</summary>
    HumanReview,

    /// <summary>A named approver releases outputs (controlled documents).</summary>
    Approval,
}

/// <summary>An approved purpose for local AI, with the highest data class it may see.</summary>
public sealed record UseCase
{
    public required string Id { get; init; }
    public required string Description { get; init; }
    public required string MaxClassification { get; init; }
    public OutputHandling OutputHandling { get; init; } = OutputHandling.None;
}

/// <summary>Life-cycle state of a registry entry. Only <see cref="Approved"/> models may be used.</summary>
public enum ModelStatus
{
    Proposed,
    Approved,
    Deprecated,
    Retired,
}

/// <summary>One entry of the approved-model registry. Identity is the digest; the name is how runtimes call it.</summary>
public sealed record RegisteredModel
{
    /// <summary>Name as the runtime knows it: <c>llama3.2:1b</c>, <c>meta-llama/Llama-3.2-1B-Instruct</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Runtime detector id (<c>ollama</c>, <c>huggingface</c>, <c>lmstudio</c>…), or null for any.</summary>
    public string? Runtime { get; init; }

    /// <summary>Pinned weights digests, lowercase hex without the <c>sha256:</c> prefix the YAML carries.</summary>
    public IReadOnlyList<string> Digests { get; init; } = [];

    public string? Version { get; init; }

    /// <summary>Where it comes from, as a source locator (<c>huggingface.co/meta-llama/Llama-3.2-1B</c>).</summary>
    public string? Source { get; init; }

    /// <summary>Licence id as reviewed (SPDX or model-licence id).</summary>
    public string? License { get; init; }

    public string? Owner { get; init; }
    public IReadOnlyList<string> UseCases { get; init; } = [];
    public string? MaxClassification { get; init; }
    public ModelStatus Status { get; init; } = ModelStatus.Proposed;

    /// <summary>Name of the registry entry that replaces this one.</summary>
    public string? SupersededBy { get; init; }

    /// <summary>Reference to the validation evidence (ticket, document id, URL).</summary>
    public string? Validation { get; init; }

    public string? ApprovedBy { get; init; }
    public DateOnly? ApprovedOn { get; init; }
    public DateOnly? ReviewBy { get; init; }

    /// <summary>1-based line of the entry in the policy file, for messages and for <c>registry pin</c>.</summary>
    public int Line { get; init; }
}

/// <summary>Allowed (and explicitly denied) model sources, as glob patterns over source locators.</summary>
public sealed record SourceRules
{
    /// <summary>Patterns such as <c>huggingface.co/meta-llama/*</c> or <c>registry.ollama.ai/library/*</c>; empty allows any.</summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>Patterns that are refused even when an allow pattern matches.</summary>
    public IReadOnlyList<string> Deny { get; init; } = [];
}

/// <summary>Licence decisions by id (SPDX or model-licence id, case-insensitive).</summary>
public sealed record LicenseRules
{
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>Licences that need a legal review before use (e.g. non-commercial, research-only).</summary>
    public IReadOnlyList<string> Review { get; init; } = [];
    public IReadOnlyList<string> Deny { get; init; } = [];

    /// <summary>What a licence in none of the lists gets: <c>review</c> (default), <c>allow</c> or <c>deny</c>.</summary>
    public LicenseDecision Unlisted { get; init; } = LicenseDecision.Review;
}

public enum LicenseDecision
{
    Allow,
    Review,
    Deny,
}

/// <summary>Runtime requirements.</summary>
public sealed record RuntimeRules
{
    /// <summary>Advisories at or above this severity are findings that fail the check (<c>low</c>…<c>critical</c>).</summary>
    public string FailOnAdvisory { get; init; } = "high";

    /// <summary>When false, a runtime not listed in <see cref="Allowed"/> is a finding.</summary>
    public bool AllowUnlisted { get; init; } = true;

    public IReadOnlyList<RuntimeRequirement> Allowed { get; init; } = [];
}

/// <summary>A runtime that may be installed, and the lowest version accepted.</summary>
public sealed record RuntimeRequirement
{
    public required string Id { get; init; }
    public string? MinVersion { get; init; }
}

/// <summary>Whether inference servers may listen beyond loopback.</summary>
public sealed record ExposureRules
{
    public bool AllowNonLoopback { get; init; }
}

/// <summary>A tier of users: members get only these models, use cases and data classes.</summary>
public sealed record UserGroup
{
    public required string Id { get; init; }

    /// <summary>OS or gateway user names (case-insensitive).</summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Registry names the group may use; empty means every approved model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Use cases the group may use; empty means all.</summary>
    public IReadOnlyList<string> UseCases { get; init; } = [];

    /// <summary>Highest data class the group may send to a model; null means no narrowing.</summary>
    public string? MaxClassification { get; init; }
}
