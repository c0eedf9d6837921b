namespace Lantern.NetLog.Detection;

/// <summary>How one field is compared with its values (Sigma modifiers, Sigma specification v2.0.0 §"Modifiers").</summary>
internal enum MatchOperator
{
    /// <summary>Whole-value match, case-insensitive (Sigma's default for strings).</summary>
    Equals,
    Contains,
    StartsWith,
    EndsWith,

    /// <summary>Numeric greater-or-equal (Sigma <c>|gte</c>); the value must be an integer.</summary>
    GreaterOrEqual,
}

/// <summary>
/// One <c>field|modifier: values</c> line of a Sigma selection. Values are literal text (or integers):
/// the catalogue never uses wildcards, so every renderer can escape values as plain literals.
/// Several values are OR-ed unless <see cref="MatchAll"/> (Sigma <c>|all</c>) makes them AND-ed.
/// </summary>
internal sealed record FieldMatch(string Field, MatchOperator Operator, IReadOnlyList<object> Values, bool MatchAll = false)
{
    public static FieldMatch Is(string field, params string[] values) => new(field, MatchOperator.Equals, values);

    public static FieldMatch Is(string field, params long[] values) => new(field, MatchOperator.Equals, values.Cast<object>().ToArray());

    public static FieldMatch Contains(string field, params string[] values) => new(field, MatchOperator.Contains, values);

    public static FieldMatch ContainsAll(string field, params string[] values) => new(field, MatchOperator.Contains, values, MatchAll: true);

    public static FieldMatch StartsWith(string field, params string[] values) => new(field, MatchOperator.StartsWith, values);

    public static FieldMatch EndsWith(string field, params string[] values) => new(field, MatchOperator.EndsWith, values);

    public static FieldMatch AtLeast(string field, long value) => new(field, MatchOperator.GreaterOrEqual, [value]);
}

/// <summary>A named Sigma selection: a map whose fields are AND-ed.</summary>
internal sealed record RuleSelection(string Name, IReadOnlyList<FieldMatch> Fields);

/// <summary>How a rule's selections combine (Sigma condition); filters are always AND NOT-ed.</summary>
internal enum SelectionCombination
{
    /// <summary><c>all of selection_*</c></summary>
    All,

    /// <summary><c>1 of selection_*</c></summary>
    Any,
}

/// <summary>Sigma log source (taxonomy: category + optional product).</summary>
internal sealed record RuleLogSource(string Category, string? Product = null);

/// <summary>
/// One detection rule, the single model both the Sigma YAML and every backend query are rendered from,
/// so that they cannot drift apart. Field names are Sigma taxonomy names (compliance.md §9).
/// </summary>
internal sealed record DetectionRule
{
    public required string FileName { get; init; }
    public required Guid Id { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<string> References { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required RuleLogSource LogSource { get; init; }
    public required IReadOnlyList<RuleSelection> Selections { get; init; }
    public IReadOnlyList<RuleSelection> Filters { get; init; } = [];
    public required SelectionCombination Combination { get; init; }
    public required IReadOnlyList<string> FalsePositives { get; init; }
    public required string Level { get; init; }

    /// <summary>The Sigma condition string, derived from <see cref="Combination"/> and the filters.</summary>
    public string Condition
    {
        get
        {
            string selections = Selections.Count == 1
                ? Selections[0].Name
                : (Combination == SelectionCombination.All ? "all of selection_*" : "1 of selection_*");
            return Filters.Count == 0 ? selections : selections + " and not 1 of filter_*";
        }
    }
}
