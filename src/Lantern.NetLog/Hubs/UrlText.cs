using System.Text;

namespace Lantern.NetLog.Hubs;

/// <summary>Bounded helpers for the parts of a logged URL the classifier reads. Input is hostile: every result is length-capped.</summary>
internal static class UrlText
{
    /// <summary>Longest file name kept (ext4/NTFS limit, 255), so a crafted query cannot bloat the report.</summary>
    internal const int MaxFileNameLength = 255;

    /// <summary>Path segments looked at; hub paths have at most a dozen, deeper ones are file paths inside a repo.</summary>
    internal const int MaxSegments = 64;

    /// <summary>Longest decoded segment or value kept (a repo path component or revision is far shorter).</summary>
    internal const int MaxValueLength = 1024;

    /// <summary>Splits a URL path into percent-decoded, non-empty segments, at most <see cref="MaxSegments"/>.</summary>
    public static List<string> Segments(string path)
    {
        var segments = new List<string>();
        int q = path.IndexOfAny(['?', '#']);
        ReadOnlySpan<char> span = q >= 0 ? path.AsSpan(0, q) : path.AsSpan();
        foreach (Range range in span.Split('/'))
        {
            ReadOnlySpan<char> part = span[range];
            if (part.IsEmpty)
            {
                continue;
            }
            if (segments.Count == MaxSegments)
            {
                break;
            }
            segments.Add(PercentDecode(part));
        }
        return segments;
    }

    /// <summary>Value of the first query parameter named <paramref name="name"/> (ASCII case-insensitive), percent-decoded, or null.</summary>
    public static string? QueryValue(string? query, string name) =>
        RawQueryValue(query, name) is { } raw ? PercentDecode(raw) : null;

    /// <summary>Value of the first query parameter named <paramref name="name"/>, still percent-encoded, or null.</summary>
    private static string? RawQueryValue(string? query, string name)
    {
        if (string.IsNullOrEmpty(query))
        {
            return null;
        }
        ReadOnlySpan<char> span = query.AsSpan();
        foreach (Range range in span.Split('&'))
        {
            ReadOnlySpan<char> pair = span[range];
            int eq = pair.IndexOf('=');
            ReadOnlySpan<char> key = eq >= 0 ? pair[..eq] : pair;
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                string raw = eq >= 0 ? pair[(eq + 1)..].ToString() : "";
                return raw.Length > MaxValueLength * 3 ? raw[..(MaxValueLength * 3)] : raw;
            }
        }
        return null;
    }

    /// <summary>
    /// The file name in a <c>response-content-disposition</c> query value (<c>attachment; filename*=UTF-8''name.gguf</c>
    /// or <c>filename="name"</c>; RFC 6266 prefers <c>filename*</c>), decoded and sanitised; null when absent.
    /// </summary>
    public static string? ContentDispositionFileName(string? query)
    {
        // GitHub's release-assets host signs Azure Blob SAS URLs, whose disposition override is called rscd.
        string? raw = RawQueryValue(query, "response-content-disposition") ?? RawQueryValue(query, "rscd");
        if (raw is null)
        {
            return null;
        }
        // The signed URLs are form-encoded ('+' for a space, as in "attachment%3B+filename*%3D…"); a real '+' is %2B.
        string disposition = PercentDecode(raw.Replace('+', ' '));
        string? plain = null;
        string? extended = null;
        foreach (string rawPart in disposition.Split(';'))
        {
            string part = rawPart.Trim();
            if (part.StartsWith("filename*=", StringComparison.OrdinalIgnoreCase))
            {
                string value = part["filename*=".Length..].Trim('"');
                // RFC 5987: charset'language'value-chars; only UTF-8 is produced by the hubs.
                int first = value.IndexOf('\'', StringComparison.Ordinal);
                int second = first >= 0 ? value.IndexOf('\'', first + 1) : -1;
                extended = PercentDecode(second >= 0 ? value.AsSpan(second + 1) : value.AsSpan());
            }
            else if (part.StartsWith("filename=", StringComparison.OrdinalIgnoreCase))
            {
                plain = part["filename=".Length..].Trim().Trim('"');
            }
        }
        return SanitiseFileName(extended ?? plain);
    }

    /// <summary>
    /// A file name safe to print and to put in CSV/JSON: last path component only, no control characters,
    /// at most <see cref="MaxFileNameLength"/> characters; null when nothing remains.
    /// </summary>
    public static string? SanitiseFileName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        int cut = name.LastIndexOfAny(['/', '\\']);
        ReadOnlySpan<char> last = cut >= 0 ? name.AsSpan(cut + 1) : name.AsSpan();
        var builder = new StringBuilder(Math.Min(last.Length, MaxFileNameLength));
        foreach (char c in last)
        {
            if (builder.Length == MaxFileNameLength)
            {
                break;
            }
            if (!char.IsControl(c) && c is not ('\u2028' or '\u2029' or '\u202E' or '\u202D'))
            {
                builder.Append(c);
            }
        }
        string result = builder.ToString().Trim();
        return result.Length == 0 || result is "." or ".." ? null : result;
    }

    /// <summary>The last segment of a repository path, for joins by file name.</summary>
    public static string BaseName(string path)
    {
        int cut = path.LastIndexOf('/');
        return cut >= 0 ? path[(cut + 1)..] : path;
    }

    /// <summary>True for exactly 64 lower- or upper-case hex digits (a SHA-256).</summary>
    public static bool IsSha256Hex(ReadOnlySpan<char> text) => text.Length == 64 && !text.ContainsAnyExcept(HexDigits);

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// Percent-decodes as UTF-8 (invalid sequences become U+FFFD), capped at <see cref="MaxValueLength"/> characters.
    /// '+' stays '+': in a path it is literal, and hub file names contain it more often than form-encoded spaces.
    /// </summary>
    public static string PercentDecode(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxValueLength * 3)
        {
            text = text[..(MaxValueLength * 3)];
        }
        if (!text.Contains('%'))
        {
            return text.Length > MaxValueLength ? text[..MaxValueLength].ToString() : text.ToString();
        }
        byte[] bytes = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes[n++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                i += 2;
            }
            else
            {
                n += Encoding.UTF8.GetBytes(text.Slice(i, 1), bytes.AsSpan(n));
            }
        }
        string decoded = Encoding.UTF8.GetString(bytes, 0, n);
        return decoded.Length > MaxValueLength ? decoded[..MaxValueLength] : decoded;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
