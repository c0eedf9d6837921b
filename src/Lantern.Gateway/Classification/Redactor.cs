using System.Text;

namespace Lantern.Gateway.Classification;

/// <summary>
/// Masks detector hits for the <c>redacted</c> capture level: each hit becomes <c>[REDACTED:&lt;type&gt;]</c>;
/// overlapping hits merge into one marker (the first hit's type).
/// </summary>
public static class Redactor
{
    /// <summary>Marker for text the classifier did not scan (size limit): it may hold anything, so it is never captured.</summary>
    public const string UnscannedMarker = "[REDACTED:unscanned]";

    /// <summary>
    /// Replaces the hits of <paramref name="hits"/> in <paramref name="text"/>. All hits must belong to this text
    /// (filter by <see cref="DetectorHit.TextIndex"/> first, or use <see cref="RedactAll"/>); a hit outside the
    /// text is a caller bug and throws.
    /// </summary>
    public static string Redact(string text, IReadOnlyList<DetectorHit> hits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(hits);
        return Redact(text, hits, text.Length);
    }

    /// <summary>
    /// Redacts every text of a request with the result of <see cref="PromptClassifier.Classify(IEnumerable{string}, CancellationToken)"/>
    /// on the same texts; the part of a text that was not scanned (<see cref="ClassificationResult.ScannedLengths"/>)
    /// is replaced by <see cref="UnscannedMarker"/>, fail closed.
    /// </summary>
    public static IReadOnlyList<string> RedactAll(IReadOnlyList<string> texts, ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(result);
        var byText = new List<DetectorHit>[texts.Count];
        foreach (DetectorHit hit in result.Hits)
        {
            if ((uint)hit.TextIndex >= (uint)texts.Count)
            {
                throw new ArgumentException($"Hit for text {hit.TextIndex}, but only {texts.Count} texts were given.", nameof(result));
            }
            (byText[hit.TextIndex] ??= []).Add(hit);
        }
        var redacted = new string[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            int scanned = i < result.ScannedLengths.Count ? result.ScannedLengths[i] : 0;
            redacted[i] = Redact(texts[i] ?? string.Empty, byText[i] ?? [], scanned);
        }
        return redacted;
    }

    private static string Redact(string text, IReadOnlyList<DetectorHit> hits, int scannedLength)
    {
        scannedLength = Math.Clamp(scannedLength, 0, text.Length);
        if (hits.Count == 0 && scannedLength == text.Length)
        {
            return text;
        }
        DetectorHit[] ordered = [.. hits];
        Array.Sort(ordered, static (a, b) => a.Start.CompareTo(b.Start));
        var builder = new StringBuilder(text.Length);
        int position = 0;
        int i = 0;
        while (i < ordered.Length)
        {
            DetectorHit hit = ordered[i];
            if (hit.Start < 0 || hit.Length <= 0 || hit.Start > text.Length - hit.Length)
            {
                throw new ArgumentException($"Hit [{hit.Start}, +{hit.Length}) lies outside a text of {text.Length} characters.", nameof(hits));
            }
            int end = hit.End;
            int next = i + 1;
            while (next < ordered.Length && ordered[next].Start < end)
            {
                end = Math.Max(end, ordered[next].End);
                next++;
            }
            if (hit.Start >= position)
            {
                builder.Append(text, position, hit.Start - position);
            }
            builder.Append("[REDACTED:").Append(hit.Type).Append(']');
            position = Math.Max(position, end);
            i = next;
        }
        int keep = scannedLength;
        if (scannedLength < text.Length)
        {
            // A value cut by the limit was not seen whole by the detectors: end the kept text at the last whitespace
            // so no piece of it leaks.
            int lastSpace = text.AsSpan(0, scannedLength).LastIndexOfAny(" \t\r\n");
            keep = lastSpace < 0 ? 0 : lastSpace + 1;
        }
        if (position < keep)
        {
            builder.Append(text, position, keep - position);
        }
        if (scannedLength < text.Length)
        {
            builder.Append(UnscannedMarker);
        }
        return builder.ToString();
    }
}
