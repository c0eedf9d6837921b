using System.Diagnostics.CodeAnalysis;

namespace Lantern.Governance.Advisories;

/// <summary>What one <c>affected[]</c> entry says about one version.</summary>
internal enum AffectedState
{
    NotAffected,
    Affected,

    /// <summary>The entry's ranges could not be compared with the version (GIT-only, or unparseable event versions).</summary>
    Unevaluable,
}

/// <summary>
/// OSV range evaluation exactly as the schema's § Evaluation pseudo-code gives it:
/// <c>v in versions</c> or any range where <c>BeforeLimits</c> holds and the sorted events leave
/// <c>vulnerable</c> true (introduced → true; fixed when v ≥ fixed → false; last_affected when
/// v &gt; last_affected → false). <c>introduced: "0"</c> sorts first, a <c>limit</c> of <c>*</c> last.
/// </summary>
internal static class RangeEvaluator
{
    public static AffectedState Evaluate(OsvAffected affected, VersionScheme ecosystemScheme, string version, out string? fixedVersion)
    {
        fixedVersion = null;
        foreach (string listed in affected.Versions)
        {
            if (string.Equals(listed, version, StringComparison.Ordinal))
            {
                return AffectedState.Affected;
            }
        }
        IComparable? v = ecosystemScheme.Parse(version);
        if (v is not null)
        {
            foreach (string listed in affected.Versions)
            {
                IComparable? l = ecosystemScheme.Parse(listed);
                if (l is not null && l.CompareTo(v) == 0)
                {
                    return AffectedState.Affected;
                }
            }
        }

        bool unevaluable = false;
        bool anyComparableRange = false;
        foreach (OsvRange range in affected.Ranges)
        {
            if (range.Type == "GIT")
            {
                // A version string cannot be placed on a commit graph; the entry is judged by its other ranges.
                continue;
            }
            VersionScheme scheme = range.Type == "SEMVER" ? SemVerScheme.Instance : ecosystemScheme;
            IComparable? key = ReferenceEquals(scheme, ecosystemScheme) ? v : scheme.Parse(version);
            if (key is null || !TryKeyEvents(range, scheme, out List<KeyedEvent>? events))
            {
                unevaluable = true;
                continue;
            }
            anyComparableRange = true;
            if (IsAffected(key, events, out fixedVersion))
            {
                return AffectedState.Affected;
            }
        }
        if (unevaluable || (!anyComparableRange && affected.Versions.Count == 0 && affected.Ranges.Count > 0))
        {
            return AffectedState.Unevaluable;
        }
        return AffectedState.NotAffected;
    }

    /// <summary>True when every event version in the range parses under the scheme.</summary>
    public static bool IsComparable(OsvRange range, VersionScheme scheme) => range.Type == "GIT" || TryKeyEvents(range, scheme, out _);

    private static bool IsAffected(IComparable v, List<KeyedEvent> events, out string? fixedVersion)
    {
        fixedVersion = null;
        if (!BeforeLimits(v, events))
        {
            return false;
        }
        bool vulnerable = false;
        foreach (KeyedEvent e in events)
        {
            switch (e.Event.Kind)
            {
                case OsvEventKind.Introduced when Compare(v, e) >= 0:
                    vulnerable = true;
                    break;
                case OsvEventKind.Fixed when Compare(v, e) >= 0:
                    vulnerable = false;
                    break;
                case OsvEventKind.LastAffected when Compare(v, e) > 0:
                    vulnerable = false;
                    break;
            }
        }
        if (vulnerable)
        {
            // The fix for this version is the first fixed event above it.
            fixedVersion = events.FirstOrDefault(e => e.Event.Kind == OsvEventKind.Fixed && Compare(v, e) < 0)?.Event.Version;
        }
        return vulnerable;
    }

    private static bool BeforeLimits(IComparable v, List<KeyedEvent> events)
    {
        bool anyLimit = false;
        foreach (KeyedEvent e in events)
        {
            if (e.Event.Kind != OsvEventKind.Limit)
            {
                continue;
            }
            anyLimit = true;
            if (Compare(v, e) < 0)
            {
                return true;
            }
        }
        return !anyLimit;
    }

    private static int Compare(IComparable v, KeyedEvent e) => e.Rank switch
    {
        KeyRank.Minimum => 1,
        KeyRank.Maximum => -1,
        _ => v.CompareTo(e.Key),
    };

    private static bool TryKeyEvents(OsvRange range, VersionScheme scheme, [NotNullWhen(true)] out List<KeyedEvent>? events)
    {
        events = new List<KeyedEvent>(range.Events.Count);
        foreach (OsvEvent e in range.Events)
        {
            if (e.Kind == OsvEventKind.Introduced && e.Version == "0")
            {
                events.Add(new KeyedEvent(e, KeyRank.Minimum, null));
                continue;
            }
            if (e.Kind == OsvEventKind.Limit && e.Version.Contains('*', StringComparison.Ordinal))
            {
                events.Add(new KeyedEvent(e, KeyRank.Maximum, null));
                continue;
            }
            IComparable? key = scheme.Parse(e.Version);
            if (key is null)
            {
                events = null;
                return false;
            }
            events.Add(new KeyedEvent(e, KeyRank.Normal, key));
        }
        // List.Sort is unstable; OrderBy keeps document order among equal versions.
        events = events.OrderBy(e => e, KeyedEventComparer.Instance).ToList();
        return true;
    }

    private enum KeyRank
    {
        Minimum,
        Normal,
        Maximum,
    }

    private sealed record KeyedEvent(OsvEvent Event, KeyRank Rank, IComparable? Key);

    private sealed class KeyedEventComparer : IComparer<KeyedEvent>
    {
        public static readonly KeyedEventComparer Instance = new();

        public int Compare(KeyedEvent? x, KeyedEvent? y)
        {
            int c = x!.Rank.CompareTo(y!.Rank);
            if (c != 0 || x.Rank != KeyRank.Normal)
            {
                return c;
            }
            return x.Key!.CompareTo(y.Key);
        }
    }
}
