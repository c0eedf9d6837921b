using Lantern.Gateway.Classification;
using Lantern.Gateway.Enforcement;
using Lantern.Governance.Policy;

namespace Lantern.Gateway.Integration;

/// <summary>
/// <see cref="IPromptClassifier"/> over <see cref="PromptClassifier"/>, built from the policy's <c>classifications</c>
/// and <c>dataClassification</c> (docs/data-classification.md); <c>redacted</c> capture masks hits with <see cref="Redactor"/>.
/// </summary>
public sealed class PromptClassifierAdapter : IPromptClassifier
{
    private readonly PromptClassifier _classifier;

    public PromptClassifierAdapter(PromptClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        _classifier = classifier;
    }

    /// <summary>Builds the classifier the policy describes; the built-in detectors with default classes without one.</summary>
    /// <exception cref="PolicyRuleException">A keyword or pattern the classifier refuses, with its place in the policy file.</exception>
    public static PromptClassifierAdapter FromPolicy(LocalAiPolicy? policy)
    {
        var options = new ClassifierOptions();
        if (policy is not null)
        {
            DataClassificationPolicy rules = policy.DataClassification ?? new DataClassificationPolicy();
            options = options with
            {
                Classifications = policy.Classifications,
                DetectorClasses = DetectorClassesFor(policy, rules),
                Keywords = [.. rules.Keywords.Select(k => new KeywordRule { DataClass = k.Class, Terms = k.Terms, Name = k.Name, CaseSensitive = k.CaseSensitive })],
                Patterns = [.. rules.Patterns.Select(p => new PatternRule { Name = p.Name, DataClass = p.Class, Regex = p.Regex, IgnoreCase = p.IgnoreCase })],
            };
            // Check each pattern on its own first so that a refusal names its line in the policy file.
            foreach (ClassificationPattern pattern in rules.Patterns)
            {
                if (!PromptClassifier.TryValidatePattern(pattern.Regex, pattern.IgnoreCase, out string? error))
                {
                    throw new PolicyRuleException(pattern.Line, pattern.Column, $"dataClassification pattern '{pattern.Name}': {error}");
                }
            }
        }
        try
        {
            return new PromptClassifierAdapter(new PromptClassifier(options));
        }
        catch (ClassifierConfigurationException e)
        {
            throw new PolicyRuleException(0, 0, e.Message, e);
        }
    }

    public PromptClassification Classify(IReadOnlyList<string> texts)
    {
        ClassificationResult result = _classifier.Classify(texts);
        return new PromptClassification(result.DataClass, result.HitCounts, result.Truncated);
    }

    /// <summary>Masks every hit; anything the classifier could not scan (over the size limit) is masked as unscanned.</summary>
    public string Redact(string text)
    {
        ClassificationResult result = _classifier.Classify([text]);
        return Redactor.RedactAll([text], result)[0];
    }

    /// <summary>
    /// The default classes assume the usual four-level scheme; a policy with other class names maps each default onto the
    /// policy's scale by rank (lowest, second, third…, capped at its highest) so the classifier can always be built, and
    /// the policy's own <c>detectors</c> overrides win.
    /// </summary>
    private static Dictionary<string, string> DetectorClassesFor(LocalAiPolicy policy, DataClassificationPolicy rules)
    {
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<string> defaults = ClassifierOptions.DefaultClassifications;
        foreach (KeyValuePair<string, string> entry in ClassifierOptions.DefaultDetectorClasses)
        {
            int own = policy.ClassificationRank(entry.Value);
            if (own >= 0)
            {
                classes[entry.Key] = policy.Classifications[own];
                continue;
            }
            int rank = Math.Min(IndexOf(defaults, entry.Value), policy.Classifications.Count - 1);
            classes[entry.Key] = policy.Classifications[Math.Max(rank, 0)];
        }
        foreach (KeyValuePair<string, string> entry in rules.Detectors)
        {
            int rank = policy.ClassificationRank(entry.Value);
            classes[entry.Key] = rank >= 0 ? policy.Classifications[rank] : entry.Value;
        }
        return classes;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>A policy classification rule the gateway cannot use; <see cref="Line"/> is 0 when the place is not known.</summary>
public sealed class PolicyRuleException : Exception
{
    public PolicyRuleException()
    {
    }

    public PolicyRuleException(string message)
        : base(message)
    {
    }

    public PolicyRuleException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PolicyRuleException(int line, int column, string message, Exception? inner = null)
        : base(message, inner)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }
    public int Column { get; }
}
