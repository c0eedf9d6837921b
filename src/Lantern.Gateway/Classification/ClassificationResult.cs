namespace Lantern.Gateway.Classification;

/// <summary>What <see cref="PromptClassifier"/> found in one request's texts.</summary>
public sealed record ClassificationResult
{
    /// <summary>
    /// The data class of the request: the highest class of any hit, the lowest class when nothing hit,
    /// and the HIGHEST class when the texts could not be scanned completely (<see cref="Truncated"/>).
    /// </summary>
    public required string DataClass { get; init; }

    /// <summary>Hits per detector type id. Counts only, never values: safe for audit records at every capture level.</summary>
    public required IReadOnlyDictionary<string, int> HitCounts { get; init; }

    /// <summary>
    /// True when part of the input was not scanned (size limit, hit limit or a regex time-out). The data class is
    /// then the highest one, fail closed; <see cref="FailClosedReason"/> says why.
    /// </summary>
    public bool Truncated { get; init; }

    /// <summary>Why the request was classified at the highest class without a full scan; null when it was scanned fully.</summary>
    public string? FailClosedReason { get; init; }

    /// <summary>Positions of the hits, ordered by text and start. For redaction only, not for logging.</summary>
    public required IReadOnlyList<DetectorHit> Hits { get; init; }

    /// <summary>
    /// How many characters of each text were scanned (same order as the input). A text whose scanned length is
    /// below its length was cut by the size limit; <see cref="Redactor.RedactAll"/> masks the unscanned rest.
    /// </summary>
    public required IReadOnlyList<int> ScannedLengths { get; init; }

    /// <summary>Characters scanned over all texts.</summary>
    public long ScannedChars { get; init; }
}
