namespace Lantern.Governance.Advisories;

/// <summary>
/// Semantic Versioning 2.0.0 precedence (semver.org §11), as OSV's SEMVER range type and the Go
/// ecosystem use it. Lenient where detectors are: a leading <c>v</c>, and one or two numeric
/// components (missing ones read as 0). Build metadata (<c>+…</c>) is ignored, per §10.
/// </summary>
internal sealed class SemVerScheme : VersionScheme
{
    public static readonly SemVerScheme Instance = new();

    public override string Name => "semver";

    public override IComparable? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxVersionLength)
        {
            return null;
        }
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.Length > 0 && (s[0] == 'v' || s[0] == 'V'))
        {
            s = s[1..];
        }
        int plus = s.IndexOf('+');
        if (plus >= 0)
        {
            s = s[..plus];
        }
        string? pre = null;
        int dash = s.IndexOf('-');
        if (dash >= 0)
        {
            pre = s[(dash + 1)..].ToString();
            s = s[..dash];
            if (pre.Length == 0)
            {
                return null;
            }
        }
        string[] core = s.ToString().Split('.');
        if (core.Length is < 1 or > 3)
        {
            return null;
        }
        var numbers = new string[3] { "0", "0", "0" };
        for (int i = 0; i < core.Length; i++)
        {
            if (!IsDigits(core[i]))
            {
                return null;
            }
            numbers[i] = core[i];
        }
        string[] preParts = pre is null ? [] : pre.Split('.');
        foreach (string part in preParts)
        {
            if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return null;
            }
        }
        return new SemVersion(numbers, preParts);
    }

    private sealed class SemVersion(string[] core, string[] pre) : IComparable
    {
        public int CompareTo(object? obj)
        {
            var other = (SemVersion)obj!;
            for (int i = 0; i < 3; i++)
            {
                int c = CompareNumeric(core[i], other.Core[i]);
                if (c != 0)
                {
                    return c;
                }
            }
            // §11.3: a pre-release has lower precedence than the normal version.
            if (pre.Length == 0 || other.Pre.Length == 0)
            {
                return (pre.Length == 0, other.Pre.Length == 0) switch
                {
                    (true, true) => 0,
                    (true, false) => 1,
                    _ => -1,
                };
            }
            int n = Math.Min(pre.Length, other.Pre.Length);
            for (int i = 0; i < n; i++)
            {
                int c = ComparePreIdentifier(pre[i], other.Pre[i]);
                if (c != 0)
                {
                    return c;
                }
            }
            return pre.Length.CompareTo(other.Pre.Length);
        }

        private string[] Core => core;

        private string[] Pre => pre;

        // §11.4: numeric identifiers compare numerically and sort before alphanumeric ones.
        private static int ComparePreIdentifier(string a, string b)
        {
            bool an = IsDigits(a);
            bool bn = IsDigits(b);
            return (an, bn) switch
            {
                (true, true) => CompareNumeric(a, b),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a, b),
            };
        }
    }
}
