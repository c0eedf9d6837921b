using System.Buffers;

namespace Lantern.Gateway.Classification;

/// <summary>Cheap shape tests shared by the validators: boundaries, placeholders, entropy.</summary>
internal static class TextShape
{
    /// <summary>
    /// Placeholders that documentation, templates and tutorials put where a secret goes (gitleaks' global allowlist:
    /// <c>${…}</c>, <c>{{ … }}</c>; AWS's documented key ids end in <c>EXAMPLE</c>; masked values use <c>xxxx</c>).
    /// </summary>
    private static readonly SearchValues<string> PlaceholderMarkers =
        SearchValues.Create(["${", "{{", "xxxx", "example", "<your", "your_", "your-", "placeholder", "changeme", "redacted", "****"], StringComparison.OrdinalIgnoreCase);

    public static bool IsPlaceholder(ReadOnlySpan<char> value) => value.ContainsAny(PlaceholderMarkers);

    public static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c);

    /// <summary>
    /// True when the match at [start, end) is not a piece of a longer number or word: no letter or digit touches it,
    /// and no digit group continues it through a separator (UUIDs, timestamps, version strings, order numbers
    /// such as <c>2024-0412-4111…</c>).
    /// </summary>
    public static bool IsIsolatedNumber(ReadOnlySpan<char> text, int start, int end)
    {
        if (start > 0)
        {
            char before = text[start - 1];
            if (char.IsAsciiLetterOrDigit(before) || before == '_')
            {
                return false;
            }
            if (IsNumberJoiner(before) && start > 1 && char.IsAsciiLetterOrDigit(text[start - 2]))
            {
                return false;
            }
        }
        if (end < text.Length)
        {
            char after = text[end];
            if (char.IsAsciiLetterOrDigit(after) || after == '_')
            {
                return false;
            }
            // A trailing '.' ends sentences ("card 4111… ."), so only a following digit makes it a continuation.
            if (IsNumberJoiner(after) && end + 1 < text.Length && char.IsAsciiLetterOrDigit(text[end + 1]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsNumberJoiner(char c) => c is '-' or '.' or '/' or ':' or ',' or '+';

    /// <summary>Keeps only ASCII digits; returns how many were written (destination must be as long as the source).</summary>
    public static int Digits(ReadOnlySpan<char> source, Span<char> destination)
    {
        int n = 0;
        foreach (char c in source)
        {
            if (char.IsAsciiDigit(c))
            {
                destination[n++] = c;
            }
        }
        return n;
    }

    /// <summary>True when every separator (non-digit) in the match is the same character: "4111 1111-1111 1111" is not a card.</summary>
    public static bool HasConsistentSeparators(ReadOnlySpan<char> match)
    {
        char separator = '\0';
        foreach (char c in match)
        {
            if (char.IsAsciiDigit(c))
            {
                continue;
            }
            if (separator == '\0')
            {
                separator = c;
            }
            else if (c != separator)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Shannon entropy in bits per character over ASCII (non-ASCII characters count as one symbol).</summary>
    public static double ShannonEntropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }
        Span<int> counts = stackalloc int[129];
        foreach (char c in value)
        {
            counts[c < 128 ? c : 128]++;
        }
        double entropy = 0;
        double length = value.Length;
        foreach (int count in counts)
        {
            if (count > 0)
            {
                double p = count / length;
                entropy -= p * Math.Log2(p);
            }
        }
        return entropy;
    }

    /// <summary>True when at least <paramref name="minimum"/> of lower case, upper case and digits occur.</summary>
    public static bool HasCharacterClasses(ReadOnlySpan<char> value, int minimum)
    {
        bool lower = false, upper = false, digit = false;
        foreach (char c in value)
        {
            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
            digit |= char.IsAsciiDigit(c);
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) >= minimum;
    }
}
