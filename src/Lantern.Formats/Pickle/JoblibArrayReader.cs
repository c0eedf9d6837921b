namespace Lantern.Formats.Pickle;

/// <summary>How many bytes follow a joblib <c>NumpyArrayWrapper</c> BUILD, read from its symbolic state.</summary>
/// <param name="ByteCount">product(shape) × itemsize (raw arrays only).</param>
/// <param name="Alignment"><c>numpy_array_alignment_bytes</c> when the state has it (joblib ≥ 1.2): a padding-length byte and padding come first.</param>
/// <param name="HasObjects">Object dtype: a nested protocol-2 pickle follows instead of raw bytes.</param>
internal readonly record struct JoblibArrayLayout(long ByteCount, long? Alignment, bool HasObjects);

/// <summary>
/// Reads a joblib <c>NumpyArrayWrapper</c> state the way <c>NumpyArrayWrapper.read_array</c> uses it
/// (joblib/numpy_pickle.py; formats.md §9.6 A8): the shape must be a tuple of ints, the dtype a <c>numpy.dtype</c>
/// call whose type string has a known item size, the order 'C' or 'F'. Anything else is unreadable: an item size is
/// never guessed, because a wrong guess would hand the next bytes to the opcode walker out of step with joblib.
/// </summary>
internal static class JoblibArrayReader
{
    /// <summary>joblib.dump writes alignment 16 (NUMPY_ARRAY_ALIGNMENT_BYTES); the padding length is one byte, so at most 255.</summary>
    private const int MaxAlignment = 255;

    public static bool IsStateKey(string key) => key is "shape" or "dtype" or "order" or "numpy_array_alignment_bytes";

    /// <summary>A NumpyArrayWrapper instance (joblib ≥ 0.10 and the copy vendored as sklearn.externals.joblib).</summary>
    public static bool IsWrapper(PickleSymbol? symbol) =>
        symbol is { Kind: PickleSymbolKind.CallResult, Name: "NumpyArrayWrapper", Module: "joblib.numpy_pickle" or "sklearn.externals.joblib.numpy_pickle" };

    /// <summary><c>numpy.dtype</c> as NumPy 1.x and 2.x reduce it (numpy/_core/src/multiarray/descriptor.c arraydescr_reduce).</summary>
    public static bool IsDtype(PickleSymbol? symbol) =>
        symbol is { Kind: PickleSymbolKind.Global, Name: "dtype", Module: "numpy" or "numpy.core.multiarray" or "numpy._core.multiarray" };

    public static JoblibArrayLayout Layout(PickleValue state, Func<PickleSymbol?, string?> dtypeName, long offset)
    {
        if (state.Kind != ValueKind.Dict || state.Ref is not DictShape { Entries: { } entries })
        {
            throw Invalid(offset, "The NumpyArrayWrapper state is not a dict with shape and dtype.");
        }
        if (!entries.TryGetValue("dtype", out PickleValue dtype) || dtypeName(dtype.Symbol) is not { } name)
        {
            throw new PickleLimitException("joblib.unsupported-dtype", offset, "The NumpyArrayWrapper dtype is not a numpy.dtype this decoder can size; the array bytes that follow were not read.");
        }
        if (!entries.TryGetValue("order", out PickleValue order) || order.Text is not ("C" or "F"))
        {
            throw Invalid(offset, "The NumpyArrayWrapper order is not 'C' or 'F'.");
        }
        long? alignment = null;
        if (entries.TryGetValue("numpy_array_alignment_bytes", out PickleValue align) && align.Kind != ValueKind.NoneValue)
        {
            if (align.Kind != ValueKind.Integer || align.Ref is not null || align.Number is < 1 or > MaxAlignment)
            {
                throw Invalid(offset, "numpy_array_alignment_bytes is not an int from 1 to 255.");
            }
            alignment = align.Number;
        }
        int? itemSize = ItemSize(name, out bool hasObjects);
        if (hasObjects)
        {
            return new JoblibArrayLayout(0, alignment, HasObjects: true);
        }
        if (itemSize is not { } size)
        {
            throw new PickleLimitException("joblib.unsupported-dtype", offset, $"dtype '{(name.Length <= 32 ? name : name[..32])}' has no item size this decoder knows; the array bytes that follow were not read.");
        }
        if (!entries.TryGetValue("shape", out PickleValue shape) || shape.Kind != ValueKind.Tuple || shape.Ref is not PickleValue[] dims)
        {
            throw Invalid(offset, "The NumpyArrayWrapper shape is not a short tuple.");
        }
        long count = 1;
        try
        {
            foreach (PickleValue dim in dims)
            {
                if (dim.Kind != ValueKind.Integer || dim.Ref is not null || dim.Number < 0)
                {
                    throw Invalid(offset, "The NumpyArrayWrapper shape holds something other than non-negative ints.");
                }
                count = checked(count * dim.Number);
            }
            return new JoblibArrayLayout(checked(count * size), alignment, HasObjects: false);
        }
        catch (OverflowException)
        {
            throw Invalid(offset, "The NumpyArrayWrapper shape's byte count overflows 63 bits.");
        }
    }

    /// <summary>
    /// Item size of a NumPy type string: an optional byte-order prefix (&lt; &gt; | =) then a kind and size
    /// (b1 i1 u1 i2 u2 f2 i4 u4 f4 i8 u8 f8 c8 c16 f16, '?' for bool) or a name (bool, int8 … float64, complex128).
    /// 'O' is an object dtype. Null when unknown (strings, void, structured, datetime: not sized here).
    /// </summary>
    internal static int? ItemSize(string name, out bool hasObjects)
    {
        ReadOnlySpan<char> s = name;
        if (s.Length > 0 && s[0] is '<' or '>' or '|' or '=')
        {
            s = s[1..];
        }
        hasObjects = s is "O" or "O4" or "O8" or "object";
        return s switch
        {
            "b1" or "i1" or "u1" or "?" or "bool" or "int8" or "uint8" => 1,
            "i2" or "u2" or "f2" or "int16" or "uint16" or "float16" => 2,
            "i4" or "u4" or "f4" or "int32" or "uint32" or "float32" => 4,
            "i8" or "u8" or "f8" or "c8" or "int64" or "uint64" or "float64" or "complex64" => 8,
            "c16" or "f16" or "complex128" => 16,
            _ => null,
        };
    }

    private static PickleInvalidException Invalid(long offset, string message) => new("joblib.array-state", offset, message);
}
