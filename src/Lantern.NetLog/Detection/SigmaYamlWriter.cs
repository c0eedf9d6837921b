using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lantern.NetLog.Detection;

/// <summary>
/// Emits one <see cref="DetectionRule"/> as Sigma YAML by hand, in SigmaHQ's layout: key order of the
/// rule convention (sigmahq/sigmahq-rule-convention.md), 4-space indentation, detection values in single
/// quotes. Hand emission keeps the layout exact and keeps YamlDotNet out of the library.
/// </summary>
internal static class SigmaYamlWriter
{
    private const string Indent = "    ";

    /// <summary>Characters that would make a plain YAML scalar mean something else (YAML 1.2 §7.3.3).</summary>
    private static readonly SearchValues<char> s_yamlIndicators = SearchValues.Create("'\"{}[]|>&*!%@`\t\n\r");

    public static string Write(DetectionRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var yaml = new StringBuilder(2048);
        Line(yaml, 0, "title: " + Scalar(rule.Title));
        Line(yaml, 0, "id: " + rule.Id.ToString("D", CultureInfo.InvariantCulture));
        Line(yaml, 0, "status: experimental");
        Line(yaml, 0, "description: " + Scalar(rule.Description));
        List(yaml, "references", rule.References);
        Line(yaml, 0, "author: " + Scalar(LanternDetectionRules.Author));
        Line(yaml, 0, "date: " + LanternDetectionRules.Date);
        List(yaml, "tags", rule.Tags);
        Line(yaml, 0, "logsource:");
        Line(yaml, 1, "category: " + Scalar(rule.LogSource.Category));
        if (rule.LogSource.Product is { } product)
        {
            Line(yaml, 1, "product: " + Scalar(product));
        }
        Line(yaml, 0, "detection:");
        foreach (RuleSelection selection in rule.Selections.Concat(rule.Filters))
        {
            Line(yaml, 1, selection.Name + ":");
            foreach (FieldMatch match in selection.Fields)
            {
                string key = match.Field + Modifiers(match);
                if (match.Values.Count == 1)
                {
                    Line(yaml, 2, key + ": " + Value(match.Values[0]));
                    continue;
                }
                Line(yaml, 2, key + ":");
                foreach (object value in match.Values)
                {
                    Line(yaml, 3, "- " + Value(value));
                }
            }
        }
        Line(yaml, 1, "condition: " + rule.Condition);
        List(yaml, "falsepositives", rule.FalsePositives);
        Line(yaml, 0, "level: " + rule.Level);
        return yaml.ToString();
    }

    private static string Modifiers(FieldMatch match)
    {
        string modifier = match.Operator switch
        {
            MatchOperator.Equals => "",
            MatchOperator.Contains => "|contains",
            MatchOperator.StartsWith => "|startswith",
            MatchOperator.EndsWith => "|endswith",
            MatchOperator.GreaterOrEqual => "|gte",
            _ => throw new ArgumentOutOfRangeException(nameof(match), match.Operator, "unknown operator"),
        };
        return match.MatchAll ? modifier + "|all" : modifier;
    }

    private static void List(StringBuilder yaml, string key, IReadOnlyList<string> items)
    {
        Line(yaml, 0, key + ":");
        foreach (string item in items)
        {
            Line(yaml, 1, "- " + Scalar(item));
        }
    }

    private static void Line(StringBuilder yaml, int depth, string text)
    {
        for (int i = 0; i < depth; i++)
        {
            yaml.Append(Indent);
        }
        yaml.Append(text).Append('\n');
    }

    /// <summary>A detection value: integers plain, strings single-quoted with Sigma wildcard escaping.</summary>
    private static string Value(object value) => value switch
    {
        long number => number.ToString(CultureInfo.InvariantCulture),
        string text => Quote(EscapeSigmaWildcards(text)),
        _ => throw new ArgumentException("detection values are strings or integers", nameof(value)),
    };

    /// <summary>
    /// Sigma treats <c>*</c> and <c>?</c> as wildcards and <c>\</c> as their escape (Sigma specification
    /// v2.0.0, "Escaping"); the model's values are literals, so escape those three where they would be read
    /// as special. A backslash not followed by a special character stays as is, as the spec allows.
    /// </summary>
    internal static string EscapeSigmaWildcards(string text)
    {
        if (text.AsSpan().IndexOfAny('*', '?', '\\') < 0)
        {
            return text;
        }
        var escaped = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '*' or '?')
            {
                escaped.Append('\\');
            }
            else if (c == '\\' && i + 1 < text.Length && text[i + 1] is '*' or '?' or '\\')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>Plain scalar when it is unambiguous YAML text, otherwise single-quoted.</summary>
    private static string Scalar(string text)
    {
        bool plain = text.Length > 0
            && char.IsAsciiLetterOrDigit(text[0])
            && !text.Contains(": ", StringComparison.Ordinal)
            && !text.Contains(" #", StringComparison.Ordinal)
            && !text.EndsWith(':')
            && text.AsSpan().IndexOfAny(s_yamlIndicators) < 0
            && !LooksTyped(text);
        return plain ? text : Quote(text);
    }

    /// <summary>Plain scalars YAML would read as something other than a string (numbers, booleans, null).</summary>
    private static bool LooksTyped(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || text is "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "~"
        || text.Equals("true", StringComparison.OrdinalIgnoreCase)
        || text.Equals("false", StringComparison.OrdinalIgnoreCase)
        || text.Equals("null", StringComparison.OrdinalIgnoreCase);

    /// <summary>YAML single-quoted scalar: the only escape is a doubled quote (YAML 1.2 §7.3.2).</summary>
    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
