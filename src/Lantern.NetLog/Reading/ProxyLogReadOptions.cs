namespace Lantern.NetLog.Reading;

/// <summary>How <c>ProxyLogReader</c> reads one input.</summary>
public sealed record ProxyLogReadOptions
{
    /// <summary><c>auto</c> (detect per file), <c>squid</c>, <c>squid-combined</c>, <c>w3c</c>, <c>zscaler-nss</c>, <c>cef</c>, <c>jsonl</c>.</summary>
    public string Format { get; init; } = "auto";

    /// <summary>
    /// Substrings (host names and host suffixes) a line must contain to be parsed at all; null parses every
    /// line (<c>--full-parse</c>). Matching is ASCII case-insensitive. Directive lines (<c>#Fields:</c>…) are
    /// always read. Lines the prefilter skips are counted as skipped, not parsed.
    /// </summary>
    public IReadOnlyList<string>? PrefilterNeedles { get; init; }

    /// <summary>
    /// Longer lines are counted malformed and skipped without being buffered whole (256 KiB). Proxies cap URLs far
    /// below this (Squid's MAX_URL is 8 KiB), so a longer line is junk or an attack, never a real request.
    /// </summary>
    public int MaxLineBytes { get; init; } = 256 << 10;

    /// <summary>How many malformed line numbers the stats keep for the report.</summary>
    public int MaxMalformedExamples { get; init; } = 10;
}
