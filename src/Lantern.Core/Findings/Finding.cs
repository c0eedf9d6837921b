namespace Lantern.Core.Findings;

/// <summary>
/// One thing Lantern wants a person to act on. The rule id is stable across releases
/// (e.g. <c>LNT-SCN-001</c>) so SIEM searches and suppressions keep working.
/// </summary>
public sealed record Finding
{
    public required string RuleId { get; init; }
    public required Severity Severity { get; init; }
    public required string Message { get; init; }

    /// <summary>Path, digest, offset, pid, port… whatever lets someone verify the finding.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Control references such as <c>ISO27001:A.8.8</c>.</summary>
    public IReadOnlyList<string> Controls { get; init; } = [];

    public string? Remediation { get; init; }
}
