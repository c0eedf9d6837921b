using System.Text;

namespace Lantern.NetLog.Formats;

/// <summary>Splits a log line into fields. Every loop is bounded by the line length and by <see cref="MaxFields"/>.</summary>
internal static class FieldSplitter
{
    /// <summary>No format here has more than ~50 fields (bcreportermain_v1: 43, Zscaler NSS feed: ≤ ~50, §7); 256 leaves room for extras.</summary>
    public const int MaxFields = 256;

    /// <summary>
    /// Whitespace-separated fields; runs of spaces/tabs are one separator (Squid <c>%6tr</c> padding, Blue Coat
    /// double spaces). With <paramref name="quotes"/>, <c>"a b"</c> is one field (quotes removed, <c>""</c> and
    /// <c>\"</c> inside unescaped); with <paramref name="brackets"/>, <c>[a b]</c> is one field (brackets removed).
    /// False when there are more than <see cref="MaxFields"/> fields or a quote is not closed.
    /// </summary>
    public static bool SplitWhitespace(string line, List<string> fields, bool quotes, bool brackets)
    {
        fields.Clear();
        int i = 0;
        StringBuilder? builder = null;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }
            if (i >= line.Length)
            {
                break;
            }
            if (fields.Count >= MaxFields)
            {
                return false;
            }
            char c = line[i];
            if (quotes && c == '"')
            {
                builder ??= new StringBuilder();
                builder.Clear();
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    char q = line[i];
                    if (q == '\\' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        builder.Append('"');
                        i += 2;
                    }
                    else if (q == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        builder.Append('"');
                        i += 2;
                    }
                    else if (q == '"')
                    {
                        i++;
                        closed = true;
                        break;
                    }
                    else
                    {
                        builder.Append(q);
                        i++;
                    }
                }
                if (!closed)
                {
                    return false;
                }
                fields.Add(builder.ToString());
            }
            else if (brackets && c == '[')
            {
                int close = line.IndexOf(']', i + 1);
                if (close < 0)
                {
                    return false;
                }
                fields.Add(line[(i + 1)..close]);
                i = close + 1;
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] is not (' ' or '\t'))
                {
                    i++;
                }
                fields.Add(line[start..i]);
            }
        }
        return true;
    }

    /// <summary>RFC 4180-style fields with <paramref name="separator"/> (tab or comma), <c>""</c> escaping a quote.</summary>
    public static bool SplitDelimited(string line, char separator, List<string> fields)
    {
        fields.Clear();
        var builder = new StringBuilder();
        int i = 0;
        while (true)
        {
            if (fields.Count >= MaxFields)
            {
                return false;
            }
            builder.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            builder.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        closed = true;
                        break;
                    }
                    builder.Append(line[i]);
                    i++;
                }
                if (!closed)
                {
                    return false;
                }
                // Anything between the closing quote and the separator is kept, as spreadsheet tools do.
                while (i < line.Length && line[i] != separator)
                {
                    builder.Append(line[i]);
                    i++;
                }
            }
            else
            {
                int end = line.IndexOf(separator, i);
                end = end < 0 ? line.Length : end;
                builder.Append(line, i, end - i);
                i = end;
            }
            fields.Add(builder.ToString());
            if (i >= line.Length)
            {
                return true;
            }
            i++; // the separator
        }
    }
}
