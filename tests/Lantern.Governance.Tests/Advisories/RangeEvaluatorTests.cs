using Lantern.Governance.Advisories;

namespace Lantern.Governance.Tests.Advisories;

public class RangeEvaluatorTests
{
    private static OsvAffected Affected(string type, params (OsvEventKind Kind, string Version)[] events) => new()
    {
        Ecosystem = "PyPI",
        Name = "x",
        Ranges = [new OsvRange(type, events.Select(e => new OsvEvent(e.Kind, e.Version)).ToList())],
    };

    private const OsvEventKind I = OsvEventKind.Introduced;
    private const OsvEventKind F = OsvEventKind.Fixed;
    private const OsvEventKind L = OsvEventKind.LastAffected;
    private const OsvEventKind Lim = OsvEventKind.Limit;

    [Theory]
    [InlineData("introduced 0, fixed 1.0: 0.9 in", "i:0,f:1.0", "0.9", "Affected")]
    [InlineData("introduced 0, fixed 1.0: 1.0 out", "i:0,f:1.0", "1.0", "NotAffected")]
    [InlineData("introduced 0.5: 0.4 out", "i:0.5,f:1.0", "0.4", "NotAffected")]
    [InlineData("introduced bound inclusive", "i:0.5,f:1.0", "0.5", "Affected")]
    [InlineData("last_affected inclusive", "i:0,l:1.0", "1.0", "Affected")]
    [InlineData("after last_affected", "i:0,l:1.0", "1.0.post1", "NotAffected")]
    [InlineData("open range", "i:0", "99.0", "Affected")]
    [InlineData("two intervals, gap", "i:1.0,f:1.5,i:2.0,f:2.5", "1.7", "NotAffected")]
    [InlineData("two intervals, second", "i:1.0,f:1.5,i:2.0,f:2.5", "2.1", "Affected")]
    [InlineData("events out of order are sorted", "f:2.5,i:2.0,f:1.5,i:1.0", "1.2", "Affected")]
    [InlineData("limit bounds open range", "i:0,lim:2.0", "2.0", "NotAffected")]
    [InlineData("below limit", "i:0,lim:2.0", "1.9", "Affected")]
    [InlineData("limit star", "i:0,lim:*", "100", "Affected")]
    [InlineData("pre-release before fix", "i:0,f:1.0", "1.0rc1", "Affected")]
    [InlineData("pre-release introduced", "i:0.20.2rc0,f:0.26.0", "0.20.2rc0", "Affected")]
    [InlineData("before pre-release introduced", "i:0.20.2rc0,f:0.26.0", "0.20.1", "NotAffected")]
    [InlineData("unparseable event", "i:0,f:not-a-version!", "1.0", "Unevaluable")]
    public void Evaluate_Ecosystem_FollowsOsvSemantics(string name, string events, string version, string expected)
    {
        // events: comma-separated kind:version with kinds i (introduced), f (fixed), l (last_affected), lim (limit).
        (OsvEventKind, string)[] parsed = events.Split(',').Select(e =>
        {
            int colon = e.IndexOf(':', StringComparison.Ordinal);
            OsvEventKind kind = e[..colon] switch { "i" => I, "f" => F, "l" => L, _ => Lim };
            return (kind, e[(colon + 1)..]);
        }).ToArray();
        AffectedState actual = RangeEvaluator.Evaluate(Affected("ECOSYSTEM", parsed), Pep440Scheme.Instance, version, out _);
        Assert.True(expected == actual.ToString(), $"{name}: expected {expected}, got {actual}");
    }

    [Fact]
    public void Evaluate_SemverRangeWithPreRelease_UsesSemverOrder()
    {
        OsvAffected a = Affected("SEMVER", (I, "0"), (F, "0.33.0"));
        Assert.Equal(AffectedState.Affected, RangeEvaluator.Evaluate(a, Pep440Scheme.Instance, "0.33.0-rc2", out string? fix));
        Assert.Equal("0.33.0", fix);
        Assert.Equal(AffectedState.NotAffected, RangeEvaluator.Evaluate(a, Pep440Scheme.Instance, "v0.33.0", out _));
    }

    [Fact]
    public void Evaluate_MultipleRanges_AnyRangeMatches()
    {
        var a = new OsvAffected
        {
            Ranges =
            [
                new OsvRange("ECOSYSTEM", [new OsvEvent(I, "1.0"), new OsvEvent(F, "1.1")]),
                new OsvRange("ECOSYSTEM", [new OsvEvent(I, "2.0"), new OsvEvent(F, "2.1")]),
            ],
        };
        Assert.Equal(AffectedState.Affected, RangeEvaluator.Evaluate(a, Pep440Scheme.Instance, "2.0.5", out string? fix));
        Assert.Equal("2.1", fix);
        Assert.Equal(AffectedState.NotAffected, RangeEvaluator.Evaluate(a, Pep440Scheme.Instance, "1.5", out _));
    }

    [Fact]
    public void Evaluate_ExplicitVersionsList_MatchesExactAndEquivalent()
    {
        var a = new OsvAffected { Versions = ["2.5", "weird-build"] };
        Assert.Equal(AffectedState.Affected, RangeEvaluator.Evaluate(a, Pep440Scheme.Instance, "2.5.0", out _));
        Assert.Equal(AffectedState.Affected, RangeEvaluator.Evaluate(a, Pep440Scheme.Instance, "weird-build", out _));
        Assert.Equal(AffectedState.NotAffected, RangeEvaluator.Evaluate(a, Pep440Scheme.Instance, "2.6", out _));
    }

    [Fact]
    public void Evaluate_GitOnly_IsUnevaluable()
    {
        var a = new OsvAffected { Ranges = [new OsvRange("GIT", [new OsvEvent(I, "0"), new OsvEvent(L, "18c2e17")])] };
        Assert.Equal(AffectedState.Unevaluable, RangeEvaluator.Evaluate(a, BuildNumberScheme.Instance, "b3000", out _));
    }

    [Fact]
    public void Evaluate_BuildNumbers_FixedBoundary()
    {
        OsvAffected a = Affected("ECOSYSTEM", (I, "0"), (F, "b5662"));
        Assert.Equal(AffectedState.Affected, RangeEvaluator.Evaluate(a, BuildNumberScheme.Instance, "5661", out _));
        Assert.Equal(AffectedState.NotAffected, RangeEvaluator.Evaluate(a, BuildNumberScheme.Instance, "0.0.5662", out _));
    }
}
