namespace Lantern.Formats.Pickle;

/// <summary>
/// Bounds for <see cref="PickleDecoder"/>. Every one is a hostile-input guard (formats.md §9.6 B17: memo/DUP
/// expansion, deep nesting, huge opcode counts or lengths); past a bound decoding stops with
/// <see cref="PickleError.LimitReached"/> set, and what was decoded before is kept.
/// </summary>
public sealed record PickleDecoderOptions
{
    /// <summary>Opcodes per call (all streams together). fickling stops at 1 M; real state dicts of 400B models stay under 10 M.</summary>
    public long MaxOpcodes { get; init; } = 50_000_000;

    /// <summary>Distinct memo keys. CPython's memo is unbounded; fickling uses 100 k; PyTorch memoises every tensor and storage tuple.</summary>
    public int MaxMemoEntries { get; init; } = 5_000_000;

    /// <summary>Stack items plus open MARKs. A state dict needs a few dozen; nesting bombs need millions.</summary>
    public int MaxStackDepth { get; init; } = 1_000_000;

    /// <summary>Bytes decoded from the stream (legacy checkpoints hold their storages after the pickles).</summary>
    public long MaxBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Length of one string, bytes or line argument. Larger claims stop decoding as over-limit.</summary>
    public long MaxStringLength { get; init; } = 1L * 1024 * 1024 * 1024;

    /// <summary>
    /// Strings up to this many bytes are kept as text (module and attribute names, dictionary keys); longer ones are
    /// skipped and kept as a length only. A Python dotted name longer than this is not a real import.
    /// </summary>
    public int MaxNameLength { get; init; } = 1024;

    /// <summary>
    /// Decode pickle after pickle when data follows STOP (legacy PyTorch writes five; formats.md §4, §9.6 A3/B11).
    /// When false, bytes after the first STOP are reported as <see cref="PickleTrace.TrailingDataOffset"/>.
    /// </summary>
    public bool MultipleStreams { get; init; }

    /// <summary>Pickle streams decoded in one call when <see cref="MultipleStreams"/> is on.</summary>
    public int MaxStreams { get; init; } = 64;

    /// <summary>
    /// Distinct trace records (imports, calls, builds, persistent ids, anomalies). Identical records are counted, not
    /// repeated, so a state dict of a million tensors needs a handful; past this bound decoding stops as over-limit.
    /// </summary>
    public int MaxDistinctEvents { get; init; } = 200_000;

    /// <summary>
    /// Follow joblib's inline array buffers (formats.md §9.6 A8; joblib/numpy_pickle.py <c>NumpyArrayWrapper</c>):
    /// after a BUILD on a <c>NumpyArrayWrapper</c> instance, <c>joblib.load</c> reads the alignment padding and
    /// product(shape) × itemsize raw bytes (or a nested protocol-2 pickle for object dtypes) before the next opcode.
    /// On for files <c>joblib.load</c> may open; off where another loader reads the stream (torch.load, numpy).
    /// </summary>
    public bool JoblibArrays { get; init; }

    /// <summary>
    /// Nested object-array pickles decoded per call (each a separate stream in the trace, apart from
    /// <see cref="MaxStreams"/>): a model with many string-label arrays has one per array; opcodes stay under MaxOpcodes.
    /// </summary>
    public int MaxInlineArrayPickles { get; init; } = 100_000;

    /// <summary>Distinct dtype strings remembered for joblib arrays; past this a dtype is unreadable and decoding stops as incomplete.</summary>
    public int MaxDtypeNames { get; init; } = 1024;
}
