using System.Globalization;

namespace Lantern.Governance.Advisories;

/// <summary>
/// llama.cpp release tags are monotonically increasing build numbers <c>bNNNN</c>
/// (github.com/ggml-org/llama.cpp/releases). Packagers spell them differently: <c>llama-server
/// --version</c> prints <c>version: 5662 (abc1234)</c>, Alpine packages <c>0.0.5662</c>. All three
/// spellings compare by the number alone.
/// </summary>
internal sealed class BuildNumberScheme : VersionScheme
{
    public static readonly BuildNumberScheme Instance = new();

    /// <summary>Nine digits is far above any build number llama.cpp will reach; it keeps int parsing safe.</summary>
    private const int MaxDigits = 9;

    public override string Name => "llama.cpp-build";

    private static bool IsHex(ReadOnlySpan<char> value)
    {
        if (value.Length is < 6 or > 40)
        {
            return false;
        }
        foreach (char c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    public override IComparable? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxVersionLength)
        {
            return null;
        }
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.StartsWith("0.0.", StringComparison.Ordinal))
        {
            s = s[4..];
        }
        else if (s.Length > 0 && (s[0] == 'b' || s[0] == 'B'))
        {
            s = s[1..];
        }
        // llama-server's /props build_info is "b5662-1f6e0b62": the commit after the dash does not order.
        int dash = s.IndexOf('-');
        if (dash > 0 && IsHex(s[(dash + 1)..]))
        {
            s = s[..dash];
        }
        if (!IsDigits(s) || s.Length > MaxDigits)
        {
            return null;
        }
        return int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
