namespace Lantern.Gateway.Enforcement;

/// <summary>
/// Data class of a prompt as the classifier found it: the highest class any detector hit maps to, hit counts by
/// detector type (never the matched values) and whether the input was cut before the end.
/// </summary>
/// <param name="DataClass">Policy class name, or null when the classifier does not classify (no classifier configured).</param>
public sealed record PromptClassification(string? DataClass, IReadOnlyDictionary<string, int> HitCounts, bool Truncated)
{
    public static readonly PromptClassification Unclassified = new(null, new Dictionary<string, int>(), false);
}

/// <summary>Classifies prompt texts and masks detector hits for <c>redacted</c> capture (issue 7, "Classification of input").</summary>
public interface IPromptClassifier
{
    PromptClassification Classify(IReadOnlyList<string> texts);

    /// <summary>The text with every detector hit masked.</summary>
    string Redact(string text);
}

/// <summary>Used when no classifier is configured: classifies nothing, so data-class rules are not applied, and redacts everything.</summary>
public sealed class NoPromptClassifier : IPromptClassifier
{
    public static readonly NoPromptClassifier Instance = new();

    public PromptClassification Classify(IReadOnlyList<string> texts) => PromptClassification.Unclassified;

    /// <summary>Without detectors nothing can be shown safely at <c>redacted</c>: the whole text is masked.</summary>
    public string Redact(string text) => "[unclassified]";
}
