namespace Lantern.Governance.Policy.Loading;

/// <summary>Limits and the reference date for <see cref="PolicyLoader"/>.</summary>
public sealed record PolicyLoadOptions
{
    /// <summary>
    /// Largest file accepted, checked before parsing. A real policy with a few hundred registry entries is
    /// tens of KiB; 1 MiB leaves ample room while keeping a hostile file from costing memory or time.
    /// </summary>
    public const int DefaultMaxFileBytes = 1024 * 1024;

    /// <summary>
    /// Deepest nesting of mappings and lists. The schema needs 4 (root → models → entry → digests); 32 leaves
    /// room for mistakes to be reported as such while refusing <c>[[[[…</c> bombs long before they cost anything.
    /// </summary>
    public const int DefaultMaxDepth = 32;

    /// <summary>Most YAML nodes (scalars, mappings, lists). 1 MiB of dense <c>[a,a,a…]</c> is ~500 000 nodes; real files have a few thousand.</summary>
    public const int DefaultMaxNodes = 100_000;

    /// <summary>Longest single value; descriptions are a paragraph, everything else an id or a name.</summary>
    public const int DefaultMaxScalarLength = 8 * 1024;

    public static PolicyLoadOptions Default { get; } = new();

    public int MaxFileBytes { get; init; } = DefaultMaxFileBytes;
    public int MaxDepth { get; init; } = DefaultMaxDepth;
    public int MaxNodes { get; init; } = DefaultMaxNodes;
    public int MaxScalarLength { get; init; } = DefaultMaxScalarLength;

    /// <summary>Date that review deadlines are compared with; null means today's UTC date.</summary>
    public DateOnly? Today { get; init; }
}
