using System.Text;

namespace Lantern.NetLog.Formats;

/// <summary>
/// Removes every query parameter that is not known to be harmless. An allowlist, not a denylist:
/// signed URLs carry their secrets under many names (<c>X-Amz-Signature</c>, <c>Signature</c>,
/// <c>Key-Pair-Id</c>, <c>Policy</c>, <c>token</c>, <c>access_token</c>, <c>api_key</c>, Azure SAS
/// <c>sig</c>/<c>se</c>/<c>sp</c>/<c>sv</c>, vendor-specific ones nobody has listed yet), and the
/// report must never store one (compliance.md §7). What the classifier needs from a query is a short,
/// stable list: the HF file name in <c>response-content-disposition</c>, <c>download</c>, ModelScope
/// <c>Revision</c>/<c>FilePath</c>, Civitai <c>type</c>/<c>format</c>/<c>modelVersionId</c> (§8).
/// </summary>
internal static class QuerySanitizer
{
    /// <summary>Parameter names kept (ASCII case-insensitive); docs/netlog-formats.md lists them with the reason.</summary>
    private static readonly HashSet<string> Harmless = new(StringComparer.OrdinalIgnoreCase)
    {
        "response-content-disposition", "response-content-type", "download", "revision", "filepath", "recursive",
        "type", "format", "modelversionid", "filename", "file", "path", "ref", "tag", "version", "platform", "arch",
        "os", "expand", "blobs", "limit", "page", "search", "sort", "direction", "author", "full", "digest",
        // Azure Blob SAS response overrides (GitHub release-assets URLs): the asset's file name and type, no secret.
        "rscd", "rsct",
    };

    /// <summary>The query with only harmless parameters, in their order; null when nothing is left.</summary>
    public static string? Sanitize(ReadOnlySpan<char> query)
    {
        if (query.IsEmpty)
        {
            return null;
        }
        StringBuilder? kept = null;
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            int equals = pair.IndexOf('=');
            ReadOnlySpan<char> name = equals < 0 ? pair : pair[..equals];
            if (name.IsEmpty || !Harmless.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name))
            {
                continue;
            }
            kept ??= new StringBuilder(query.Length);
            if (kept.Length > 0)
            {
                kept.Append('&');
            }
            kept.Append(pair);
        }
        return kept?.ToString();
    }
}
