namespace Lantern.Formats.Pickle;

/// <summary>What a symbolic stack value stands for (the decoder never builds real Python objects).</summary>
public enum PickleSymbolKind
{
    /// <summary>A global resolved through <c>find_class</c> (GLOBAL, STACK_GLOBAL, INST): a module attribute, class, function or module.</summary>
    Global,

    /// <summary>The object a call produced (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST).</summary>
    CallResult,

    /// <summary>What the loader's <c>persistent_load</c> returned for a PERSID/BINPERSID id.</summary>
    Persistent,

    /// <summary>An object from the copyreg extension registry (EXT1/2/4): an import whose name the file does not say.</summary>
    Extension,

    /// <summary>A literal: None, bool, int, float, str, bytes, bytearray.</summary>
    Constant,

    /// <summary>A container built by opcodes: tuple, list, dict, set, frozenset.</summary>
    Container,

    /// <summary>An out-of-band buffer (NEXT_BUFFER).</summary>
    Buffer,
}

/// <summary>A callable or target as the judge sees it: its kind, the import it came from, and words for evidence.</summary>
public sealed record PickleSymbol(PickleSymbolKind Kind, string? Module, string? Name, string Description)
{
    /// <summary><c>module.name</c> for globals, otherwise the description. A call result keeps its callee in Module/Name.</summary>
    public string FullName => Kind == PickleSymbolKind.Global && Module is not null ? $"{Module}.{Name}" : Description;
}

/// <summary>One distinct import (first occurrence, plus how often it recurred).</summary>
public sealed class PickleImport
{
    /// <summary>Module after the <c>_compat_pickle</c> mapping (what CPython imports).</summary>
    public required string Module { get; init; }

    /// <summary>Name after the mapping; may be dotted (attribute path, resolved by protocol ≥ 4 <c>find_class</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Module as written in the file.</summary>
    public required string RawModule { get; init; }

    /// <summary>Name as written in the file.</summary>
    public required string RawName { get; init; }

    public required long Offset { get; init; }

    public required string Opcode { get; init; }

    public required int Stream { get; init; }

    /// <summary>True when STACK_GLOBAL's operands were not string literals: the name is computed while loading.</summary>
    public bool Dynamic { get; init; }

    public long Count { get; internal set; } = 1;

    public override string ToString() => $"{Module}.{Name} @{Offset} ({Opcode})";
}

/// <summary>One distinct call site: REDUCE, NEWOBJ, NEWOBJ_EX, OBJ or INST.</summary>
public sealed class PickleCall
{
    public required PickleSymbol Callable { get; init; }

    public required string Opcode { get; init; }

    public required long Offset { get; init; }

    /// <summary>Argument summary: kinds, and short strings verbatim (<c>(str 'latin1', int)</c>).</summary>
    public required string Arguments { get; init; }

    public required int Stream { get; init; }

    public long Count { get; internal set; } = 1;

    public override string ToString() => $"{Opcode} {Callable.FullName}{Arguments} @{Offset}";
}

/// <summary>One distinct BUILD: <c>__setstate__</c> or <c>__dict__</c>/setattr on the target. Also SETITEM(S)/APPEND(S)/ADDITEMS on a non-container.</summary>
public sealed class PickleBuild
{
    public required PickleSymbol Target { get; init; }

    /// <summary>State summary (<c>dict</c>, <c>tuple</c>…; <c>dict with dunder keys</c> when a key starts and ends with __).</summary>
    public required string State { get; init; }

    public required string Opcode { get; init; }

    public required long Offset { get; init; }

    public required int Stream { get; init; }

    public long Count { get; internal set; } = 1;
}

/// <summary>One distinct persistent id shape (PyTorch: <c>('storage', torch.FloatStorage, key, location, numel)</c>).</summary>
public sealed class PicklePersistentId
{
    public required string Summary { get; init; }

    /// <summary>The first tuple element when it is a short string (<c>storage</c> for PyTorch).</summary>
    public string? Tag { get; init; }

    public required string Opcode { get; init; }

    public required long Offset { get; init; }

    public required int Stream { get; init; }

    public long Count { get; internal set; } = 1;
}

/// <summary>
/// Something CPython accepts but a careful writer never produces, or where CPython's C and Python unpicklers disagree
/// (formats.md §9.6 B12–B14): codes <c>pickle.frame-boundary</c>, <c>pickle.duplicate-proto</c>,
/// <c>pickle.opcode-above-protocol</c>, <c>pickle.out-of-band-buffer</c>, <c>pickle.cross-stream-memo</c>,
/// <c>pickle.memo-overwrite</c>, <c>pickle.stack-not-empty</c>.
/// </summary>
public sealed record PickleAnomaly(string Code, long Offset, string Message, int Stream);

/// <summary>Why decoding stopped early. Events before <see cref="Offset"/> are kept in the trace.</summary>
/// <param name="LimitReached">True when a <see cref="PickleDecoderOptions"/> bound stopped decoding (the input may be fine).</param>
public sealed record PickleError(string Code, long Offset, string Message, bool LimitReached);

/// <summary>One pickle in the stream: where it started and ended, and what its top-of-stack was at STOP.</summary>
public sealed record PickleStreamInfo(int Index, long Start, long End, bool Completed, PickleSymbolKind? Result, string ResultDescription);

/// <summary>
/// Everything <see cref="PickleDecoder"/> saw, in the order of first occurrence: imports, calls, builds, persistent
/// ids, anomalies, the streams, and the error that stopped it (if any). Identical records are counted, not repeated.
/// </summary>
public sealed class PickleTrace
{
    internal List<PickleImport> ImportList { get; } = [];

    internal List<PickleCall> CallList { get; } = [];

    internal List<PickleBuild> BuildList { get; } = [];

    internal List<PicklePersistentId> PersistentIdList { get; } = [];

    internal List<PickleAnomaly> AnomalyList { get; } = [];

    internal List<PickleStreamInfo> StreamList { get; } = [];

    public IReadOnlyList<PickleImport> Imports => ImportList;

    public IReadOnlyList<PickleCall> Calls => CallList;

    public IReadOnlyList<PickleBuild> Builds => BuildList;

    public IReadOnlyList<PicklePersistentId> PersistentIds => PersistentIdList;

    public IReadOnlyList<PickleAnomaly> Anomalies => AnomalyList;

    public IReadOnlyList<PickleStreamInfo> Streams => StreamList;

    /// <summary>Set when decoding stopped before the last STOP (truncated, invalid, or over a limit).</summary>
    public PickleError? Error { get; internal set; }

    /// <summary>Offset of bytes after the last STOP that do not start another pickle, or null when the input ended cleanly.</summary>
    public long? TrailingDataOffset { get; internal set; }

    /// <summary>Opcodes decoded in all streams.</summary>
    public long OpcodeCount { get; internal set; }

    /// <summary>joblib inline arrays skipped (raw buffers) or decoded (object arrays) when <see cref="PickleDecoderOptions.JoblibArrays"/> is on.</summary>
    public long InlineArrayCount { get; internal set; }

    /// <summary>
    /// Raw arrays written without alignment padding (joblib &lt; 1.2): plain <c>pickle.load</c> reads their bytes as
    /// opcodes, whereas the padding-length byte (1–16, no such opcode) stops it at once.
    /// </summary>
    public long UnpaddedInlineArrayCount { get; internal set; }

    /// <summary>Raw bytes (padding and array data) skipped for joblib inline arrays.</summary>
    public long InlineArrayBytes { get; internal set; }

    /// <summary>Bytes consumed from the stream.</summary>
    public long BytesRead { get; internal set; }

    /// <summary>True when every stream ended with STOP and no error stopped decoding.</summary>
    public bool Completed => Error is null && StreamList.Count > 0 && StreamList.TrueForAll(s => s.Completed);
}
