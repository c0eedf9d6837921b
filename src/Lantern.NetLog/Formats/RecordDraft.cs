using Lantern.NetLog.Records;

namespace Lantern.NetLog.Formats;

/// <summary>
/// What a format parser pulled out of one line, before URL normalisation. Parsers fill either
/// <see cref="Url"/> (as logged, with or without scheme) or the pieces (<see cref="Host"/>,
/// <see cref="Path"/>…), whichever their format carries; <see cref="RecordNormalizer"/> builds the record.
/// </summary>
internal sealed class RecordDraft
{
    public DateTimeOffset? Time { get; set; }
    public string? ClientIp { get; set; }
    public string? User { get; set; }
    public string? Method { get; set; }
    public string? Url { get; set; }
    public string? Scheme { get; set; }
    public string? Host { get; set; }
    public string? Port { get; set; }
    public string? Path { get; set; }
    public string? Query { get; set; }
    public string? Status { get; set; }
    public string? BytesToClient { get; set; }
    public string? BytesFromClient { get; set; }
    public string? UserAgent { get; set; }
    public string? Referer { get; set; }
    public string? Action { get; set; }
    public string? Category { get; set; }
    public string? ContentType { get; set; }

    /// <summary>Set by parsers that read several formats (JSON carries Zscaler Cloud NSS and SIEM exports).</summary>
    public string? SourceFormat { get; set; }
}

/// <summary>Outcome of parsing one line: a record, or why not.</summary>
internal readonly record struct LineParse(ProxyRecord? Record, string? Malformed)
{
    public static LineParse Fail(string reason) => new(null, reason);
}
