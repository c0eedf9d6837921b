using System.Globalization;
using System.Text;

namespace Lantern.Formats.Numpy;

/// <summary>Kinds of Python literal the <c>.npy</c> header uses (numpy/lib/format.py writes them with <c>repr</c>).</summary>
public enum PythonLiteralKind
{
    Dict,
    List,
    Tuple,
    Text,
    Number,
    True,
    False,
    None,
}

/// <summary>A parsed Python literal: a string, an integer, a boolean, None, or a dict/list/tuple of them.</summary>
public sealed class PythonLiteral
{
    public required PythonLiteralKind Kind { get; init; }

    public string? Text { get; init; }

    public long Number { get; init; }

    /// <summary>List and tuple items.</summary>
    public IReadOnlyList<PythonLiteral> Items { get; init; } = [];

    /// <summary>Dict entries in source order (duplicates kept, so callers can reject them).</summary>
    public IReadOnlyList<KeyValuePair<PythonLiteral, PythonLiteral>> Entries { get; init; } = [];
}

/// <summary>
/// Parses the subset of Python literal syntax that <c>np.save</c> headers contain — never <c>eval</c>, as numpy
/// itself uses <c>ast.literal_eval</c>. Explicit stack, bounded depth, bounded items, bounded integers.
/// </summary>
public static class PythonLiteralParser
{
    /// <summary>Nesting depth (structured dtypes nest a few levels; numpy's writer never goes near this).</summary>
    public const int MaxDepth = 32;

    /// <summary>Items in one header (the header itself is bounded by the reader; this keeps allocation flat).</summary>
    public const int MaxItems = 100_000;

    private sealed class Frame(char open)
    {
        public char Open { get; } = open;
        public List<PythonLiteral> Items { get; } = [];
        public List<KeyValuePair<PythonLiteral, PythonLiteral>> Entries { get; } = [];
        public PythonLiteral? PendingKey { get; set; }
        public bool SawComma { get; set; }
    }

    /// <param name="text">The literal.</param>
    /// <param name="baseOffset">Byte offset of <paramref name="text"/> in the file, for error offsets.</param>
    public static PythonLiteral Parse(string text, long baseOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stack = new Stack<Frame>();
        int pos = 0;
        int items = 0;
        bool expectValue = true;
        PythonLiteral? result = null;
        while (result is null)
        {
            SkipSpace(text, ref pos);
            if (pos >= text.Length)
            {
                throw Error("npy.header-truncated", baseOffset + pos, "The header's dict literal ends early.");
            }
            char c = text[pos];
            PythonLiteral? value = null;
            if (expectValue && c is '{' or '[' or '(')
            {
                if (stack.Count >= MaxDepth)
                {
                    throw Error("npy.header-too-deep", baseOffset + pos, $"The header nests more than {MaxDepth} levels.");
                }
                stack.Push(new Frame(c));
                pos++;
                continue;
            }
            if (c is '}' or ']' or ')')
            {
                if (stack.Count == 0 || Closer(stack.Peek().Open) != c || stack.Peek().PendingKey is not null
                    || (expectValue && (stack.Peek().Items.Count + stack.Peek().Entries.Count) > 0 && !stack.Peek().SawComma))
                {
                    throw Error("npy.header-syntax", baseOffset + pos, $"Unexpected '{c}' in the header.");
                }
                pos++;
                value = Close(stack.Pop());
            }
            else if (!expectValue)
            {
                if (c != ',' || stack.Count == 0)
                {
                    throw Error("npy.header-syntax", baseOffset + pos, $"Expected ',' or a closing bracket, found '{c}'.");
                }
                stack.Peek().SawComma = true;
                pos++;
                expectValue = true;
                continue;
            }
            else
            {
                value = ParseScalar(text, ref pos, baseOffset);
            }

            if (++items > MaxItems)
            {
                throw Error("npy.header-too-many-items", baseOffset + pos, $"The header holds more than {MaxItems} values.");
            }
            if (stack.Count == 0)
            {
                result = value;
                break;
            }
            Frame top = stack.Peek();
            if (top.Open == '{')
            {
                if (top.PendingKey is null)
                {
                    top.PendingKey = value;
                    SkipSpace(text, ref pos);
                    if (pos >= text.Length || text[pos] != ':')
                    {
                        throw Error("npy.header-syntax", baseOffset + pos, "Expected ':' after a dict key.");
                    }
                    pos++;
                    expectValue = true;
                    continue;
                }
                top.Entries.Add(new KeyValuePair<PythonLiteral, PythonLiteral>(top.PendingKey, value));
                top.PendingKey = null;
            }
            else
            {
                top.Items.Add(value);
            }
            expectValue = false;
        }
        SkipSpace(text, ref pos);
        if (pos != text.Length)
        {
            throw Error("npy.header-syntax", baseOffset + pos, "Characters follow the header's dict literal.");
        }
        return result;
    }

    private static char Closer(char open) => open switch { '{' => '}', '[' => ']', _ => ')' };

    private static PythonLiteral Close(Frame frame) => frame.Open switch
    {
        '{' => new PythonLiteral { Kind = PythonLiteralKind.Dict, Entries = frame.Entries },
        '[' => new PythonLiteral { Kind = PythonLiteralKind.List, Items = frame.Items },
        // "(x)" is x in Python; only a comma (or emptiness) makes a tuple.
        _ => frame.Items.Count == 1 && !frame.SawComma ? frame.Items[0] : new PythonLiteral { Kind = PythonLiteralKind.Tuple, Items = frame.Items },
    };

    private static void SkipSpace(string text, ref int pos)
    {
        while (pos < text.Length && text[pos] is ' ' or '\t' or '\n' or '\r')
        {
            pos++;
        }
    }

    private static PythonLiteral ParseScalar(string text, ref int pos, long baseOffset)
    {
        char c = text[pos];
        if (c is '\'' or '"')
        {
            return new PythonLiteral { Kind = PythonLiteralKind.Text, Text = ParseString(text, ref pos, baseOffset) };
        }
        if (c == '-' || char.IsAsciiDigit(c))
        {
            int start = pos;
            pos++;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }
            string digits = text[start..pos];
            // Python 2 headers write longs as "3L" (numpy's _filter_header strips the suffix).
            if (pos < text.Length && text[pos] is 'L' or 'l')
            {
                pos++;
            }
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            {
                throw Error("npy.header-bad-integer", baseOffset + start, $"'{Truncate(digits)}' is not an integer numpy could use.");
            }
            return new PythonLiteral { Kind = PythonLiteralKind.Number, Number = n };
        }
        foreach ((string word, PythonLiteralKind kind) in new[] { ("True", PythonLiteralKind.True), ("False", PythonLiteralKind.False), ("None", PythonLiteralKind.None) })
        {
            if (string.CompareOrdinal(text, pos, word, 0, word.Length) == 0)
            {
                pos += word.Length;
                return new PythonLiteral { Kind = kind };
            }
        }
        throw Error("npy.header-syntax", baseOffset + pos, $"Unexpected '{c}' in the header (only literals are allowed).");
    }

    private static string ParseString(string text, ref int pos, long baseOffset)
    {
        char quote = text[pos];
        int start = pos;
        pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= text.Length)
            {
                throw Error("npy.header-truncated", baseOffset + start, "A string in the header is not closed.");
            }
            char c = text[pos++];
            if (c == quote)
            {
                return sb.ToString();
            }
            if (c == '\\')
            {
                if (pos >= text.Length)
                {
                    throw Error("npy.header-truncated", baseOffset + start, "A string in the header ends in a backslash.");
                }
                char e = text[pos++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
                continue;
            }
            sb.Append(c);
        }
    }

    private static string Truncate(string s) => s.Length <= 32 ? s : s[..32] + "…";

    private static ModelFormatException Error(string code, long offset, string message) => new(code, offset, message);
}
