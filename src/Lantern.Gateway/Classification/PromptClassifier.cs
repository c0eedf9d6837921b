using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Lantern.Gateway.Classification.Detectors;

namespace Lantern.Gateway.Classification;

/// <summary>
/// Classifies the text of one inference request (prompt, messages, system text) by the data it carries: built-in
/// detectors for personal data, financial data, national ids and secrets, plus the policy's keywords and patterns.
/// The highest class of any hit is the request's class; nothing found gives the lowest class; a request that could
/// not be scanned completely gets the highest class (fail closed). Static analysis only: nothing is looked up or
/// verified online. Thread-safe; build one per policy and share it.
/// </summary>
public sealed class PromptClassifier
{
    private readonly string[] _classes;
    private readonly (Detector Detector, int ClassRank)[] _detectors;
    private readonly KeywordMatcher _keywords;
    private readonly CompiledPattern[] _patterns;
    private readonly int _maxScanChars;
    private readonly int _maxHits;

    public PromptClassifier(ClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Classifications.Count == 0)
        {
            throw new ClassifierConfigurationException("The classification list is empty; it needs at least one data class, lowest first.");
        }
        if (options.MaxScanChars <= 0 || options.MaxHits <= 0)
        {
            throw new ClassifierConfigurationException($"MaxScanChars ({options.MaxScanChars}) and MaxHits ({options.MaxHits}) must be positive.");
        }
        _classes = [.. options.Classifications];
        if (_classes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != _classes.Length)
        {
            throw new ClassifierConfigurationException($"The classification list names a class twice: {string.Join(", ", _classes)}.");
        }
        _maxScanChars = options.MaxScanChars;
        _maxHits = options.MaxHits;

        var enabled = new HashSet<string>(options.EnabledDetectors ?? DetectorTypes.BuiltIn, StringComparer.Ordinal);
        foreach (string id in enabled)
        {
            if (!DetectorTypes.BuiltIn.Contains(id))
            {
                throw new ClassifierConfigurationException($"Unknown detector '{id}'. Known detectors: {string.Join(", ", DetectorTypes.BuiltIn)}.");
            }
        }
        if (options.DetectorClasses is not null)
        {
            foreach (string id in options.DetectorClasses.Keys)
            {
                if (!DetectorTypes.BuiltIn.Contains(id))
                {
                    throw new ClassifierConfigurationException($"The detector class mapping names unknown detector '{id}'.");
                }
            }
        }
        _detectors = CreateDetectors()
            .Where(d => enabled.Contains(d.Type))
            .Select(d => (d, Rank(ClassFor(d.Type, options), $"detector '{d.Type}'")))
            .ToArray();

        var terms = new List<KeywordTerm>();
        foreach (KeywordRule rule in options.Keywords)
        {
            string name = rule.Name ?? rule.DataClass;
            int rank = Rank(rule.DataClass, $"keyword rule '{name}'");
            foreach (string term in rule.Terms)
            {
                if (string.IsNullOrWhiteSpace(term) || term.Length < 2 || term.Length > KeywordMatcher.MaxTermLength)
                {
                    throw new ClassifierConfigurationException(
                        $"Keyword rule '{name}' has a term of {term?.Length ?? 0} characters; terms need 2 to {KeywordMatcher.MaxTermLength} characters and not only spaces.");
                }
                terms.Add(new KeywordTerm(term, rank, name, rule.CaseSensitive));
            }
        }
        if (terms.Count > KeywordMatcher.MaxTerms)
        {
            throw new ClassifierConfigurationException($"The policy lists {terms.Count} keyword terms; at most {KeywordMatcher.MaxTerms} are allowed.");
        }
        _keywords = new KeywordMatcher(terms);

        var patterns = new List<CompiledPattern>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (PatternRule rule in options.Patterns)
        {
            if (!IsValidRuleName(rule.Name) || !names.Add(rule.Name))
            {
                throw new ClassifierConfigurationException(
                    $"Pattern rule name '{rule.Name}' is invalid or used twice; use 1–64 letters, digits, '-', '_' or '.'.");
            }
            int rank = Rank(rule.DataClass, $"pattern '{rule.Name}'");
            Regex regex = CompiledPattern.TryCompile(rule.Regex, rule.IgnoreCase, out string? error)
                ?? throw new ClassifierConfigurationException($"Pattern '{rule.Name}' is refused: {error}.");
            patterns.Add(new CompiledPattern(rule.Name, rank, regex));
        }
        _patterns = [.. patterns];
    }

    /// <summary>Lowest class: what a request with no hit gets.</summary>
    public string LowestClass => _classes[0];

    /// <summary>Highest class: what a request that could not be scanned completely gets.</summary>
    public string HighestClass => _classes[^1];

    /// <summary>
    /// Checks a policy regular expression the way the classifier will run it, for policy loaders and
    /// <c>lantern policy check</c>: false with a reason when it does not compile, cannot run in linear time, is too
    /// long or matches the empty string.
    /// </summary>
    public static bool TryValidatePattern(string pattern, bool ignoreCase, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return CompiledPattern.TryCompile(pattern, ignoreCase, out error) is not null;
    }

    /// <summary>
    /// Classifies the texts of one request. Texts are scanned in order until <see cref="ClassifierOptions.MaxScanChars"/>
    /// characters; the rest is not scanned and the request fails closed.
    /// </summary>
    public ClassificationResult Classify(IEnumerable<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var hits = new List<DetectorHit>();
        var scannedLengths = new List<int>();
        var candidates = new List<Candidate>();
        var keywordHits = new List<(Candidate Hit, KeywordTerm Term)>();
        long scanned = 0;
        string? failReason = null;
        int textIndex = -1;
        foreach (string? text in texts)
        {
            textIndex++;
            if (failReason is not null || text is null)
            {
                scannedLengths.Add(0);
                continue;
            }
            int budget = (int)Math.Min(text.Length, _maxScanChars - scanned);
            if (budget < text.Length)
            {
                failReason = $"the request holds more than {_maxScanChars} characters of text; only the first {_maxScanChars} were scanned";
            }
            ReadOnlySpan<char> span = text.AsSpan(0, budget);
            scannedLengths.Add(budget);
            scanned += budget;
            try
            {
                ScanText(span, textIndex, hits, candidates, keywordHits, cancellationToken);
            }
            catch (RegexMatchTimeoutException e)
            {
                failReason = $"a detector took longer than {e.MatchTimeout.TotalMilliseconds:0} ms on text {textIndex}";
                scannedLengths[textIndex] = 0;
            }
            if (failReason is null && hits.Count > _maxHits)
            {
                failReason = $"more than {_maxHits} detector hits; the scan stopped";
            }
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int best = -1;
        foreach (DetectorHit hit in hits)
        {
            counts[hit.Type] = counts.GetValueOrDefault(hit.Type) + 1;
            best = Math.Max(best, Array.FindIndex(_classes, c => ReferenceEquals(c, hit.DataClass)));
        }
        string dataClass = failReason is not null ? HighestClass : best < 0 ? LowestClass : _classes[best];
        return new ClassificationResult
        {
            DataClass = dataClass,
            HitCounts = counts,
            Truncated = failReason is not null,
            FailClosedReason = failReason,
            Hits = hits,
            ScannedLengths = scannedLengths,
            ScannedChars = scanned,
        };
    }

    /// <summary>Convenience overload for a single text.</summary>
    public ClassificationResult Classify(string text, CancellationToken cancellationToken = default) =>
        Classify([text], cancellationToken);

    private void ScanText(
        ReadOnlySpan<char> text,
        int textIndex,
        List<DetectorHit> hits,
        List<Candidate> candidates,
        List<(Candidate Hit, KeywordTerm Term)> keywordHits,
        CancellationToken cancellationToken)
    {
        // Built-in detectors: collect, then resolve overlaps by priority so one value counts once.
        var builtIn = new List<(Candidate Hit, int Detector)>();
        for (int i = 0; i < _detectors.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Detector detector = _detectors[i].Detector;
            if (!detector.MayContain(text))
            {
                continue;
            }
            candidates.Clear();
            detector.Scan(text, candidates);
            foreach (Candidate c in candidates)
            {
                builtIn.Add((c, i));
            }
            if (builtIn.Count > _maxHits)
            {
                break;
            }
        }
        builtIn.Sort(static (a, b) => a.Hit.Start != b.Hit.Start ? a.Hit.Start.CompareTo(b.Hit.Start) : b.Hit.Length.CompareTo(a.Hit.Length));
        int firstOfText = hits.Count;
        int lastEnd = -1;
        int lastPriority = -1;
        foreach ((Candidate hit, int index) in builtIn)
        {
            (Detector detector, int rank) = _detectors[index];
            if (hit.Start < lastEnd)
            {
                if (detector.Priority <= lastPriority)
                {
                    continue;
                }
                hits.RemoveAt(hits.Count - 1);
            }
            hits.Add(new DetectorHit(detector.Type, textIndex, hit.Start, hit.Length, _classes[rank]));
            lastEnd = hit.Start + hit.Length;
            lastPriority = detector.Priority;
        }

        // Policy keywords and patterns carry their own class; they are not merged with built-in hits.
        if (!_keywords.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            keywordHits.Clear();
            _keywords.Scan(text, keywordHits);
            foreach ((Candidate hit, KeywordTerm term) in keywordHits)
            {
                hits.Add(new DetectorHit(DetectorTypes.Keyword, textIndex, hit.Start, hit.Length, _classes[term.ClassRank], term.RuleName));
            }
        }
        foreach (CompiledPattern pattern in _patterns)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (ValueMatch match in pattern.Regex.EnumerateMatches(text))
            {
                if (match.Length > 0)
                {
                    hits.Add(new DetectorHit(DetectorTypes.Pattern, textIndex, match.Index, match.Length, _classes[pattern.ClassRank], pattern.Name));
                }
                if (hits.Count > _maxHits)
                {
                    break;
                }
            }
        }
        hits.Sort(firstOfText, hits.Count - firstOfText, HitOrder.Instance);
    }

    private static Detector[] CreateDetectors() =>
    [
        new EmailDetector(),
        new PhoneDetector(),
        new PaymentCardDetector(),
        new IbanDetector(),
        new UsSsnDetector(),
        new UkNinoDetector(),
        new DeTaxIdDetector(),
        new UkNhsDetector(),
        new AwsAccessKeyDetector(),
        new GitHubTokenDetector(),
        new SlackTokenDetector(),
        new OpenAiKeyDetector(),
        new AnthropicKeyDetector(),
        new PrivateKeyDetector(),
        new JwtDetector(),
        new GenericSecretDetector(),
    ];

    private static string ClassFor(string detector, ClassifierOptions options) =>
        options.DetectorClasses?.GetValueOrDefault(detector) ?? ClassifierOptions.DefaultDetectorClasses[detector];

    private int Rank(string dataClass, string what)
    {
        int rank = Array.FindIndex(_classes, c => string.Equals(c, dataClass, StringComparison.OrdinalIgnoreCase));
        return rank >= 0
            ? rank
            : throw new ClassifierConfigurationException(
                $"The {what} maps to data class '{dataClass}', which is not in the classification list ({string.Join(", ", _classes)}).");
    }

    private static bool IsValidRuleName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private sealed class HitOrder : IComparer<DetectorHit>
    {
        public static readonly HitOrder Instance = new();

        public int Compare(DetectorHit x, DetectorHit y) =>
            x.Start != y.Start ? x.Start.CompareTo(y.Start) : y.Length.CompareTo(x.Length);
    }
}
