namespace Lantern.Governance.Advisories;

/// <summary>One OSV record as Lantern uses it (OSV schema 1.6, ossf.github.io/osv-schema).</summary>
internal sealed record OsvAdvisory
{
    public required string Id { get; init; }
    public required DateTimeOffset Modified { get; init; }
    public DateTimeOffset? Published { get; init; }
    public DateTimeOffset? Withdrawn { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public required string Summary { get; init; }

    /// <summary><c>low</c>, <c>medium</c>, <c>high</c>, <c>critical</c> or <c>unknown</c>.</summary>
    public string Severity { get; init; } = "unknown";

    /// <summary>Lantern extension (<c>database_specific.fixUnconfirmed</c>): the record names no fixed version we trust.</summary>
    public bool FixUnconfirmed { get; init; }

    public IReadOnlyList<OsvAffected> Affected { get; init; } = [];
}

/// <summary>One <c>affected[]</c> entry.</summary>
internal sealed record OsvAffected
{
    public string? Ecosystem { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<OsvRange> Ranges { get; init; } = [];
    public IReadOnlyList<string> Versions { get; init; } = [];
    public bool FixUnconfirmed { get; init; }
}

/// <summary>One <c>affected[].ranges[]</c> entry: <c>SEMVER</c>, <c>ECOSYSTEM</c> or <c>GIT</c>.</summary>
internal sealed record OsvRange(string Type, IReadOnlyList<OsvEvent> Events);

internal enum OsvEventKind
{
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

internal sealed record OsvEvent(OsvEventKind Kind, string Version);
