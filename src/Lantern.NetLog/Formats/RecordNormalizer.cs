using System.Globalization;
using Lantern.NetLog.Records;

namespace Lantern.NetLog.Formats;

/// <summary>Turns a <see cref="RecordDraft"/> into a <see cref="ProxyRecord"/>: URL split, secrets stripped, <c>-</c> → null.</summary>
internal static class RecordNormalizer
{
    /// <summary>Free-text fields (UA, referer, user) are capped: the report needs them to recognise, not to archive.</summary>
    private const int MaxTextLength = 2048;

    public static LineParse Build(RecordDraft draft, string sourceFormat, string sourceFile, long lineNumber)
    {
        string? method = Clean(draft.Method)?.ToUpperInvariant();
        string? scheme = Clean(draft.Scheme)?.ToLowerInvariant();
        string? host;
        int? port;
        string path;
        string? query;
        string? url = Clean(draft.Url);
        if (url is not null)
        {
            UrlParts? parts = UrlParts.Parse(url);
            if (parts is not { } split)
            {
                return LineParse.Fail("unparseable URL");
            }
            host = split.Host;
            port = split.Port ?? UrlParts.ParsePort(Clean(draft.Port));
            path = split.Path;
            query = split.Query;
            scheme = split.Scheme ?? scheme;
        }
        else
        {
            string? rawHost = Clean(draft.Host);
            if (rawHost is null || !UrlParts.TrySplitHostPort(rawHost, out host, out int? hostPort))
            {
                return LineParse.Fail("no host");
            }
            port = hostPort ?? UrlParts.ParsePort(Clean(draft.Port));
            path = Clean(draft.Path) ?? "";
            string? rawQuery = Clean(draft.Query);
            query = rawQuery is null ? null : QuerySanitizer.Sanitize(rawQuery.AsSpan().TrimStart('?'));
        }
        if (host is null)
        {
            return LineParse.Fail("no host");
        }
        if (method == "CONNECT")
        {
            // A tunnel has an authority only (RFC 9110 §9.3.6); proxies write "/" or "ssl"/"tcp" as scheme.
            path = "";
            query = null;
            scheme = null;
        }
        else if (scheme is not ("http" or "https"))
        {
            scheme = scheme switch
            {
                "ssl" or "tls" => "https",
                _ => null,
            };
        }
        var record = new ProxyRecord
        {
            Time = draft.Time,
            ClientIp = Cap(Clean(draft.ClientIp)),
            User = Cap(Clean(draft.User)),
            Method = Cap(method),
            Scheme = scheme,
            Host = host,
            Port = port,
            Path = path,
            Query = query,
            Status = ParseInt(Clean(draft.Status)),
            BytesToClient = ParseLong(Clean(draft.BytesToClient)),
            BytesFromClient = ParseLong(Clean(draft.BytesFromClient)),
            UserAgent = Cap(Clean(draft.UserAgent)),
            Referer = Cap(StripRefererSecrets(Clean(draft.Referer))),
            Action = Cap(Clean(draft.Action)),
            Category = Cap(Clean(draft.Category)),
            ContentType = Cap(Clean(draft.ContentType)),
            SourceFormat = draft.SourceFormat ?? sourceFormat,
            SourceFile = sourceFile,
            LineNumber = lineNumber,
        };
        return new LineParse(record, null);
    }

    /// <summary><c>-</c>, empty and whitespace mean "not logged" in every format here.</summary>
    public static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }
        string trimmed = value.Trim();
        return trimmed.Length == 0 || trimmed == "-" || trimmed == "\"-\"" ? null : trimmed;
    }

    /// <summary>A referer is a URL too: its query and user info may carry the same secrets.</summary>
    private static string? StripRefererSecrets(string? referer)
    {
        if (referer is null || UrlParts.Parse(referer) is not { Scheme: not null } parts)
        {
            return referer is null || referer.AsSpan().ContainsAny('?', '@') ? null : referer;
        }
        string port = parts.Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "";
        string prefix = parts.Scheme is null ? "" : parts.Scheme + "://";
        string query = parts.Query is null ? "" : "?" + parts.Query;
        return prefix + parts.Host + port + parts.Path + query;
    }

    private static string? Cap(string? value) => value is { Length: > MaxTextLength } ? value[..MaxTextLength] : value;

    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static long? ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
}
