namespace Lantern.Vetting.Rules.Pickle;

/// <summary>Rule ids for pickle judgements; each is documented in docs/vetting/pickle.md.</summary>
public static class PickleRules
{
    /// <summary>An import on the deny list (code execution, processes, imports, I/O, network, laundering, nested unpickling).</summary>
    public const string DangerousImport = "LNT-PKL-001";

    /// <summary>An import outside the chosen profile's allowlist.</summary>
    public const string ImportNotAllowed = "LNT-PKL-002";

    /// <summary>STACK_GLOBAL whose module or name is computed while loading (not a string literal).</summary>
    public const string DynamicGlobal = "LNT-PKL-003";

    /// <summary>A call whose callable was itself produced while loading (a call result, persistent object, extension).</summary>
    public const string ComputedCallable = "LNT-PKL-004";

    /// <summary>A call of an allowlisted global that the profile allows as data only, or of a constant.</summary>
    public const string CallNotAllowed = "LNT-PKL-005";

    /// <summary>BUILD, SETITEM(S), APPEND(S) or ADDITEMS on a module, class or function: mutates interpreter state.</summary>
    public const string GlobalMutation = "LNT-PKL-006";

    /// <summary>A dunder attribute in a global's name, or a BUILD state with dunder keys (attribute laundering).</summary>
    public const string DunderAccess = "LNT-PKL-007";

    /// <summary>EXT1/EXT2/EXT4: an import through the copyreg extension registry, name not in the file.</summary>
    public const string ExtensionImport = "LNT-PKL-008";

    /// <summary>A persistent id outside the PyTorch storage convention, or any persistent id outside the PyTorch profile.</summary>
    public const string PersistentId = "LNT-PKL-009";

    /// <summary>The pickle is truncated or invalid before STOP.</summary>
    public const string Malformed = "LNT-PKL-010";

    /// <summary>A decoding limit (opcodes, memo, stack, bytes, string length, streams, events) stopped the walk.</summary>
    public const string LimitReached = "LNT-PKL-011";

    /// <summary>Bytes after the last STOP that are not a pickle (polyglot or hidden payload).</summary>
    public const string TrailingData = "LNT-PKL-012";

    /// <summary>A construct on which CPython's unpicklers and scanners disagree (frames, PROTO, memo, buffers).</summary>
    public const string ParserDifferential = "LNT-PKL-013";

    /// <summary>An allowlisted callable with arguments outside the shape its framework writes (_codecs.encode with a codec other than latin1).</summary>
    public const string UnsafeArguments = "LNT-PKL-014";

    /// <summary>A BUILD on an object the profile does not allow to receive state (not an allowlisted type).</summary>
    public const string BuildNotAllowed = "LNT-PKL-015";

    /// <summary>A joblib NumpyArrayWrapper's array bytes could not be followed exactly (formats.md §9.6 A8): incomplete or malformed.</summary>
    public const string InlineArray = "LNT-PKL-016";
}
