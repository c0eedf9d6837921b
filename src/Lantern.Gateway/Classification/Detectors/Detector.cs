using System.Text.RegularExpressions;

namespace Lantern.Gateway.Classification.Detectors;

/// <summary>A character range a detector accepted, before the classifier attaches type, text index and class.</summary>
internal readonly record struct Candidate(int Start, int Length);

/// <summary>How far a detector's hits can be trusted; documented per detector in docs/data-classification.md.</summary>
internal enum Confidence
{
    Low,
    Medium,
    High,
}

/// <summary>
/// A built-in detector: a bounded regular expression proposes candidates, <see cref="Validate"/> keeps the real ones
/// (check digits, prefixes, entropy, placeholders). Stateless and thread-safe; one instance serves every request.
/// </summary>
internal abstract class Detector
{
    /// <summary>
    /// Every built-in pattern has bounded quantifiers only, so a match attempt costs at most a few hundred steps per
    /// start position and a whole 1 MiB text scans in well under a second even when built to be slow; the time-out
    /// (which .NET applies to one search for the next match, i.e. up to the whole text) is a second line of defence,
    /// and hitting it makes the request fail closed.
    /// </summary>
    public const int MatchTimeoutMilliseconds = 5000;

    /// <summary>Stable type id (<see cref="DetectorTypes"/>).</summary>
    public abstract string Type { get; }

    public abstract Confidence Confidence { get; }

    /// <summary>
    /// When two built-in hits overlap, the higher priority wins (a card number is not also a phone number; an OpenAI
    /// key inside <c>api_key = …</c> is reported as <c>openai-key</c>, not <c>generic-secret</c>).
    /// </summary>
    public abstract int Priority { get; }

    /// <summary>The candidate pattern.</summary>
    protected abstract Regex Pattern { get; }

    /// <summary>Cheap vectorised test that skips the regex on texts that cannot hold a hit.</summary>
    public virtual bool MayContain(ReadOnlySpan<char> text) => true;

    /// <summary>
    /// Checks a candidate at [start, start + length) of <paramref name="text"/>; on success returns the hit range,
    /// which may be narrower than the candidate (e.g. the value of a <c>key = value</c> assignment).
    /// </summary>
    protected abstract bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit);

    public virtual void Scan(ReadOnlySpan<char> text, List<Candidate> found)
    {
        Regex pattern = Pattern;
        int position = 0;
        while (position < text.Length)
        {
            Regex.ValueMatchEnumerator matches = pattern.EnumerateMatches(text, position);
            if (!matches.MoveNext())
            {
                return;
            }
            ValueMatch match = matches.Current;
            if (match.Length == 0)
            {
                position = match.Index + 1;
                continue;
            }
            if (Validate(text, match.Index, match.Length, out Candidate hit))
            {
                found.Add(hit);
                // Continue after the hit, not the candidate: a validator that kept a prefix (IBAN at its country's
                // length) leaves the rest for the next match.
                position = Math.Max(hit.Start + hit.Length, match.Index + 1);
            }
            else
            {
                position = match.Index + match.Length;
            }
        }
    }
}
