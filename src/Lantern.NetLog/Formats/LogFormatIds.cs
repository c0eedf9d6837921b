namespace Lantern.NetLog.Formats;

/// <summary>
/// Format ids as reported in <c>ProxyRecord.SourceFormat</c> and accepted by <c>--log-format</c>
/// (compliance.md §7). Squid <c>common</c> is read by the combined parser and reported as
/// <see cref="SquidCombined"/>: the two differ only by two trailing quoted fields.
/// </summary>
internal static class LogFormatIds
{
    public const string Auto = "auto";
    public const string Squid = "squid";
    public const string SquidCombined = "squid-combined";
    public const string SquidCommon = "squid-common";
    public const string W3c = "w3c";
    public const string ZscalerNss = "zscaler-nss";
    public const string Cef = "cef";
    public const string JsonLines = "jsonl";

    /// <summary>Recorded in stats when the first lines fit no format: each candidate line is then tried against all.</summary>
    public const string Unknown = "unknown";

    public static bool IsKnown(string id) => id is Auto or Squid or SquidCombined or SquidCommon or W3c or ZscalerNss or Cef or JsonLines;
}
