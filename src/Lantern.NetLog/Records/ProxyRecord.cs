namespace Lantern.NetLog.Records;

/// <summary>
/// One web-proxy log line, normalised across formats (compliance.md §7: <c>ts_utc, client_ip, user,
/// method, scheme, host, port, path, query, status, bytes_to_client, bytes_from_client, ua, referer,
/// action, category, content_type, source_format, raw</c>). Only lines that pass the hub prefilter are
/// parsed into one, so the type favours clarity over allocation-free layout.
/// Signed query parameters (<c>X-Amz-*</c>, <c>Signature</c>, <c>token</c>, credentials) are stripped
/// by the reader before the record is built; <c>response-content-disposition</c> is kept because it
/// carries the Hugging Face file name.
/// </summary>
public sealed record ProxyRecord
{
    /// <summary>Event time in UTC; null when the line had none the reader could trust.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>Client address as logged (IPv4 or IPv6 text), or null.</summary>
    public string? ClientIp { get; init; }

    /// <summary>Authenticated proxy user, or null when the log shows <c>-</c> or nothing.</summary>
    public string? User { get; init; }

    /// <summary>HTTP method upper-case (<c>GET</c>, <c>CONNECT</c>…), or null.</summary>
    public string? Method { get; init; }

    /// <summary><c>http</c>, <c>https</c>, or null (CONNECT tunnels have no scheme).</summary>
    public string? Scheme { get; init; }

    /// <summary>Lower-case host name or address without port; never null for a parsed record.</summary>
    public required string Host { get; init; }

    public int? Port { get; init; }

    /// <summary>URL path, percent-encoding as logged; empty for CONNECT.</summary>
    public string Path { get; init; } = "";

    /// <summary>Query without the leading <c>?</c>, signed parameters removed; null when absent.</summary>
    public string? Query { get; init; }

    /// <summary>HTTP status sent to the client, or null.</summary>
    public int? Status { get; init; }

    public long? BytesToClient { get; init; }
    public long? BytesFromClient { get; init; }
    public string? UserAgent { get; init; }
    public string? Referer { get; init; }

    /// <summary>Proxy's own verdict (<c>TCP_MISS</c>, <c>allowed</c>, <c>TUNNELED</c>…), or null.</summary>
    public string? Action { get; init; }

    /// <summary>Proxy's URL category, when the format carries one.</summary>
    public string? Category { get; init; }
    public string? ContentType { get; init; }

    /// <summary>Format id the reader used: <c>squid</c>, <c>squid-combined</c>, <c>w3c</c>, <c>zscaler-nss</c>, <c>cef</c>, <c>jsonl</c>.</summary>
    public required string SourceFormat { get; init; }

    /// <summary>Input name as given on the command line (<c>-</c> for stdin).</summary>
    public required string SourceFile { get; init; }

    /// <summary>1-based line number in the (decompressed) input.</summary>
    public required long LineNumber { get; init; }
}
