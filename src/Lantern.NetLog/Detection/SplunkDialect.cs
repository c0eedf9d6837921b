namespace Lantern.NetLog.Detection;

/// <summary>
/// Splunk SPL over CIM field names (Web data model: <c>url</c>, <c>dest</c>, <c>src</c>, <c>user</c>,
/// <c>bytes_in</c>…; endpoint rules over the Sysmon add-on's field names), sourcetype-agnostic: the base
/// search is <c>tag=web</c> (CIM Web) or the Sysmon event code. Search-command terms are case-insensitive,
/// which matches Sigma's default.
/// </summary>
internal sealed class SplunkDialect : QueryDialect
{
    public override string Comment(string text) => "``` " + text.Replace("`", "'", StringComparison.Ordinal) + " ```";

    protected override string And => " AND ";

    protected override string Or => " OR ";

    protected override string Not => "NOT ";

    protected override string Prefix(RuleLogSource source) => source.Category switch
    {
        "proxy" => "search tag=web ",
        "process_creation" => "search EventCode=1 ",
        "network_connection" => "search EventCode=3 ",
        "dns_query" => "search EventCode=22 ",
        _ => Unmapped(source, "logsource"),
    };

    protected override string Suffix(RuleLogSource source) => source.Category switch
    {
        // _time is epoch seconds; projected as a number so the time zone of the exporting user cannot leak in.
        "proxy" => "\n| eval ts_utc=_time, client_ip=src, method=http_method, host=dest, bytes_to_client=bytes_in, bytes_from_client=bytes_out, ua=http_user_agent, content_type=http_content_type"
            + "\n| table " + string.Join(' ', ProxyColumns),
        "process_creation" => "\n| table _time host User Image CommandLine ParentImage",
        "network_connection" => "\n| table _time host User Image DestinationIp DestinationPort",
        "dns_query" => "\n| table _time host Image QueryName",
        _ => Unmapped(source, "logsource"),
    };

    protected override string Field(RuleLogSource source, string sigmaField) => (source.Category, sigmaField) switch
    {
        ("proxy", "cs-host") => "dest",
        ("proxy", "c-uri") => "url",
        ("proxy", "c-useragent") => "http_user_agent",
        ("proxy", "cs-method") => "http_method",
        ("proxy", "sc-bytes") => "bytes_in",
        ("proxy", "sc-status") => "status",
        ("proxy", "src_ip") => "src",
        (_, "Image" or "CommandLine" or "DestinationPort" or "DestinationIp" or "QueryName") => sigmaField,
        _ => Unmapped(source, sigmaField),
    };

    protected override string Compare(string field, MatchOperator op, string value) => op switch
    {
        MatchOperator.Equals => field + "=" + DoubleQuoted(value),
        MatchOperator.Contains => field + "=" + DoubleQuoted("*" + value + "*"),
        MatchOperator.StartsWith => field + "=" + DoubleQuoted(value + "*"),
        MatchOperator.EndsWith => field + "=" + DoubleQuoted("*" + value),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a string comparison"),
    };

    protected override string CompareNumber(string field, MatchOperator op, long value) => op switch
    {
        MatchOperator.Equals => field + "=" + Number(value),
        MatchOperator.GreaterOrEqual => field + ">=" + Number(value),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a numeric comparison"),
    };
}
