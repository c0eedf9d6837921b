using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lantern.Gateway.Audit;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (JCS) over <see cref="JsonNode"/>: members sorted by the UTF-16 code units of
/// their names (§3.2.3), no whitespace, strings with the minimal escaping of §3.2.2.2, numbers in ECMAScript
/// <c>Number.prototype.toString</c> form (§3.2.2.3). The record hash of the audit chain is SHA-256 over these bytes.
/// </summary>
/// <remarks>
/// The walk uses an explicit stack (no recursion on input depth); <see cref="MaxDepth"/> bounds it anyway because the
/// verifier canonicalises lines an attacker may have written.
/// </remarks>
public static class JsonCanonicalizer
{
    /// <summary>Deepest nesting accepted: an audit record nests three levels; 64 leaves room and bounds the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>I-JSON (RFC 7493 §2.2) integers are exact only up to 2^53; JCS numbers are IEEE-754 doubles.</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_992;

    /// <summary>The characters §3.2.2.2 escapes: quotation mark, reverse solidus and the C0 controls.</summary>
    private static readonly SearchValues<char> MustEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Canonical UTF-8 bytes of <paramref name="node"/>.</summary>
    /// <exception cref="InvalidDataException">Non-finite numbers, lone surrogates, or nesting deeper than <see cref="MaxDepth"/>.</exception>
    public static byte[] Canonicalize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(node, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses UTF-8 JSON (strict: no comments, no trailing commas) and returns its canonical bytes.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON, not valid UTF-8, has duplicate names, or is too deep.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8Json, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("not JSON: " + ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("not JSON: " + ex.Message, ex);
        }
        return CanonicalizeParsed(node);
    }

    private static byte[] CanonicalizeParsed(JsonNode? node)
    {
        try
        {
            return Canonicalize(node);
        }
        catch (ArgumentException ex)
        {
            // JsonObject raises ArgumentException for duplicate member names when it materialises them.
            throw new InvalidDataException("not I-JSON: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidDataException("not I-JSON: " + ex.Message, ex);
        }
    }

    /// <summary>Writes the canonical form of <paramref name="root"/> to <paramref name="output"/>.</summary>
    public static void Write(JsonNode? root, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Frames: a container being written and the index of its next child.
        var stack = new Stack<Frame>();
        WriteValueOrOpen(root, output, stack);
        while (stack.Count > 0)
        {
            Frame frame = stack.Pop();
            if (frame.Index >= frame.Count)
            {
                WriteAscii(output, frame.Members is null ? "]" : "}");
                continue;
            }
            if (frame.Index > 0)
            {
                WriteAscii(output, ",");
            }
            JsonNode? child;
            if (frame.Members is not null)
            {
                KeyValuePair<string, JsonNode?> member = frame.Members[frame.Index];
                WriteString(output, member.Key);
                WriteAscii(output, ":");
                child = member.Value;
            }
            else
            {
                child = frame.Array![frame.Index];
            }
            stack.Push(frame with { Index = frame.Index + 1 });
            if (stack.Count > MaxDepth)
            {
                throw new InvalidDataException($"JSON nested deeper than {MaxDepth} levels");
            }
            WriteValueOrOpen(child, output, stack);
        }
    }

    private static void WriteValueOrOpen(JsonNode? node, IBufferWriter<byte> output, Stack<Frame> stack)
    {
        switch (node)
        {
            case null:
                WriteAscii(output, "null");
                return;
            case JsonObject obj:
            {
                var members = new KeyValuePair<string, JsonNode?>[obj.Count];
                int i = 0;
                foreach (KeyValuePair<string, JsonNode?> member in obj)
                {
                    members[i++] = member;
                }
                // RFC 8785 §3.2.3: sort by UTF-16 code units, which is exactly ordinal comparison of .NET strings.
                Array.Sort(members, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                WriteAscii(output, "{");
                stack.Push(new Frame(members, null, members.Length, 0));
                return;
            }
            case JsonArray array:
                WriteAscii(output, "[");
                stack.Push(new Frame(null, array, array.Count, 0));
                return;
            case JsonValue value:
                WritePrimitive(value, output);
                return;
            default:
                throw new InvalidDataException("unsupported JSON node");
        }
    }

    private static void WritePrimitive(JsonValue value, IBufferWriter<byte> output)
    {
        // Parsed input first: every parsed number goes through a double, as RFC 8785 §3.2.2.3 requires.
        if (value.TryGetValue(out JsonElement element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    WriteString(output, element.GetString()!);
                    return;
                case JsonValueKind.True:
                    WriteAscii(output, "true");
                    return;
                case JsonValueKind.False:
                    WriteAscii(output, "false");
                    return;
                case JsonValueKind.Null:
                    WriteAscii(output, "null");
                    return;
                case JsonValueKind.Number:
                    if (!element.TryGetDouble(out double parsed) || !double.IsFinite(parsed))
                    {
                        throw new InvalidDataException("number out of double range");
                    }
                    WriteAscii(output, FormatNumber(parsed));
                    return;
                default:
                    throw new InvalidDataException("unsupported JSON value");
            }
        }
        if (value.TryGetValue(out string? text))
        {
            WriteString(output, text);
            return;
        }
        if (value.TryGetValue(out bool flag))
        {
            WriteAscii(output, flag ? "true" : "false");
            return;
        }
        if (value.TryGetValue(out long integer))
        {
            WriteInteger(output, integer);
            return;
        }
        if (value.TryGetValue(out int small))
        {
            WriteInteger(output, small);
            return;
        }
        if (value.TryGetValue(out double number))
        {
            WriteAscii(output, FormatNumber(number));
            return;
        }
        throw new InvalidDataException("unsupported JSON value");
    }

    private static void WriteInteger(IBufferWriter<byte> output, long integer)
    {
        if (integer > MaxSafeInteger || integer < -MaxSafeInteger)
        {
            throw new InvalidDataException($"integer {integer} is beyond 2^53 and has no exact JCS form (RFC 7493 §2.2)");
        }
        WriteAscii(output, integer.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>ECMAScript Number.prototype.toString (ECMA-262 §7.1.12.1, referenced by RFC 8785 §3.2.2.3).</summary>
    /// <exception cref="InvalidDataException">NaN or an infinity, which JSON cannot express.</exception>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new InvalidDataException("NaN and Infinity are not valid JSON numbers (RFC 8785 §3.2.2.3)");
        }
        if (value == 0)
        {
            return "0"; // also -0
        }
        bool negative = value < 0;
        // "R" gives the shortest digit string that round-trips, as ECMAScript requires; only the layout differs.
        string shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponentAt = shortest.IndexOfAny(['E', 'e']);
        string mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        int exponent = exponentAt < 0 ? 0 : int.Parse(shortest.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = dot < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
        int pointPosition = (dot < 0 ? mantissa.Length : dot) + exponent;
        // Normalise: value = 0.digits × 10^n with no leading or trailing zeros in digits.
        int leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }
        digits = digits[leading..];
        pointPosition -= leading;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }
        int k = digits.Length;
        int n = pointPosition;
        var sb = new StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }
            int e = n - 1;
            sb.Append('e').Append(e >= 0 ? '+' : '-').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>RFC 8785 §3.2.2.2: escape only <c>"</c>, <c>\</c> and U+0000–U+001F (short forms where JSON has them).</summary>
    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny(MustEscape) < 0)
        {
            // Nothing to escape (most values): encode straight into the output; the strict encoder refuses lone surrogates.
            int count;
            try
            {
                count = StrictUtf8.GetByteCount(value);
            }
            catch (EncoderFallbackException ex)
            {
                throw new InvalidDataException("lone surrogate in string (I-JSON, RFC 7493 §2.1)", ex);
            }
            Span<byte> target = output.GetSpan(checked(count + 2));
            target[0] = (byte)'"';
            StrictUtf8.GetBytes(value, target[1..]);
            target[count + 1] = (byte)'"';
            output.Advance(count + 2);
            return;
        }
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    throw new InvalidDataException("lone surrogate in string (I-JSON, RFC 7493 §2.1)");
                }
                sb.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }
            if (char.IsLowSurrogate(c))
            {
                throw new InvalidDataException("lone surrogate in string (I-JSON, RFC 7493 §2.1)");
            }
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
        string escaped = sb.ToString();
        int length = Encoding.UTF8.GetByteCount(escaped);
        Span<byte> span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(escaped, span);
        output.Advance(length);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        Span<byte> span = output.GetSpan(ascii.Length);
        for (int i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }
        output.Advance(ascii.Length);
    }

    private readonly record struct Frame(KeyValuePair<string, JsonNode?>[]? Members, JsonArray? Array, int Count, int Index);
}
