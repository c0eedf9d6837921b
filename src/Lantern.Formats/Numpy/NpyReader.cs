using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Lantern.Formats.Numpy;

/// <summary>
/// Reads a <c>.npy</c> header (numpy/lib/format.py, "Format Version 1.0/2.0/3.0"): magic <c>\x93NUMPY</c>, major
/// and minor version, u16 (v1) or u32 (v2, v3) header length, then a Python dict literal with exactly the keys
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, padded with spaces and a newline. Never evaluates the
/// literal, never reads the array data.
/// </summary>
public static partial class NpyReader
{
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>
    /// Largest header read. numpy refuses headers over 10000 bytes by default (<c>max_header_size</c>, numpy ≥ 1.24)
    /// unless the caller raises it; one MiB leaves room for huge structured dtypes without unbounded allocation.
    /// </summary>
    public const int MaxHeaderBytes = 1024 * 1024;

    /// <summary>numpy's default <c>max_header_size</c>.</summary>
    public const int NumpyDefaultMaxHeader = 10_000;

    /// <summary>Most dimensions (numpy's NPY_MAXDIMS is 64 since 2.0, 32 before).</summary>
    public const int MaxDimensions = 64;

    public static NpyHeader Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> fixedPart = stackalloc byte[12];
        int got = ReadAtMost(stream, fixedPart);
        if (got < 10 || !fixedPart.StartsWith(Magic))
        {
            throw new ModelFormatException(got < 10 ? "npy.truncated" : "npy.bad-magic", 0, "Not a .npy file (no \\x93NUMPY magic and version).");
        }
        byte major = fixedPart[6];
        byte minor = fixedPart[7];
        long headerLength;
        int prefix;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[8..]);
            prefix = 10;
        }
        else if (major is 2 or 3)
        {
            if (got < 12)
            {
                throw new ModelFormatException("npy.truncated", got, "The .npy header length is cut off.");
            }
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[8..]);
            prefix = 12;
        }
        else
        {
            throw new ModelFormatException("npy.bad-version", 6, $".npy format version {major}.{minor} does not exist (1.0, 2.0 and 3.0 do).");
        }
        if (minor != 0)
        {
            throw new ModelFormatException("npy.bad-version", 7, $".npy format version {major}.{minor} does not exist (1.0, 2.0 and 3.0 do).");
        }
        if (headerLength > MaxHeaderBytes)
        {
            throw new ModelFormatException("npy.header-over-limit", 8, $"The header claims {headerLength} bytes; the limit is {MaxHeaderBytes}.");
        }
        byte[] header = new byte[headerLength];
        int already = got - prefix;
        int copied = Math.Min(already, header.Length);
        fixedPart.Slice(prefix, copied).CopyTo(header);
        int rest = ReadAtMost(stream, header.AsSpan(Math.Min(already, header.Length)));
        if (Math.Min(already, header.Length) + rest < header.Length)
        {
            throw new ModelFormatException("npy.truncated", prefix + already + rest, $"The header claims {headerLength} bytes; the file ends first.");
        }
        long dataOffset = prefix + headerLength;
        if (already > header.Length)
        {
            // We read past a tiny header: the caller positions by DataOffset, not by the stream.
            stream.Position = dataOffset;
        }

        var issues = new List<FormatIssue>();
        string text;
        try
        {
            text = (major == 3 ? new UTF8Encoding(false, true) : Encoding.Latin1).GetString(header);
        }
        catch (DecoderFallbackException)
        {
            throw new ModelFormatException("npy.header-encoding", prefix, "The version 3.0 header is not valid UTF-8.");
        }
        if (headerLength > NumpyDefaultMaxHeader)
        {
            issues.Add(new FormatIssue("npy.header-over-numpy-limit", 8, $"The header is {headerLength} bytes; numpy refuses headers over {NumpyDefaultMaxHeader} unless told otherwise."));
        }
        if (dataOffset % 16 != 0)
        {
            issues.Add(new FormatIssue("npy.header-unaligned", dataOffset, "The array data does not start on a 16-byte boundary as numpy's writer guarantees (64 since 1.x)."));
        }
        if (!text.EndsWith('\n'))
        {
            issues.Add(new FormatIssue("npy.header-no-newline", dataOffset - 1, "The header does not end with the newline numpy writes."));
        }

        PythonLiteral dict = PythonLiteralParser.Parse(text, prefix);
        if (dict.Kind != PythonLiteralKind.Dict)
        {
            throw new ModelFormatException("npy.header-not-dict", prefix, "The header is not a dict literal.");
        }
        PythonLiteral? descr = null;
        PythonLiteral? fortran = null;
        PythonLiteral? shape = null;
        foreach (KeyValuePair<PythonLiteral, PythonLiteral> entry in dict.Entries)
        {
            string? key = entry.Key.Kind == PythonLiteralKind.Text ? entry.Key.Text : null;
            switch (key)
            {
                case "descr" when descr is null:
                    descr = entry.Value;
                    break;
                case "fortran_order" when fortran is null:
                    fortran = entry.Value;
                    break;
                case "shape" when shape is null:
                    shape = entry.Value;
                    break;
                default:
                    throw new ModelFormatException("npy.header-keys", prefix, $"The header has key '{key ?? "(not a string)"}' duplicated or not one of descr, fortran_order, shape (numpy refuses it).");
            }
        }
        if (descr is null || fortran is null || shape is null)
        {
            throw new ModelFormatException("npy.header-keys", prefix, "The header lacks one of descr, fortran_order, shape.");
        }
        if (fortran.Kind is not (PythonLiteralKind.True or PythonLiteralKind.False))
        {
            throw new ModelFormatException("npy.header-fortran", prefix, "fortran_order is not a bool.");
        }
        if (shape.Kind != PythonLiteralKind.Tuple || shape.Items.Count > MaxDimensions || shape.Items.Any(d => d.Kind != PythonLiteralKind.Number || d.Number < 0))
        {
            throw new ModelFormatException("npy.header-shape", prefix, $"shape is not a tuple of at most {MaxDimensions} non-negative integers.");
        }
        long[] dims = shape.Items.Select(d => d.Number).ToArray();
        (long itemSize, bool hasObjects) = Measure(descr, prefix);
        long count = 1;
        long dataLength;
        try
        {
            foreach (long d in dims)
            {
                count = checked(count * d);
            }
            dataLength = checked(count * itemSize);
        }
        catch (OverflowException)
        {
            throw new ModelFormatException("npy.size-overflow", prefix, "shape × item size overflows 64 bits.");
        }
        return new NpyHeader
        {
            Major = major,
            Minor = minor,
            HeaderLength = headerLength,
            DataOffset = dataOffset,
            Descr = descr,
            FortranOrder = fortran.Kind == PythonLiteralKind.True,
            Shape = dims,
            HasObjects = hasObjects,
            ItemSize = itemSize,
            ElementCount = count,
            DataLength = dataLength,
            Issues = issues,
        };
    }

    /// <summary>
    /// Item size and object-ness of a descr: a dtype string, or a list of (name, descr[, shape]) fields, nested.
    /// Walked with an explicit stack; sizes multiply by sub-array shapes with checked arithmetic.
    /// </summary>
    private static (long ItemSize, bool HasObjects) Measure(PythonLiteral descr, long offset)
    {
        var pending = new Stack<(PythonLiteral Descr, long Multiplier)>();
        pending.Push((descr, 1));
        long total = 0;
        bool objects = false;
        int visited = 0;
        try
        {
            while (pending.Count > 0)
            {
                if (++visited > PythonLiteralParser.MaxItems)
                {
                    throw new ModelFormatException("npy.descr-too-large", offset, "The structured dtype has too many fields.");
                }
                (PythonLiteral d, long multiplier) = pending.Pop();
                if (d.Kind == PythonLiteralKind.Text)
                {
                    (long size, bool isObject) = MeasureScalar(d.Text!, offset);
                    objects |= isObject;
                    total = checked(total + checked(size * multiplier));
                    continue;
                }
                if (d.Kind != PythonLiteralKind.List || d.Items.Count == 0)
                {
                    throw new ModelFormatException("npy.bad-descr", offset, "descr is neither a dtype string nor a list of fields.");
                }
                foreach (PythonLiteral field in d.Items)
                {
                    if (field.Kind != PythonLiteralKind.Tuple || field.Items.Count is < 2 or > 3
                        || field.Items[0].Kind is not (PythonLiteralKind.Text or PythonLiteralKind.Tuple))
                    {
                        throw new ModelFormatException("npy.bad-descr", offset, "A structured dtype field is not (name, dtype[, shape]).");
                    }
                    long fieldMultiplier = multiplier;
                    if (field.Items.Count == 3)
                    {
                        PythonLiteral sub = field.Items[2];
                        IEnumerable<PythonLiteral> dims = sub.Kind == PythonLiteralKind.Tuple ? sub.Items : [sub];
                        foreach (PythonLiteral dim in dims)
                        {
                            if (dim.Kind != PythonLiteralKind.Number || dim.Number < 0)
                            {
                                throw new ModelFormatException("npy.bad-descr", offset, "A field's sub-array shape is not non-negative integers.");
                            }
                            fieldMultiplier = checked(fieldMultiplier * dim.Number);
                        }
                    }
                    pending.Push((field.Items[1], fieldMultiplier));
                }
            }
        }
        catch (OverflowException)
        {
            throw new ModelFormatException("npy.size-overflow", offset, "The dtype's item size overflows 64 bits.");
        }
        return (total, objects);
    }

    /// <summary>A dtype string as <c>dtype.str</c> writes it: byte order, kind, size, optional datetime unit.</summary>
    private static (long Size, bool IsObject) MeasureScalar(string s, long offset)
    {
        Match m = ScalarDescr().Match(s);
        if (!m.Success)
        {
            throw new ModelFormatException("npy.bad-descr", offset, $"'{(s.Length > 32 ? s[..32] : s)}' is not a dtype string.");
        }
        char kind = m.Groups["kind"].Value[0];
        string digits = m.Groups["size"].Value;
        if (!long.TryParse(digits.Length == 0 ? "0" : digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n))
        {
            throw new ModelFormatException("npy.bad-descr", offset, $"'{s}' has an impossible size.");
        }
        return kind switch
        {
            'O' => (8, true),
            'U' or 'w' => (checked(n * 4), false),
            'S' or 'a' or 'V' => (n, false),
            '?' => (1, false),
            _ when digits.Length == 0 => throw new ModelFormatException("npy.bad-descr", offset, $"'{s}' has no item size."),
            _ => (n, false),
        };
    }

    [GeneratedRegex(@"^[<>|=]?(?<kind>[biufcmMOSUVaw?])(?<size>\d{0,12})(\[[A-Za-z0-9]+\])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ScalarDescr();

    private static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
