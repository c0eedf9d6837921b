using System.Globalization;
using System.Text;

namespace Lantern.NetLog.Attribution;

/// <summary>
/// The attribution CSV: header <c>ip,hostname,user,start,end</c> (required, any case), ISO 8601 times
/// (no offset = UTC), empty <c>end</c> = still valid. RFC 4180 quoting is accepted. A bad row stops the
/// load with <see cref="AttributionFileException"/> naming the line: attribution that silently drops rows
/// would blame the wrong person.
/// </summary>
internal static class AttributionCsvParser
{
    /// <summary>Longest line accepted; a row is five short fields (64 KiB leaves room for long host names).</summary>
    internal const int MaxLineChars = 64 * 1024;

    /// <summary>Most rows accepted (a large DHCP estate over 90 days is well under this).</summary>
    internal const int MaxRows = 5_000_000;

    private static readonly string[] Header = ["ip", "hostname", "user", "start", "end"];

    public static IEnumerable<AttributionEntry> Parse(TextReader reader, string inputName)
    {
        long lineNumber = 0;
        bool sawHeader = false;
        int rows = 0;
        var line = new StringBuilder();
        while (ReadLine(reader, line, inputName, lineNumber + 1))
        {
            lineNumber++;
            string text = line.ToString();
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text[1..];
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            List<string> fields = SplitFields(text, inputName, lineNumber);
            if (!sawHeader)
            {
                if (fields.Count != Header.Length || !fields.Select(f => f.Trim().ToLowerInvariant()).SequenceEqual(Header))
                {
                    throw new AttributionFileException(inputName, lineNumber, "the first line must be the header 'ip,hostname,user,start,end'");
                }
                sawHeader = true;
                continue;
            }
            if (fields.Count != Header.Length)
            {
                throw new AttributionFileException(inputName, lineNumber, $"expected 5 fields (ip,hostname,user,start,end), found {fields.Count}");
            }
            if (++rows > MaxRows)
            {
                throw new AttributionFileException(inputName, lineNumber, $"more than {MaxRows} rows");
            }
            string ip = AttributionTable.NormaliseIp(fields[0].Trim())
                ?? throw new AttributionFileException(inputName, lineNumber, $"'{Clip(fields[0])}' is not an IP address");
            DateTimeOffset start = ParseTime(fields[3], inputName, lineNumber, "start")
                ?? throw new AttributionFileException(inputName, lineNumber, "start is required");
            DateTimeOffset? end = ParseTime(fields[4], inputName, lineNumber, "end");
            if (end is not null && end.Value <= start)
            {
                throw new AttributionFileException(inputName, lineNumber, "end is not after start");
            }
            yield return new AttributionEntry(ip, Empty(fields[1]), Empty(fields[2]), start, end, $"{inputName}:{lineNumber}");
        }
        if (!sawHeader)
        {
            throw new AttributionFileException(inputName, Math.Max(lineNumber, 1), "no header 'ip,hostname,user,start,end'");
        }
    }

    private static DateTimeOffset? ParseTime(string field, string input, long line, string name)
    {
        string text = field.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            && text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-')
        {
            return value.ToUniversalTime();
        }
        throw new AttributionFileException(input, line, $"{name} '{Clip(text)}' is not an ISO 8601 time (e.g. 2026-01-01T10:00:00Z)");
    }

    private static string? Empty(string field)
    {
        string trimmed = field.Trim();
        return trimmed.Length == 0 || trimmed == "-" ? null : trimmed;
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>RFC 4180 fields of one line; quoted fields may contain commas and doubled quotes (not newlines).</summary>
    private static List<string> SplitFields(string line, string input, long lineNumber)
    {
        var fields = new List<string>(5);
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                if (fields.Count > 16)
                {
                    break;
                }
            }
            else
            {
                field.Append(c);
            }
        }
        if (quoted)
        {
            throw new AttributionFileException(input, lineNumber, "unterminated quoted field");
        }
        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>Reads one line into <paramref name="line"/> without ever holding more than <see cref="MaxLineChars"/>.</summary>
    private static bool ReadLine(TextReader reader, StringBuilder line, string input, long lineNumber)
    {
        line.Clear();
        int c = reader.Read();
        if (c < 0)
        {
            return false;
        }
        while (c >= 0 && c != '\n')
        {
            if (c != '\r')
            {
                if (line.Length == MaxLineChars)
                {
                    throw new AttributionFileException(input, lineNumber, $"line longer than {MaxLineChars} characters");
                }
                line.Append((char)c);
            }
            c = reader.Read();
        }
        return true;
    }
}
