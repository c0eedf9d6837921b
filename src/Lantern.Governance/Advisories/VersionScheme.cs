namespace Lantern.Governance.Advisories;

/// <summary>
/// How one ecosystem orders its version strings. A scheme either returns a comparable key or
/// null: an unparseable version is never guessed at, so the caller can say "could not compare"
/// instead of "not vulnerable".
/// </summary>
internal abstract class VersionScheme
{
    /// <summary>Versions longer than this are rejected before parsing; no real version comes close.</summary>
    internal const int MaxVersionLength = 128;

    public abstract string Name { get; }

    /// <summary>A key whose <see cref="IComparable.CompareTo"/> orders versions, or null when unparseable.</summary>
    public abstract IComparable? Parse(string? text);

    /// <summary>Compares two digit-only strings of any length without converting (no overflow).</summary>
    internal static int CompareNumeric(string a, string b)
    {
        string x = a.TrimStart('0');
        string y = b.TrimStart('0');
        if (x.Length != y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }
        return string.CompareOrdinal(x, y);
    }

    internal static bool IsDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (char c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }
}
