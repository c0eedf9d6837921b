using System.Text;

namespace Lantern.NetLog.Detection;

/// <summary>
/// Elastic ES|QL over <c>logs-*</c> with ECS fields (<c>url.original</c>, <c>url.domain</c>,
/// <c>source.ip</c>, <c>user.name</c>, <c>http.response.bytes</c>, <c>process.executable</c>…).
/// ES|QL string functions and <c>LIKE</c> are case-sensitive, so fields are lowered with
/// <c>TO_LOWER</c> and values lowered here, to keep Sigma's case-insensitive meaning.
/// </summary>
internal sealed class EsqlDialect : QueryDialect
{
    /// <summary>ES|QL returns at most 10 000 rows unless the cluster raises <c>esql.query.result_truncation_max_size</c>.</summary>
    private const string Limit = "\n| LIMIT 10000";

    public override string Comment(string text) => "// " + text.ReplaceLineEndings(" ");

    protected override string And => " AND ";

    protected override string Or => " OR ";

    protected override string Not => "NOT ";

    protected override string Prefix(RuleLogSource source) => "FROM logs-*\n| WHERE ";

    protected override string Suffix(RuleLogSource source) => source.Category switch
    {
        "proxy" => "\n| EVAL ts_utc = @timestamp, client_ip = source.ip, user = user.name, method = http.request.method, url = url.original, host = url.domain, "
            + "status = http.response.status_code, bytes_to_client = http.response.bytes, bytes_from_client = http.request.bytes, ua = user_agent.original, "
            + "content_type = http.response.mime_type, action = event.action"
            + "\n| KEEP " + string.Join(", ", ProxyColumns) + Limit,
        "process_creation" => "\n| KEEP @timestamp, host.name, user.name, process.executable, process.command_line, process.parent.executable" + Limit,
        "network_connection" => "\n| KEEP @timestamp, host.name, process.executable, source.ip, destination.ip, destination.port" + Limit,
        "dns_query" => "\n| KEEP @timestamp, host.name, process.executable, dns.question.name" + Limit,
        _ => Unmapped(source, "logsource"),
    };

    protected override string Field(RuleLogSource source, string sigmaField) => (source.Category, sigmaField) switch
    {
        ("proxy", "cs-host") => "url.domain",
        ("proxy", "c-uri") => "url.original",
        ("proxy", "c-useragent") => "user_agent.original",
        ("proxy", "cs-method") => "http.request.method",
        ("proxy", "sc-bytes") => "http.response.bytes",
        ("proxy", "sc-status") => "http.response.status_code",
        ("proxy", "src_ip") => "source.ip",
        (_, "Image") => "process.executable",
        ("process_creation", "CommandLine") => "process.command_line",
        ("network_connection", "DestinationPort") => "destination.port",
        ("network_connection", "DestinationIp") => "destination.ip",
        ("dns_query", "QueryName") => "dns.question.name",
        _ => Unmapped(source, sigmaField),
    };

    protected override string Compare(string field, MatchOperator op, string value)
    {
        string lowered = "TO_LOWER(" + field + ")";
        string literal = value.ToLowerInvariant();
        return op switch
        {
            MatchOperator.Equals => lowered + " == " + DoubleQuoted(literal),
            MatchOperator.Contains => lowered + " LIKE " + DoubleQuoted("*" + LikeEscape(literal) + "*"),
            MatchOperator.StartsWith => "STARTS_WITH(" + lowered + ", " + DoubleQuoted(literal) + ")",
            MatchOperator.EndsWith => "ENDS_WITH(" + lowered + ", " + DoubleQuoted(literal) + ")",
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a string comparison"),
        };
    }

    protected override string CompareNumber(string field, MatchOperator op, long value) => op switch
    {
        MatchOperator.Equals => field + " == " + Number(value),
        MatchOperator.GreaterOrEqual => field + " >= " + Number(value),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a numeric comparison"),
    };

    /// <summary><c>LIKE</c> patterns use <c>*</c>, <c>?</c> and <c>\</c> as escape; a literal backslash is <c>\\</c> in the pattern.</summary>
    internal static string LikeEscape(string literal)
    {
        var escaped = new StringBuilder(literal.Length + 4);
        foreach (char c in literal)
        {
            if (c is '\\' or '*' or '?')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
