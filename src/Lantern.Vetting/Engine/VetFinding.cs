using Lantern.Core.Findings;

namespace Lantern.Vetting.Engine;

/// <summary>
/// One reason behind a verdict: a stable rule id (<c>LNT-PKL-001</c>), the verdict it implies, and
/// the evidence (byte offset, archive member, imported module and name…) that lets a person check it.
/// </summary>
public sealed record VetFinding
{
    public required string RuleId { get; init; }

    /// <summary>The verdict this finding alone implies; the file's verdict is the worst of them.</summary>
    public required Verdict Implies { get; init; }

    public required Severity Severity { get; init; }

    public required string Message { get; init; }

    /// <summary>Evidence keys: <c>offset</c>, <c>member</c>, <c>module</c>, <c>name</c>, <c>opcode</c>, <c>key</c>…</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}
