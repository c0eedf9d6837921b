using Lantern.Governance.Advisories;

namespace Lantern.Governance.Tests.Advisories;

public class VersionSchemeTests
{
    private static int Compare(VersionScheme scheme, string a, string b)
    {
        IComparable x = scheme.Parse(a) ?? throw new InvalidOperationException("unparseable " + a);
        IComparable y = scheme.Parse(b) ?? throw new InvalidOperationException("unparseable " + b);
        return Math.Sign(x.CompareTo(y));
    }

    [Theory]
    [InlineData("0.1.33", "0.1.34", -1)]
    [InlineData("v0.1.34", "0.1.34", 0)]
    [InlineData("0.33.0-rc2", "0.33.0", -1)]
    [InlineData("0.33.0-rc.2", "0.33.0-rc.10", -1)]
    // §11.4.3: "rc2" and "rc10" are alphanumeric identifiers, compared in ASCII order, as Go does.
    [InlineData("0.33.0-rc2", "0.33.0-rc10", 1)]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [InlineData("1.0.0-alpha.beta", "1.0.0-beta", -1)]
    [InlineData("1.0.0-1", "1.0.0-alpha", -1)]
    [InlineData("1.0.0+build5", "1.0.0", 0)]
    [InlineData("0.10.0", "0.9.9", 1)]
    [InlineData("0.1", "0.1.0", 0)]
    [InlineData("99999999999999999999.0.0", "1.0.0", 1)]
    public void SemVer_Ordering_FollowsSemverPrecedence(string a, string b, int expected) =>
        Assert.Equal(expected, Compare(SemVerScheme.Instance, a, b));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.2.3.4")]
    [InlineData("1.2.x")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0-a..b")]
    public void SemVer_Garbage_ReturnsNull(string text) => Assert.Null(SemVerScheme.Instance.Parse(text));

    [Theory]
    [InlineData("1.0.dev0", "1.0a1", -1)]
    [InlineData("1.0a1", "1.0b1", -1)]
    [InlineData("1.0b2", "1.0rc1", -1)]
    [InlineData("1.0rc1", "1.0", -1)]
    [InlineData("1.0c1", "1.0rc1", 0)]
    [InlineData("1.0", "1.0.post1", -1)]
    [InlineData("1.0.post1.dev1", "1.0.post1", -1)]
    [InlineData("1.0a1.dev1", "1.0a1", -1)]
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("1.0", "1.0+local", -1)]
    [InlineData("1.0+abc", "1.0+5", -1)]
    [InlineData("1.0+ubuntu.1", "1.0+ubuntu.2", -1)]
    [InlineData("1!0.1", "2.0", 1)]
    [InlineData("0.20.2rc0", "0.20.2", -1)]
    [InlineData("0.20.2rc0", "0.20.1", 1)]
    [InlineData("v2.5", "2.5.0", 0)]
    [InlineData("1.0-1", "1.0.post1", 0)]
    [InlineData("1.0.ALPHA1", "1.0a1", 0)]
    [InlineData("2.6.0+cu124", "2.6.0", 1)]
    [InlineData("0.8.4", "0.8.5", -1)]
    public void Pep440_Ordering_FollowsSpec(string a, string b, int expected) =>
        Assert.Equal(expected, Compare(Pep440Scheme.Instance, a, b));

    [Theory]
    [InlineData("not a version")]
    [InlineData("1.0-")]
    [InlineData("1..0")]
    [InlineData("1.0+")]
    public void Pep440_Garbage_ReturnsNull(string text) => Assert.Null(Pep440Scheme.Instance.Parse(text));

    [Fact]
    public void Pep440_VeryLongInput_ReturnsNullWithoutWork() =>
        Assert.Null(Pep440Scheme.Instance.Parse(new string('1', 100_000)));

    [Theory]
    [InlineData("b5661", "b5662", -1)]
    [InlineData("5662", "b5662", 0)]
    [InlineData("0.0.5662", "b5662", 0)]
    [InlineData("B10000", "b9999", 1)]
    [InlineData("b5662-1f6e0b62", "b5662", 0)]
    public void BuildNumber_Ordering_ByNumber(string a, string b, int expected) =>
        Assert.Equal(expected, Compare(BuildNumberScheme.Instance, a, b));

    [Theory]
    [InlineData("b")]
    [InlineData("b12a")]
    [InlineData("1.2.3")]
    [InlineData("b9999999999")]
    [InlineData("0.33.0")]
    public void BuildNumber_Garbage_ReturnsNull(string text) => Assert.Null(BuildNumberScheme.Instance.Parse(text));
}
