using System.Globalization;
using System.Text;

namespace Lantern.Vetting.Rules.Gguf;

/// <summary>What a token of a Jinja2 template is (jinja2/lexer.py token types, collapsed to what analysis needs).</summary>
internal enum JinjaTokenKind
{
    /// <summary>Template text outside any tag; never code.</summary>
    Data,

    /// <summary><c>{{</c> or <c>{%</c> opening a tag; <see cref="JinjaToken.Text"/> says which.</summary>
    TagStart,

    /// <summary><c>}}</c> or <c>%}</c>.</summary>
    TagEnd,
    Name,

    /// <summary>A string literal; <see cref="JinjaToken.Value"/> holds it decoded (Python escape rules).</summary>
    String,
    Number,
    Operator,
}

/// <param name="Offset">Character offset in the template.</param>
/// <param name="Obfuscated">For strings: an escape sequence spelt an ASCII letter, digit or underscore (<c>\x5f</c>).</param>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Text, string Value, int Offset, bool Obfuscated = false);

/// <summary>Thrown for a template that does not tokenize (unterminated tag, string or comment).</summary>
internal sealed class JinjaLexException(string message, int offset) : Exception(message)
{
    public int Offset { get; } = offset;
}

/// <summary>
/// Tokenizes Jinja2 template source with the default delimiters (jinja2/lexer.py): <c>{{ }}</c>,
/// <c>{% %}</c>, <c>{# #}</c>, whitespace control <c>-</c>/<c>+</c>, <c>{% raw %}</c> blocks, and the
/// balancing of brackets inside tags (a <c>}}</c> inside a dict literal does not close the tag).
/// It never evaluates anything. Bounded by <paramref name="maxTokens"/>; linear in the input.
/// </summary>
internal static class JinjaLexer
{
    private static readonly string[] Operators =
    [
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    ];

    public static List<JinjaToken> Tokenize(string source, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tokens = new List<JinjaToken>();
        int i = 0;
        while (i < source.Length)
        {
            int open = NextOpen(source, i);
            if (open < 0)
            {
                Add(tokens, new JinjaToken(JinjaTokenKind.Data, source[i..], source[i..], i), maxTokens);
                break;
            }
            if (open > i)
            {
                Add(tokens, new JinjaToken(JinjaTokenKind.Data, source[i..open], source[i..open], i), maxTokens);
            }
            char kind = source[open + 1];
            int p = open + 2;
            if (p < source.Length && (source[p] == '-' || source[p] == '+'))
            {
                p++;
            }
            if (kind == '#')
            {
                int close = source.IndexOf("#}", p, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new JinjaLexException("A comment is not closed.", open);
                }
                i = close + 2;
                continue;
            }
            if (kind == '%' && TryRawBlock(source, p, tokens, maxTokens, out int afterRaw))
            {
                i = afterRaw;
                continue;
            }
            Add(tokens, new JinjaToken(JinjaTokenKind.TagStart, kind == '{' ? "{{" : "{%", string.Empty, open), maxTokens);
            i = TokenizeTag(source, p, kind == '{' ? '}' : '%', tokens, maxTokens, open);
        }
        return tokens;
    }

    private static void Add(List<JinjaToken> tokens, JinjaToken token, int maxTokens)
    {
        if (tokens.Count >= maxTokens)
        {
            throw new JinjaLexException($"The template has more than {maxTokens} tokens.", token.Offset);
        }
        tokens.Add(token);
    }

    private static int NextOpen(string s, int from)
    {
        for (int i = s.IndexOf('{', from); i >= 0 && i + 1 < s.Length; i = s.IndexOf('{', i + 1))
        {
            char c = s[i + 1];
            if (c is '{' or '%' or '#')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary><c>{% raw %}…{% endraw %}</c>: the body is data, whatever tags it seems to hold.</summary>
    private static bool TryRawBlock(string s, int p, List<JinjaToken> tokens, int maxTokens, out int after)
    {
        after = 0;
        int q = SkipSpace(s, p);
        if (!MatchWord(s, q, "raw"))
        {
            return false;
        }
        int end = SkipSpace(s, q + 3);
        if (end < s.Length && (s[end] == '-' || s[end] == '+'))
        {
            end++;
        }
        if (end + 1 >= s.Length || s[end] != '%' || s[end + 1] != '}')
        {
            return false;
        }
        int bodyStart = end + 2;
        int search = bodyStart;
        while (true)
        {
            int tag = s.IndexOf("{%", search, StringComparison.Ordinal);
            if (tag < 0)
            {
                throw new JinjaLexException("A raw block is not closed.", p);
            }
            int r = tag + 2;
            if (r < s.Length && (s[r] == '-' || s[r] == '+'))
            {
                r++;
            }
            r = SkipSpace(s, r);
            if (MatchWord(s, r, "endraw"))
            {
                int close = s.IndexOf("%}", r, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new JinjaLexException("An endraw tag is not closed.", tag);
                }
                Add(tokens, new JinjaToken(JinjaTokenKind.Data, s[bodyStart..tag], s[bodyStart..tag], bodyStart), maxTokens);
                after = close + 2;
                return true;
            }
            search = tag + 2;
        }
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
        return i;
    }

    private static bool MatchWord(string s, int i, string word) =>
        string.CompareOrdinal(s, i, word, 0, word.Length) == 0
        && (i + word.Length >= s.Length || !IsNameChar(s[i + word.Length]));

    private static bool IsNameStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsNameChar(char c) => c == '_' || char.IsLetterOrDigit(c);

    /// <summary>Tokens up to the closing delimiter; returns the index after it.</summary>
    private static int TokenizeTag(string s, int i, char closer, List<JinjaToken> tokens, int maxTokens, int tagOffset)
    {
        int balance = 0;
        while (true)
        {
            i = SkipSpace(s, i);
            if (i >= s.Length)
            {
                throw new JinjaLexException("A tag is not closed.", tagOffset);
            }
            // jinja2/lexer.py only looks for the end delimiter when no bracket is open.
            if (balance == 0)
            {
                int e = i;
                if ((s[e] == '-' || s[e] == '+') && e + 2 < s.Length && s[e + 1] == closer && s[e + 2] == '}')
                {
                    Add(tokens, new JinjaToken(JinjaTokenKind.TagEnd, closer + "}", string.Empty, e), maxTokens);
                    return e + 3;
                }
                if (s[e] == closer && e + 1 < s.Length && s[e + 1] == '}')
                {
                    Add(tokens, new JinjaToken(JinjaTokenKind.TagEnd, closer + "}", string.Empty, e), maxTokens);
                    return e + 2;
                }
            }
            char c = s[i];
            if (c is '\'' or '"')
            {
                i = ReadString(s, i, tokens, maxTokens);
                continue;
            }
            if (IsNameStart(c))
            {
                int start = i;
                while (i < s.Length && IsNameChar(s[i]))
                {
                    i++;
                }
                string name = s[start..i];
                Add(tokens, new JinjaToken(JinjaTokenKind.Name, name, name, start), maxTokens);
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                int start = i;
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_' || s[i] == '.'))
                {
                    i++;
                }
                Add(tokens, new JinjaToken(JinjaTokenKind.Number, s[start..i], s[start..i], start), maxTokens);
                continue;
            }
            string? op = null;
            foreach (string candidate in Operators)
            {
                if (string.CompareOrdinal(s, i, candidate, 0, candidate.Length) == 0)
                {
                    op = candidate;
                    break;
                }
            }
            if (op is null)
            {
                throw new JinjaLexException($"Unexpected character '{c}' in a tag.", i);
            }
            balance += op switch
            {
                "(" or "[" or "{" => 1,
                ")" or "]" or "}" => -1,
                _ => 0,
            };
            if (balance < 0)
            {
                throw new JinjaLexException($"Unbalanced '{op}' in a tag.", i);
            }
            Add(tokens, new JinjaToken(JinjaTokenKind.Operator, op, op, i), maxTokens);
            i += op.Length;
        }
    }

    /// <summary>
    /// A string literal, decoded as Jinja2 does (Python <c>unicode-escape</c> semantics:
    /// <c>\x5f</c>, <c>\u005f</c>, <c>\U0000005f</c>, <c>\N{LOW LINE}</c>, octal <c>\137</c>).
    /// </summary>
    private static int ReadString(string s, int start, List<JinjaToken> tokens, int maxTokens)
    {
        char quote = s[start];
        var value = new StringBuilder();
        bool obfuscated = false;
        int i = start + 1;
        while (true)
        {
            if (i >= s.Length)
            {
                throw new JinjaLexException("A string literal is not closed.", start);
            }
            char c = s[i];
            if (c == quote)
            {
                i++;
                break;
            }
            if (c != '\\' || i + 1 >= s.Length)
            {
                value.Append(c);
                i++;
                continue;
            }
            char e = s[i + 1];
            i += 2;
            int code = -1;
            switch (e)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case '\\': value.Append('\\'); break;
                case '\'': value.Append('\''); break;
                case '"': value.Append('"'); break;
                case 'a': value.Append('\a'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'v': value.Append('\v'); break;
                case '\n': break;
                case 'x': code = Hex(s, ref i, 2); break;
                case 'u': code = Hex(s, ref i, 4); break;
                case 'U': code = Hex(s, ref i, 8); break;
                case 'N':
                    code = NamedChar(s, ref i);
                    break;
                case >= '0' and <= '7':
                    code = e - '0';
                    for (int k = 0; k < 2 && i < s.Length && s[i] is >= '0' and <= '7'; k++, i++)
                    {
                        code = (code * 8) + (s[i] - '0');
                    }
                    break;
                default:
                    // Python keeps unknown escapes as written.
                    value.Append('\\').Append(e);
                    break;
            }
            if (code >= 0)
            {
                if (code < 0x80 && (char.IsAsciiLetterOrDigit((char)code) || code == '_' || code == '.'))
                {
                    obfuscated = true;
                }
                if (code <= 0x10FFFF && code is < 0xD800 or > 0xDFFF)
                {
                    value.Append(char.ConvertFromUtf32(code));
                }
            }
        }
        Add(tokens, new JinjaToken(JinjaTokenKind.String, s[start..i], value.ToString(), start, obfuscated), maxTokens);
        return i;
    }

    private static int Hex(string s, ref int i, int digits)
    {
        if (i + digits > s.Length || !int.TryParse(s.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code) || code < 0)
        {
            // Python refuses the literal ("truncated \xXX escape"); keep it visible instead.
            return -1;
        }
        i += digits;
        return code;
    }

    /// <summary><c>\N{NAME}</c>: only the names that spell identifier punctuation matter for analysis.</summary>
    private static int NamedChar(string s, ref int i)
    {
        if (i >= s.Length || s[i] != '{')
        {
            return -1;
        }
        int close = s.IndexOf('}', i);
        if (close < 0 || close - i > 64)
        {
            return -1;
        }
        string name = s[(i + 1)..close].ToUpperInvariant();
        i = close + 1;
        return name switch
        {
            "LOW LINE" => '_',
            "FULL STOP" => '.',
            _ when name.StartsWith("LATIN SMALL LETTER ", StringComparison.Ordinal) && name.Length == 20 => char.ToLowerInvariant(name[19]),
            _ when name.StartsWith("LATIN CAPITAL LETTER ", StringComparison.Ordinal) && name.Length == 22 => name[21],
            _ => 0xFFFD,
        };
    }
}
