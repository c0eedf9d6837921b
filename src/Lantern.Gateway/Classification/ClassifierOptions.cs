namespace Lantern.Gateway.Classification;

/// <summary>
/// What <see cref="PromptClassifier"/> looks for and how hits become a data class. Immutable; validated once when
/// the classifier is built (<see cref="ClassifierConfigurationException"/> on anything unusable).
/// </summary>
public sealed record ClassifierOptions
{
    /// <summary>One mebibyte of characters: large prompts (pasted files, long chat histories) still scan in a few milliseconds.</summary>
    public const int DefaultMaxScanChars = 1024 * 1024;

    /// <summary>
    /// Enough for any real prompt; beyond it a request is hostile or a dump, and recording more positions only costs memory.
    /// </summary>
    public const int DefaultMaxHits = 100_000;

    /// <summary>The policy's usual classes (docs/policy.md), lowest first.</summary>
    public static IReadOnlyList<string> DefaultClassifications { get; } = ["Public", "Internal", "Confidential", "Restricted"];

    /// <summary>
    /// Built-in detector → data class. Secrets and keys give access to systems: Restricted. Cards, bank accounts and
    /// national ids are regulated personal or financial data: Confidential. E-mail addresses and phone numbers are
    /// everyday business contact data: Internal.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultDetectorClasses { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DetectorTypes.Email] = "Internal",
        [DetectorTypes.Phone] = "Internal",
        [DetectorTypes.PaymentCard] = "Confidential",
        [DetectorTypes.Iban] = "Confidential",
        [DetectorTypes.UsSsn] = "Confidential",
        [DetectorTypes.UkNino] = "Confidential",
        [DetectorTypes.DeTaxId] = "Confidential",
        [DetectorTypes.UkNhs] = "Confidential",
        [DetectorTypes.AwsAccessKey] = "Restricted",
        [DetectorTypes.GitHubToken] = "Restricted",
        [DetectorTypes.SlackToken] = "Restricted",
        [DetectorTypes.OpenAiKey] = "Restricted",
        [DetectorTypes.AnthropicKey] = "Restricted",
        [DetectorTypes.PrivateKey] = "Restricted",
        [DetectorTypes.Jwt] = "Restricted",
        [DetectorTypes.GenericSecret] = "Restricted",
    };

    /// <summary>Data classes, lowest first, as in the policy's <c>classifications</c>.</summary>
    public IReadOnlyList<string> Classifications { get; init; } = DefaultClassifications;

    /// <summary>Built-in detectors to run (ids from <see cref="DetectorTypes.BuiltIn"/>); null runs all of them.</summary>
    public IReadOnlyCollection<string>? EnabledDetectors { get; init; }

    /// <summary>Overrides of <see cref="DefaultDetectorClasses"/>; detectors not named here keep their default class.</summary>
    public IReadOnlyDictionary<string, string>? DetectorClasses { get; init; }

    /// <summary>The policy's keyword lists (classification markings, project code names).</summary>
    public IReadOnlyList<KeywordRule> Keywords { get; init; } = [];

    /// <summary>The policy's regular expressions.</summary>
    public IReadOnlyList<PatternRule> Patterns { get; init; } = [];

    /// <summary>Characters scanned per request over all its texts; more makes the request fail closed at the highest class.</summary>
    public int MaxScanChars { get; init; } = DefaultMaxScanChars;

    /// <summary>Hits recorded per request; more stops the scan and makes the request fail closed at the highest class.</summary>
    public int MaxHits { get; init; } = DefaultMaxHits;
}

/// <summary>
/// Terms that mark text as <see cref="DataClass"/>, e.g. <c>CONFIDENTIAL</c> → Confidential, project code names →
/// Restricted. Matched case-insensitively (ordinal) as whole words: a term that starts or ends with a letter or
/// digit does not match inside a longer word.
/// </summary>
public sealed record KeywordRule
{
    public required string DataClass { get; init; }
    public required IReadOnlyList<string> Terms { get; init; }

    /// <summary>Optional name reported in <see cref="DetectorHit.Rule"/>; defaults to the data class.</summary>
    public string? Name { get; init; }

    /// <summary>Match the terms with exact case (e.g. the marking <c>SECRET</c> but not the word "secret").</summary>
    public bool CaseSensitive { get; init; }
}

/// <summary>
/// A policy regular expression that marks text as <see cref="DataClass"/>. Run with
/// <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/> (linear time on any input), so
/// lookarounds, backreferences and atomic groups are refused when the classifier is built.
/// </summary>
public sealed record PatternRule
{
    /// <summary>Short name for reports (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>; at most 64).</summary>
    public required string Name { get; init; }
    public required string DataClass { get; init; }
    public required string Regex { get; init; }
    public bool IgnoreCase { get; init; }
}
