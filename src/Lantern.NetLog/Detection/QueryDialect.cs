using System.Globalization;
using System.Text;

namespace Lantern.NetLog.Detection;

/// <summary>
/// One SIEM query language. Renders a <see cref="DetectionRule"/>'s selections (Sigma semantics: fields in
/// a selection AND-ed, values of a field OR-ed unless <c>|all</c>, string matches case-insensitive) into a
/// ready-to-run search over that SIEM's normalised schema, ending with a projection.
/// </summary>
internal abstract class QueryDialect
{
    /// <summary>Proxy-rule output columns, the names <c>lantern netlog analyze --log-format jsonl</c> reads.</summary>
    public static readonly string[] ProxyColumns =
        ["ts_utc", "client_ip", "user", "method", "url", "host", "status", "bytes_to_client", "bytes_from_client", "ua", "content_type", "action"];

    public abstract string Comment(string text);

    /// <summary>Everything before the condition (data source, computed columns, the filter keyword).</summary>
    protected abstract string Prefix(RuleLogSource source);

    /// <summary>Everything after the condition (projection, limits).</summary>
    protected abstract string Suffix(RuleLogSource source);

    /// <summary>The backend field for a Sigma taxonomy field of this log source.</summary>
    protected abstract string Field(RuleLogSource source, string sigmaField);

    protected abstract string Compare(string field, MatchOperator op, string value);

    protected abstract string CompareNumber(string field, MatchOperator op, long value);

    protected abstract string And { get; }

    protected abstract string Or { get; }

    protected abstract string Not { get; }

    public string Render(DetectionRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        string joiner = rule.Combination == SelectionCombination.All ? And : Or;
        string condition = string.Join(joiner, rule.Selections.Select(s => "(" + Selection(rule.LogSource, s) + ")"));
        if (rule.Filters.Count > 0)
        {
            condition = "(" + condition + ")" + And + Not + "(" + string.Join(Or, rule.Filters.Select(s => "(" + Selection(rule.LogSource, s) + ")")) + ")";
        }
        return Prefix(rule.LogSource) + condition + Suffix(rule.LogSource);
    }

    private string Selection(RuleLogSource source, RuleSelection selection) =>
        string.Join(And, selection.Fields.Select(match => FieldCondition(source, match)));

    private string FieldCondition(RuleLogSource source, FieldMatch match)
    {
        string field = Field(source, match.Field);
        var parts = new List<string>(match.Values.Count);
        foreach (object value in match.Values)
        {
            parts.Add(value switch
            {
                long number => CompareNumber(field, match.Operator, number),
                string text when match.Operator != MatchOperator.GreaterOrEqual => Compare(field, match.Operator, CheckLiteral(text)),
                _ => throw new ArgumentException($"value '{value}' does not fit operator {match.Operator}", nameof(match)),
            });
        }
        return parts.Count == 1 ? parts[0] : "(" + string.Join(match.MatchAll ? And : Or, parts) + ")";
    }

    /// <summary>
    /// The model's values are literals without wildcards; SPL search terms have no escape for <c>*</c>, so
    /// refuse them everywhere rather than render a query that means something else in one backend.
    /// </summary>
    private static string CheckLiteral(string text)
    {
        if (text.Length == 0 || text.Contains('*', StringComparison.Ordinal) || text.Contains('?', StringComparison.Ordinal))
        {
            throw new ArgumentException($"detection value '{text}' is empty or holds a wildcard; the rule model takes literal values only", nameof(text));
        }
        return text;
    }

    /// <summary>A double-quoted literal with backslash escapes, the string syntax SPL, KQL and ES|QL share.</summary>
    protected static string DoubleQuoted(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.Append('"').ToString();
    }

    protected static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    protected static string Unmapped(RuleLogSource source, string sigmaField) =>
        throw new NotSupportedException($"no field mapping for Sigma field '{sigmaField}' in log source '{source.Category}'");
}
