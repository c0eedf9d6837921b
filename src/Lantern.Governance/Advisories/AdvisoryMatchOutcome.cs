using Lantern.Core.Model;

namespace Lantern.Governance.Advisories;

/// <summary>
/// The answer to "which advisories apply to this runtime at this version", with enough to tell
/// "nothing applies" apart from "could not check": an unknown or unparseable version is never
/// silently reported as not vulnerable.
/// </summary>
public sealed record AdvisoryMatchOutcome
{
    public required string RuntimeId { get; init; }
    public string? Version { get; init; }

    /// <summary>True when the runtime id is in Lantern's runtime → package table.</summary>
    public bool RuntimeKnown { get; init; }

    /// <summary>True when the version parsed under the package's version order and could be compared with the ranges.</summary>
    public bool VersionComparable { get; init; }

    /// <summary>Why <see cref="VersionComparable"/> is false; null when it is true.</summary>
    public string? Reason { get; init; }

    public IReadOnlyList<AdvisoryMatch> Matches { get; init; } = [];

    /// <summary>Advisories filed against this package whose ranges could not be compared with the version (GIT-only, unparseable events).</summary>
    public IReadOnlyList<string> Unevaluated { get; init; } = [];
}
