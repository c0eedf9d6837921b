using System.Globalization;
using System.Text;

namespace Lantern.Governance.Evidence;

/// <summary>
/// Escaping and formatting shared by the report writers. Everything a report shows may come from a crafted file
/// (paths, model names, licence strings, finding messages), so every string is escaped for its output format,
/// control characters are replaced and lengths are capped; nothing is ever rendered as markup.
/// </summary>
internal static class ReportText
{
    /// <summary>Longest string a cell shows; longer ones are cut with an ellipsis (paths on real disks stay below it).</summary>
    public const int MaxCellLength = 1024;

    public static string Date(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Date(DateOnly? value) => value is DateOnly d ? Date(d) : "—";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Caps the length and replaces control characters (newlines included) with a space, so one cell stays one line.</summary>
    public static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var sb = new StringBuilder(Math.Min(value.Length, MaxCellLength + 1));
        foreach (char c in value)
        {
            if (sb.Length >= MaxCellLength)
            {
                sb.Append('…');
                break;
            }
            // Cc and the line/paragraph separators would break a table row; bidi overrides could disguise a path.
            bool unsafeChar = char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
            sb.Append(unsafeChar ? ' ' : c);
        }
        return sb.ToString();
    }

    /// <summary>Markdown-escapes text for a table cell or a heading: inline markup, links, HTML and pipes are neutralised.</summary>
    public static string Md(string? value)
    {
        string clean = Clean(value);
        var sb = new StringBuilder(clean.Length + 8);
        foreach (char c in clean)
        {
            switch (c)
            {
                case '&':
                    sb.Append("&amp;");
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '~':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>HTML-encodes text for element content and quoted attribute values.</summary>
    public static string Html(string? value)
    {
        string clean = Clean(value);
        var sb = new StringBuilder(clean.Length + 8);
        foreach (char c in clean)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
