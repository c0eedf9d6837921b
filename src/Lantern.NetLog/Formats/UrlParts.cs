using System.Globalization;

namespace Lantern.NetLog.Formats;

/// <summary>
/// A logged URL split without <see cref="Uri"/> (which would normalise, decode and throw on what proxies
/// write): absolute (<c>https://h:p/path?q</c>), scheme-less as Zscaler's <c>eurl</c> (<c>h/path</c>),
/// or a CONNECT authority (<c>h:443</c>). User info (<c>user:pass@</c>) is dropped, never kept.
/// </summary>
internal readonly record struct UrlParts(string? Scheme, string Host, int? Port, string Path, string? Query)
{
    /// <summary>Host names longer than DNS allows (RFC 1035 §2.3.4: 253 characters) are not host names.</summary>
    private const int MaxHostLength = 253;

    public static UrlParts? Parse(ReadOnlySpan<char> url)
    {
        url = url.Trim();
        string? scheme = null;
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && url[..schemeEnd].IndexOfAnyExcept(CharSets.SchemeChars) < 0)
        {
            scheme = url[..schemeEnd].ToString().ToLowerInvariant();
            url = url[(schemeEnd + 3)..];
        }
        int authorityEnd = url.IndexOfAny('/', '?', '#');
        ReadOnlySpan<char> authority = authorityEnd < 0 ? url : url[..authorityEnd];
        ReadOnlySpan<char> rest = authorityEnd < 0 ? [] : url[authorityEnd..];
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }
        if (!TrySplitHostPort(authority, out string? host, out int? port) || host is null)
        {
            return null;
        }
        int hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            rest = rest[..hash];
        }
        int question = rest.IndexOf('?');
        ReadOnlySpan<char> path = question < 0 ? rest : rest[..question];
        string? query = question < 0 ? null : QuerySanitizer.Sanitize(rest[(question + 1)..]);
        return new UrlParts(scheme, host, port, path.ToString(), query);
    }

    /// <summary>Host as logged (may carry <c>:port</c> or IPv6 brackets) → lower-case name and port.</summary>
    public static bool TrySplitHostPort(ReadOnlySpan<char> authority, out string? host, out int? port)
    {
        host = null;
        port = null;
        ReadOnlySpan<char> name = authority;
        ReadOnlySpan<char> portText = [];
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }
            name = authority[1..close];
            ReadOnlySpan<char> after = authority[(close + 1)..];
            if (after.StartsWith(':'))
            {
                portText = after[1..];
            }
            else if (!after.IsEmpty)
            {
                return false;
            }
        }
        else
        {
            int colon = authority.LastIndexOf(':');
            // More than one colon without brackets is a bare IPv6 address (Zscaler and W3C log those), not host:port.
            if (colon >= 0 && authority.IndexOf(':') == colon)
            {
                name = authority[..colon];
                portText = authority[(colon + 1)..];
            }
        }
        name = name.TrimEnd('.');
        if (name.IsEmpty || name.Length > MaxHostLength || name.ContainsAny(CharSets.HostForbidden))
        {
            return false;
        }
        if (!portText.IsEmpty)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > 65535)
            {
                return false;
            }
            port = value;
        }
        host = name.ToString().ToLowerInvariant();
        return true;
    }

    public static int? ParsePort(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value <= 65535 ? value : null;

}
