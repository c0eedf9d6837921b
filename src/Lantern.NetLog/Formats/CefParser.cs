using System.Text;

namespace Lantern.NetLog.Formats;

/// <summary>
/// ArcSight CEF (Common Event Format rev. 25): <c>CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension</c>,
/// usually behind a syslog header (RFC 3164 or 5424), which is skipped. Header fields escape <c>\|</c> and <c>\\</c>;
/// extension values escape <c>\=</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>. Keys as in compliance.md §7, including Zscaler's
/// NSS CEF mapping (<c>request</c>←eurl without scheme, <c>app</c>←proto, <c>in</c>←respsize, <c>out</c>←reqsize).
/// </summary>
internal sealed class CefParser : LogLineParser
{
    private const int HeaderFields = 7;

    private readonly Dictionary<string, string> _extension = new(StringComparer.Ordinal);
    private readonly StringBuilder _builder = new();

    public override string FormatId => LogFormatIds.Cef;

    public override RecordDraft? Parse(string line, out string? reason)
    {
        reason = null;
        int cef = line.IndexOf("CEF:", StringComparison.Ordinal);
        if (cef < 0)
        {
            reason = "cef: no CEF: header";
            return null;
        }
        // Header: seven '|'-terminated fields; '\|' and '\\' are escapes (CEF rev. 25, "Header Information").
        int position = cef;
        string? vendor = null;
        string? signature = null;
        for (int field = 0; field < HeaderFields; field++)
        {
            _builder.Clear();
            while (position < line.Length && line[position] != '|')
            {
                if (line[position] == '\\' && position + 1 < line.Length)
                {
                    position++;
                }
                _builder.Append(line[position]);
                position++;
            }
            if (position >= line.Length)
            {
                reason = "cef: fewer than 8 header fields";
                return null;
            }
            position++;
            switch (field)
            {
                case 1: vendor = _builder.ToString(); break;
                case 4: signature = _builder.ToString(); break;
                default: break;
            }
        }
        ReadExtension(line.AsSpan(position));
        bool zscaler = string.Equals(vendor, "Zscaler", StringComparison.OrdinalIgnoreCase);
        string? request = Get("request");
        string? app = Get("app")?.ToUpperInvariant();
        var draft = new RecordDraft
        {
            Time = Get("rt") is { } rt ? LogTime.FromCef(rt) : Get("end") is { } end ? LogTime.FromCef(end) : SyslogTime(line.AsSpan(0, cef)),
            ClientIp = RecordNormalizer.Clean(Get("src")) ?? Get("sourceTranslatedAddress"),
            User = Get("suser"),
            Method = Get("requestMethod"),
            Host = Get("dhost") ?? Get("dst"),
            Port = Get("dpt"),
            BytesToClient = Get("in"),
            BytesFromClient = Get("out"),
            UserAgent = Get("requestClientApplication"),
            Referer = Get("requestContext"),
            Action = Get("act") ?? (zscaler ? signature : null),
            Category = Get("cat"),
            ContentType = Get("contentType"),
            Scheme = app switch
            {
                "HTTPS" => "https",
                "HTTP" => "http",
                _ => null,
            },
        };
        // outcome is an HTTP status for Zscaler and most proxies; "success"/"failure" elsewhere, then there is none.
        if (Get("outcome") is { } outcome && outcome.Length > 0 && !outcome.AsSpan().ContainsAnyExcept(CharSets.Digits))
        {
            draft.Status = outcome;
        }
        if (request is not null)
        {
            draft.Url = request;
        }
        if (draft.Url is null && draft.Host is null)
        {
            reason = "cef: no request or dhost";
            return null;
        }
        return draft;
    }

    private string? Get(string key) => _extension.TryGetValue(key, out string? value) ? value : null;

    /// <summary>
    /// <c>key=value</c> pairs separated by spaces; a key is a run of <c>[A-Za-z0-9_.\[\]]</c> right before an unescaped
    /// <c>=</c> and after a space. A <c>=</c> that does not follow such a key (an unescaped one inside a URL query,
    /// which real producers write) stays part of the value.
    /// </summary>
    private void ReadExtension(ReadOnlySpan<char> text)
    {
        _extension.Clear();
        string? key = null;
        int valueStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                continue;
            }
            if (text[i] != '=')
            {
                continue;
            }
            int start = i;
            while (start > 0 && IsKeyChar(text[start - 1]))
            {
                start--;
            }
            if (start == i || (start > 0 && text[start - 1] != ' '))
            {
                continue;
            }
            if (key is not null)
            {
                AddPair(key, text[valueStart..Math.Max(valueStart, start - 1)]);
            }
            key = text[start..i].ToString();
            valueStart = i + 1;
            if (_extension.Count >= FieldSplitter.MaxFields)
            {
                return;
            }
        }
        if (key is not null)
        {
            AddPair(key, text[valueStart..]);
        }
    }

    private void AddPair(string key, ReadOnlySpan<char> raw)
    {
        _builder.Clear();
        raw = raw.TrimEnd(' ');
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '\\' && i + 1 < raw.Length)
            {
                i++;
                _builder.Append(raw[i] switch
                {
                    'n' => '\n',
                    'r' => '\r',
                    char other => other,
                });
                continue;
            }
            _builder.Append(c);
        }
        _extension[key] = _builder.ToString();
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '[' or ']';

    /// <summary>RFC 5424 header (<c>&lt;PRI&gt;1 2026-01-01T00:00:00Z host …</c>) carries an ISO time; RFC 3164 has no year, so it is not used.</summary>
    private static DateTimeOffset? SyslogTime(ReadOnlySpan<char> header)
    {
        int close = header.IndexOf('>');
        if (close < 0 || close + 3 > header.Length || header[close + 1] != '1' || header[close + 2] != ' ')
        {
            return null;
        }
        ReadOnlySpan<char> rest = header[(close + 3)..];
        int space = rest.IndexOf(' ');
        return LogTime.FromIsoOrEpoch((space < 0 ? rest : rest[..space]).ToString());
    }
}
