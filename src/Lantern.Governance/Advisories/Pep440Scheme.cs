using System.Text.RegularExpressions;

namespace Lantern.Governance.Advisories;

/// <summary>
/// PEP 440 version ordering (packaging.python.org "Version specifiers"), as OSV's PyPI ecosystem
/// uses it: epoch, release (trailing zeros ignored), pre (a &lt; b &lt; rc), post, dev, local.
/// Accepts the spec's normalisation leniencies (leading <c>v</c>, <c>alpha</c>/<c>beta</c>/<c>c</c>/<c>pre</c>/<c>preview</c>,
/// <c>rev</c>/<c>r</c>, implicit numbers, <c>-N</c> post releases, <c>-</c>/<c>_</c>/<c>.</c> separators).
/// Also used for ecosystems with plain dotted versions (GitHub releases such as <c>v2.5</c>).
/// </summary>
internal sealed partial class Pep440Scheme : VersionScheme
{
    public static readonly Pep440Scheme Instance = new();

    public override string Name => "pep440";

    // The pattern from PEP 440 Appendix B (packaging's VERSION_PATTERN), anchored. Input length is
    // capped before matching and the engine is non-backtracking, so crafted input cannot stall it.
    [GeneratedRegex(
        @"^\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)" +
        @"(?:[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?" +
        @"(?:(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?" +
        @"(?:[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?" +
        @"(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking)]
    private static partial Regex VersionPattern();

    public override IComparable? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxVersionLength)
        {
            return null;
        }
        Match m = VersionPattern().Match(text);
        if (!m.Success)
        {
            return null;
        }
        string epoch = m.Groups["epoch"].Success ? m.Groups["epoch"].Value : "0";
        string[] release = m.Groups["release"].Value.Split('.');
        int end = release.Length;
        while (end > 1 && release[end - 1].TrimStart('0').Length == 0)
        {
            end--;
        }
        release = release[..end];

        int preRank = PreAbsent;
        string preNumber = "0";
        if (m.Groups["pre_l"].Success)
        {
            preRank = m.Groups["pre_l"].Value.ToUpperInvariant() switch
            {
                "A" or "ALPHA" => 0,
                "B" or "BETA" => 1,
                _ => 2, // c, rc, pre, preview all normalise to rc
            };
            preNumber = m.Groups["pre_n"].Success ? m.Groups["pre_n"].Value : "0";
        }
        string? post = m.Groups["post_n1"].Success ? m.Groups["post_n1"].Value
            : m.Groups["post_l"].Success ? (m.Groups["post_n2"].Success ? m.Groups["post_n2"].Value : "0")
            : null;
        string? dev = m.Groups["dev_l"].Success ? (m.Groups["dev_n"].Success ? m.Groups["dev_n"].Value : "0") : null;
        string[]? local = m.Groups["local"].Success
            ? m.Groups["local"].Value.ToLowerInvariant().Split('-', '_', '.')
            : null;

        // packaging's _cmpkey: a dev release of a final version (1.0.dev1) sorts before its
        // pre-releases (1.0a1), so it takes a pre rank below "a".
        if (preRank == PreAbsent && post is null && dev is not null)
        {
            preRank = PreDevOnly;
        }
        return new Pep440Version(epoch, release, preRank, preNumber, post, dev, local);
    }

    private const int PreDevOnly = -1;
    private const int PreAbsent = 3;

    private sealed class Pep440Version(
        string epoch, string[] release, int preRank, string preNumber, string? post, string? dev, string[]? local) : IComparable
    {
        public string Epoch => epoch;
        public string[] Release => release;
        public int PreRank => preRank;
        public string PreNumber => preNumber;
        public string? Post => post;
        public string? Dev => dev;
        public string[]? Local => local;

        public int CompareTo(object? obj)
        {
            var o = (Pep440Version)obj!;
            int c = CompareNumeric(epoch, o.Epoch);
            if (c != 0)
            {
                return c;
            }
            int n = Math.Max(release.Length, o.Release.Length);
            for (int i = 0; i < n; i++)
            {
                c = CompareNumeric(i < release.Length ? release[i] : "0", i < o.Release.Length ? o.Release[i] : "0");
                if (c != 0)
                {
                    return c;
                }
            }
            c = preRank.CompareTo(o.PreRank);
            if (c != 0)
            {
                return c;
            }
            if (preRank is >= 0 and < PreAbsent)
            {
                c = CompareNumeric(preNumber, o.PreNumber);
                if (c != 0)
                {
                    return c;
                }
            }
            // No post release sorts before any post release.
            c = CompareOptional(post, o.Post, absentIsLow: true);
            if (c != 0)
            {
                return c;
            }
            // No dev release sorts after any dev release.
            c = CompareOptional(dev, o.Dev, absentIsLow: false);
            if (c != 0)
            {
                return c;
            }
            return CompareLocal(local, o.Local);
        }

        private static int CompareOptional(string? a, string? b, bool absentIsLow)
        {
            if (a is null && b is null)
            {
                return 0;
            }
            if (a is null)
            {
                return absentIsLow ? -1 : 1;
            }
            if (b is null)
            {
                return absentIsLow ? 1 : -1;
            }
            return CompareNumeric(a, b);
        }

        // PEP 440 "Local version identifiers": absent sorts first; segments compare numerically
        // when both are numbers, numbers sort above strings, strings compare lexically; a longer
        // local version wins when the common prefix is equal.
        private static int CompareLocal(string[]? a, string[]? b)
        {
            if (a is null || b is null)
            {
                return (a is null, b is null) switch { (true, true) => 0, (true, false) => -1, _ => 1 };
            }
            int n = Math.Min(a.Length, b.Length);
            for (int i = 0; i < n; i++)
            {
                bool an = IsDigits(a[i]);
                bool bn = IsDigits(b[i]);
                int c = (an, bn) switch
                {
                    (true, true) => CompareNumeric(a[i], b[i]),
                    (true, false) => 1,
                    (false, true) => -1,
                    _ => string.CompareOrdinal(a[i], b[i]),
                };
                if (c != 0)
                {
                    return c;
                }
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
