namespace Lantern.Formats.Sniffing;

/// <summary>
/// Recognises the start of a pickle stream (CPython <c>Lib/pickle.py</c> opcodes; formats.md §5).
/// Protocol 2–5 streams start with PROTO (0x80, version); protocols 0 and 1 have no magic, so only
/// openings that pickle writers actually produce and text files practically never do are accepted:
/// <list type="bullet">
/// <item><c>(dp0\n</c>, <c>(lp0\n</c>, <c>(tp0\n</c> — MARK, DICT/LIST/TUPLE, PUT with a decimal memo key (protocol 0 containers);</item>
/// <item><c>c&lt;module&gt;\n&lt;name&gt;</c> (GLOBAL), also after a MARK or as <c>(i…</c> (INST) — module and name must be
/// dotted identifiers, the module's newline must fall inside the 16 bytes, and if the name's newline does too it must be
/// followed by an opcode (so <c>cat\ndog\nfish</c> is rejected but <c>cos\nsystem\n(S'</c> is accepted);</item>
/// <item><c>}q\x00</c>, <c>]q\x00</c> + opcode — EMPTY_DICT/EMPTY_LIST then BINPUT (protocol 1);
/// <c>}(X</c>/<c>](X</c> with a BINUNICODE length whose high bytes are zero.</item>
/// <item><c>S'…'\n</c> / <c>(S'…</c> (STRING) and <c>V…\n</c> followed by a memo PUT/MEMOIZE/POP (UNICODE), as
/// hand-made protocol-0 payloads start (picklescan corpus malicious10/11/23).</item>
/// </list>
/// Known misses: protocol-0 pickles whose first GLOBAL module name is longer than 13 bytes; they are rare
/// (torch and joblib write protocol ≥ 2). Known false positives: a text file that starts with a word beginning
/// with 'c', a newline, an identifier and a newline followed by one of the opcode characters.
/// </summary>
internal static class PickleHeuristics
{
    public const byte Proto = 0x80;
    public const byte Mark = (byte)'(';
    public const byte Global = (byte)'c';
    public const byte Inst = (byte)'i';
    public const byte Put = (byte)'p';
    public const byte BinPut = (byte)'q';
    public const byte EmptyDict = (byte)'}';
    public const byte EmptyList = (byte)']';
    public const byte BinUnicode = (byte)'X';

    /// <summary>Every opcode of protocols 0–5.</summary>
    public static bool IsOpcode(byte b) => b switch
    {
        (byte)'(' or (byte)'.' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'F' or (byte)'I' or (byte)'J' or (byte)'K'
            or (byte)'L' or (byte)'M' or (byte)'N' or (byte)'P' or (byte)'Q' or (byte)'R' or (byte)'S' or (byte)'T' or (byte)'U'
            or (byte)'V' or (byte)'X' or (byte)'a' or (byte)'b' or (byte)'c' or (byte)'d' or (byte)'}' or (byte)'e' or (byte)'g'
            or (byte)'h' or (byte)'i' or (byte)'j' or (byte)'l' or (byte)']' or (byte)'o' or (byte)'p' or (byte)'q' or (byte)'r'
            or (byte)'s' or (byte)'t' or (byte)')' or (byte)'u' or (byte)'G' or (byte)'B' or (byte)'C' => true,
        >= 0x80 and <= 0x98 => true,
        _ => false,
    };

    public static bool LooksLikePickle(ReadOnlySpan<byte> head)
    {
        if (head.Length < 3)
        {
            return false;
        }
        if (head[0] == Proto)
        {
            return head[1] is >= 2 and <= 5 && IsOpcode(head[2]) && head[2] != Proto;
        }
        if (head[0] == Mark)
        {
            if (head[1] is (byte)'d' or (byte)'l' or (byte)'t' && head[2] == Put)
            {
                return IsDecimalLine(head[3..]);
            }
            if (head[1] == Global || head[1] == Inst)
            {
                return IsGlobalOperands(head[2..]);
            }
            if (head[1] == (byte)'S')
            {
                return IsQuotedLine(head[2..]);
            }
            return false;
        }
        if (head[0] == Global)
        {
            return IsGlobalOperands(head[1..]);
        }
        if (head[0] == (byte)'S')
        {
            // STRING: a quoted repr on one line, e.g. S'os'\n then the next opcode (picklescan's malicious23).
            return IsQuotedLine(head[1..]);
        }
        if (head[0] == (byte)'V')
        {
            // UNICODE: raw-unicode-escaped text up to \n; accepted only when a memo PUT or POP follows,
            // as pickle writes it (Vos\np2\n0…) and prose never does.
            return IsUnicodeLineThenMemo(head[1..]);
        }
        if (head[0] is EmptyDict or EmptyList)
        {
            if (head[1] == BinPut && head.Length >= 4)
            {
                return IsOpcode(head[3]);
            }
            if (head[1] == Mark && head.Length >= 7 && head[2] == BinUnicode)
            {
                return head[5] == 0 && head[6] == 0;
            }
        }
        return false;
    }

    /// <summary><c>'text'\n</c> or <c>"text"\n</c>; a line cut by the end of the head is accepted once it is 4 bytes long.</summary>
    private static bool IsQuotedLine(ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 2 || rest[0] is not ((byte)'\'' or (byte)'"'))
        {
            return false;
        }
        byte quote = rest[0];
        int end = rest.IndexOf((byte)'\n');
        if (end < 0)
        {
            return rest.Length >= 4 && !rest[1..].Contains((byte)'\r');
        }
        if (end < 2 || rest[end - 1] != quote)
        {
            return false;
        }
        ReadOnlySpan<byte> next = rest[(end + 1)..];
        return next.Length == 0 || IsOpcode(next[0]);
    }

    /// <summary><c>text\n</c> then <c>p&lt;digits&gt;\n</c>, MEMOIZE or POP (<c>0</c>) followed by an opcode.</summary>
    private static bool IsUnicodeLineThenMemo(ReadOnlySpan<byte> rest)
    {
        int end = rest.IndexOf((byte)'\n');
        if (end <= 0)
        {
            return false;
        }
        ReadOnlySpan<byte> next = rest[(end + 1)..];
        if (next.Length == 0)
        {
            return false;
        }
        return next[0] switch
        {
            (byte)'p' => IsDecimalLine(next[1..]) && next.Length > 1,
            0x94 => true,
            (byte)'0' => next.Length == 1 || IsOpcode(next[1]),
            _ => false,
        };
    }

    /// <summary>Digits then '\n' (the memo key of PUT/GET in protocol 0); the line may run past the head.</summary>
    private static bool IsDecimalLine(ReadOnlySpan<byte> rest)
    {
        int i = 0;
        while (i < rest.Length && char.IsAsciiDigit((char)rest[i]))
        {
            i++;
        }
        return i > 0 && (i == rest.Length || rest[i] == (byte)'\n');
    }

    /// <summary><c>module\nname\n</c> as GLOBAL/INST write it, cut wherever the head ends after the module line.</summary>
    private static bool IsGlobalOperands(ReadOnlySpan<byte> rest)
    {
        int moduleEnd = rest.IndexOf((byte)'\n');
        if (moduleEnd <= 0 || !IsDottedIdentifier(rest[..moduleEnd]))
        {
            return false;
        }
        ReadOnlySpan<byte> afterModule = rest[(moduleEnd + 1)..];
        int nameEnd = afterModule.IndexOf((byte)'\n');
        if (nameEnd < 0)
        {
            return afterModule.Length > 0 && IsDottedIdentifier(afterModule);
        }
        if (nameEnd == 0 || !IsDottedIdentifier(afterModule[..nameEnd]))
        {
            return false;
        }
        ReadOnlySpan<byte> next = afterModule[(nameEnd + 1)..];
        return next.Length == 0 || IsOpcode(next[0]);
    }

    private static bool IsDottedIdentifier(ReadOnlySpan<byte> s)
    {
        if (s.Length == 0 || !(char.IsAsciiLetter((char)s[0]) || s[0] == (byte)'_'))
        {
            return false;
        }
        foreach (byte b in s)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_' || b == (byte)'.'))
            {
                return false;
            }
        }
        return true;
    }
}
