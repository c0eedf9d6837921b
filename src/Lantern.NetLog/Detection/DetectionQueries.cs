using System.Globalization;
using System.Text;

namespace Lantern.NetLog.Detection;

/// <summary>
/// The searches equivalent to <see cref="SigmaRuleSet"/>, pre-rendered for SIEMs without a Sigma
/// converter at hand. Both come from the same rule model, so they cannot drift apart.
/// </summary>
public static class DetectionQueries
{
    /// <summary>Backend ids accepted by <see cref="Render"/>.</summary>
    public static IReadOnlyList<string> Backends { get; } = ["splunk", "kql", "esql"];

    /// <summary>
    /// Columns every proxy query ends with, in this order: the JSON-lines field names
    /// <c>lantern netlog analyze --log-format jsonl</c> reads back after the hits are exported.
    /// <c>ts_utc</c> is epoch seconds (Splunk) or an ISO 8601 UTC timestamp (Sentinel, Elastic);
    /// <c>url</c> is the full URL, or <c>host:port</c> for CONNECT.
    /// </summary>
    public static IReadOnlyList<string> ProxyFields { get; } = QueryDialect.ProxyColumns;

    /// <summary>
    /// All rules rendered for <paramref name="backend"/> (<c>splunk</c>, <c>kql</c>, <c>esql</c>; case-insensitive),
    /// each query preceded by a comment naming the rule title, Sigma id and file, queries separated by a blank line.
    /// </summary>
    /// <exception cref="ArgumentException">The backend is not one of <see cref="Backends"/>.</exception>
    public static string Render(string backend)
    {
        QueryDialect dialect = Dialect(backend);
        var text = new StringBuilder(16 * 1024);
        foreach (DetectionRule rule in LanternDetectionRules.All)
        {
            text.Append(RenderRule(dialect, rule)).Append("\n\n");
        }
        return text.ToString();
    }

    internal static string RenderRule(QueryDialect dialect, DetectionRule rule) =>
        dialect.Comment(string.Create(CultureInfo.InvariantCulture, $"{rule.Title} (Sigma id {rule.Id:D}, {rule.FileName}, level {rule.Level})"))
        + "\n" + dialect.Render(rule);

    internal static QueryDialect Dialect(string backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend.ToLowerInvariant() switch
        {
            "splunk" => new SplunkDialect(),
            "kql" => new KqlDialect(),
            "esql" => new EsqlDialect(),
            _ => throw new ArgumentException($"unknown backend '{backend}'; expected one of: {string.Join(", ", Backends)}", nameof(backend)),
        };
    }
}
