namespace Lantern.Formats.Numpy;

/// <summary>The header of a <c>.npy</c> file (numpy/lib/format.py; formats.md §6).</summary>
public sealed record NpyHeader
{
    public required byte Major { get; init; }

    public required byte Minor { get; init; }

    /// <summary>Length of the dict literal plus padding, as the file declares it.</summary>
    public required long HeaderLength { get; init; }

    /// <summary>Where the array data (or, for object arrays, the pickle) starts.</summary>
    public required long DataOffset { get; init; }

    /// <summary>The <c>descr</c> value as written: a dtype string or a structured field list.</summary>
    public required PythonLiteral Descr { get; init; }

    public required bool FortranOrder { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>True when the dtype holds Python objects anywhere (a plain <c>|O</c> or an <c>O</c> field): the body is a pickle.</summary>
    public required bool HasObjects { get; init; }

    /// <summary>Bytes per element (sum over fields for structured dtypes).</summary>
    public required long ItemSize { get; init; }

    /// <summary>Product of the shape: how many elements.</summary>
    public required long ElementCount { get; init; }

    /// <summary>Bytes the data must hold when <see cref="HasObjects"/> is false (element count × item size).</summary>
    public required long DataLength { get; init; }

    /// <summary>Non-fatal oddities (unaligned header, header over numpy's default size limit).</summary>
    public IReadOnlyList<FormatIssue> Issues { get; init; } = [];
}
