namespace Lantern.Governance.Policy.Loading;

/// <summary>"Did you mean …?" for misspelt keys, enum values and references.</summary>
internal static class EditDistance
{
    // Keys and ids are short; longer input is not a typo of one and is not worth the quadratic work.
    private const int MaxComparedLength = 64;

    /// <summary>The closest candidate within a typo's distance (case-insensitive), or null.</summary>
    public static string? Suggest(string input, IEnumerable<string> candidates)
    {
        if (input.Length == 0 || input.Length > MaxComparedLength)
        {
            return null;
        }
        // One edit per three characters, at least one and at most three: 'clasifications' → 'classifications', not 'x' → 'id'.
        int threshold = Math.Clamp(input.Length / 3, 1, 3);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            if (candidate.Length > MaxComparedLength || string.Equals(candidate, input, StringComparison.Ordinal))
            {
                continue;
            }
            int distance = Distance(input, candidate);
            if (distance <= threshold && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transposition), ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                int value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 2]) && char.ToUpperInvariant(a[i - 2]) == char.ToUpperInvariant(b[j - 1]))
                {
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                }
                d[i, j] = value;
            }
        }
        return d[a.Length, b.Length];
    }

    public static string DidYouMean(string input, IEnumerable<string> candidates) =>
        Suggest(input, candidates) is { } suggestion ? $"; did you mean '{suggestion}'?" : "";
}
