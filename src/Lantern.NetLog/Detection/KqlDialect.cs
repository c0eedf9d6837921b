namespace Lantern.NetLog.Detection;

/// <summary>
/// Microsoft Sentinel KQL over the ASIM unifying parsers (<c>_Im_WebSession</c>, <c>_Im_ProcessCreate</c>,
/// <c>_Im_NetworkSession</c>, <c>_Im_Dns</c>), so one query covers every connected proxy or endpoint
/// source. <c>=~</c>, <c>in~</c>, <c>contains</c>, <c>startswith</c> and <c>endswith</c> are all
/// case-insensitive, which matches Sigma's default.
/// </summary>
internal sealed class KqlDialect : QueryDialect
{
    /// <summary>Look-back of every query; compliance reviews pull 90 days of proxy logs (issue 6).</summary>
    private const string Window = "starttime=ago(90d), endtime=now()";

    public override string Comment(string text) => "// " + text.ReplaceLineEndings(" ");

    protected override string And => " and ";

    protected override string Or => " or ";

    protected override string Not => "not";

    protected override string Prefix(RuleLogSource source) => source.Category switch
    {
        // ASIM web sessions carry the host in DstFQDN/DstHostname; parse_url covers sources that only fill Url.
        "proxy" => "_Im_WebSession(" + Window + ")\n| extend LanternHost = tolower(coalesce(DstFQDN, DstHostname, tostring(parse_url(Url).Host)))\n| where ",
        "process_creation" => "_Im_ProcessCreate(" + Window + ")\n| where ",
        "network_connection" => "_Im_NetworkSession(" + Window + ")\n| extend LanternProcess = coalesce(SrcProcessName, DstProcessName)\n| where ",
        "dns_query" => "_Im_Dns(" + Window + ")\n| where ",
        _ => Unmapped(source, "logsource"),
    };

    protected override string Suffix(RuleLogSource source) => source.Category switch
    {
        "proxy" => "\n| project ts_utc = TimeGenerated, client_ip = SrcIpAddr, user = SrcUsername, method = HttpRequestMethod, url = Url, host = LanternHost, "
            + "status = toint(EventResultDetails), bytes_to_client = DstBytes, bytes_from_client = SrcBytes, ua = HttpUserAgent, content_type = HttpContentType, action = DvcAction",
        "process_creation" => "\n| project TimeGenerated, DvcHostname, ActorUsername, TargetProcessName, TargetProcessCommandLine, ActingProcessName",
        "network_connection" => "\n| project TimeGenerated, DvcHostname, LanternProcess, SrcIpAddr, DstIpAddr, DstPortNumber",
        "dns_query" => "\n| project TimeGenerated, DvcHostname, SrcProcessName, DnsQuery",
        _ => Unmapped(source, "logsource"),
    };

    protected override string Field(RuleLogSource source, string sigmaField) => (source.Category, sigmaField) switch
    {
        ("proxy", "cs-host") => "LanternHost",
        ("proxy", "c-uri") => "Url",
        ("proxy", "c-useragent") => "HttpUserAgent",
        ("proxy", "cs-method") => "HttpRequestMethod",
        ("proxy", "sc-bytes") => "DstBytes",
        ("proxy", "sc-status") => "EventResultDetails",
        ("proxy", "src_ip") => "SrcIpAddr",
        ("process_creation", "Image") => "TargetProcessName",
        ("process_creation", "CommandLine") => "TargetProcessCommandLine",
        ("network_connection", "Image") => "LanternProcess",
        ("network_connection", "DestinationPort") => "DstPortNumber",
        ("network_connection", "DestinationIp") => "DstIpAddr",
        ("dns_query", "QueryName") => "DnsQuery",
        ("dns_query", "Image") => "SrcProcessName",
        _ => Unmapped(source, sigmaField),
    };

    protected override string Compare(string field, MatchOperator op, string value) => op switch
    {
        MatchOperator.Equals => field + " =~ " + DoubleQuoted(value),
        MatchOperator.Contains => field + " contains " + DoubleQuoted(value),
        MatchOperator.StartsWith => field + " startswith " + DoubleQuoted(value),
        MatchOperator.EndsWith => field + " endswith " + DoubleQuoted(value),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a string comparison"),
    };

    protected override string CompareNumber(string field, MatchOperator op, long value) => op switch
    {
        MatchOperator.Equals => field + " == " + Number(value),
        MatchOperator.GreaterOrEqual => field + " >= " + Number(value),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a numeric comparison"),
    };
}
