namespace Lantern.Governance.Policy;

/// <summary>
/// How <c>lantern gateway</c> applies the policy to live inference calls (policy key <c>gateway:</c>; docs/policy.md,
/// docs/gateway.md). Defaults are closed: model management, cloud models and unknown routes are refused, and a model
/// must resolve to an approved digest. The gateway maps this onto its own rules; Governance knows nothing of the gateway.
/// </summary>
public sealed record GatewayPolicy
{
    /// <summary>Capture levels the gateway understands, lowest first (docs/gateway.md "Capture levels").</summary>
    public static IReadOnlyList<string> CaptureLevels { get; } = ["none", "metadata", "redacted", "full"];

    /// <summary>Allow model-store changes through the gateway (pull, push, create, copy, delete, blob upload…).</summary>
    public bool AllowManagement { get; init; }

    /// <summary>Allow cloud models and the runtime's cloud/account routes (prompts would leave the machine).</summary>
    public bool AllowCloudModels { get; init; }

    /// <summary>Accept an approved registry name when the upstream exposes no weights digest (single-model servers).</summary>
    public bool AllowApprovedByName { get; init; }

    /// <summary>Forward routes the gateway does not know (e.g. vLLM <c>/v1/audio/*</c>).</summary>
    public bool AllowUnknownRoutes { get; init; }

    /// <summary>
    /// Registry model names whose calls must name a use case. Null (the key absent): every inference call needs one
    /// whenever the policy defines use cases. A list narrows that requirement to these models.
    /// </summary>
    public IReadOnlyList<string>? RequireUseCaseFor { get; init; }

    /// <summary><c>none</c>, <c>metadata</c> (default), <c>redacted</c> or <c>full</c>; the CLI's <c>--capture</c> overrides it.</summary>
    public string CaptureLevel { get; init; } = "metadata";
}

/// <summary>
/// The policy's own prompt classification rules (policy key <c>dataClassification:</c>; docs/data-classification.md):
/// keyword lists and regular expressions that mark text with a data class, and per-detector class overrides.
/// </summary>
public sealed record DataClassificationPolicy
{
    /// <summary>
    /// The gateway's built-in prompt detector ids (docs/data-classification.md "Detectors"); stable, because they appear
    /// in audit records. The gateway's tests check that this list and its detectors agree.
    /// </summary>
    public static IReadOnlyList<string> DetectorIds { get; } =
    [
        "email", "phone", "payment-card", "iban", "us-ssn", "uk-nino", "de-tax-id", "uk-nhs", "aws-access-key", "github-token",
        "slack-token", "openai-key", "anthropic-key", "private-key", "jwt", "generic-secret",
    ];

    public IReadOnlyList<ClassificationKeywords> Keywords { get; init; } = [];
    public IReadOnlyList<ClassificationPattern> Patterns { get; init; } = [];

    /// <summary>Built-in detector id → data class, overriding the detector's default class.</summary>
    public IReadOnlyDictionary<string, string> Detectors { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>Terms that mark text as <see cref="Class"/> (classification markings, project code names).</summary>
public sealed record ClassificationKeywords
{
    public required string Class { get; init; }
    public required IReadOnlyList<string> Terms { get; init; }

    /// <summary>Optional rule name shown in hits; defaults to the class.</summary>
    public string? Name { get; init; }
    public bool CaseSensitive { get; init; }

    /// <summary>1-based position of the entry in the policy file, for messages raised when the gateway builds its rules.</summary>
    public int Line { get; init; }
    public int Column { get; init; }
}

/// <summary>A regular expression that marks text as <see cref="Class"/>; the gateway runs it with NonBacktracking.</summary>
public sealed record ClassificationPattern
{
    public required string Name { get; init; }
    public required string Class { get; init; }
    public required string Regex { get; init; }
    public bool IgnoreCase { get; init; }

    /// <summary>1-based position of the <c>regex</c> value in the policy file, for messages raised when the gateway compiles it.</summary>
    public int Line { get; init; }
    public int Column { get; init; }
}
