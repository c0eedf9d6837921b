using System.Text;
using Lantern.Governance.Advisories;

namespace Lantern.Governance.Tests.Advisories;

public class OsvParserTests
{
    private const string Valid = """
        {"id":"GHSA-aaaa-bbbb-cccc","modified":"2025-01-01T00:00:00Z","aliases":["CVE-2025-1"],
         "database_specific":{"severity":"MODERATE"},
         "affected":[{"package":{"ecosystem":"PyPI","name":"vllm"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]}]}]}
        """;

    [Fact]
    public void TryParse_Valid_ReadsFields()
    {
        Assert.True(OsvParser.TryParse(Encoding.UTF8.GetBytes(Valid), out OsvAdvisory? a, out string? error), error);
        Assert.Equal("GHSA-aaaa-bbbb-cccc", a.Id);
        Assert.Equal("medium", a.Severity);
        Assert.Equal("GHSA-aaaa-bbbb-cccc", a.Summary);
    }

    [Theory]
    [InlineData("[]", "not an object")]
    [InlineData("""{"modified":"2025-01-01T00:00:00Z"}""", "'id'")]
    [InlineData("""{"id":"X-1"}""", "'modified'")]
    [InlineData("""{"id":"../etc/passwd","modified":"2025-01-01T00:00:00Z"}""", "id")]
    [InlineData("""{"id":"a/b","modified":"2025-01-01T00:00:00Z"}""", "id")]
    [InlineData("""{"id":"CON","modified":"2025-01-01T00:00:00Z"}""", "id")]
    [InlineData("""{"id":"X-1","modified":"yesterday"}""", "RFC 3339")]
    [InlineData("""{"id":"X-1","modified":"2025-01-01T00:00:00Z","aliases":[1]}""", "non-string")]
    [InlineData("""{"id":"X-1","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"RANGE","events":[{"introduced":"0"}]}]}]}""", "not SEMVER")]
    [InlineData("""{"id":"X-1","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1"}]}]}]}""", "no introduced")]
    [InlineData("""{"id":"X-1","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}""", "exactly one")]
    [InlineData("""{"id":"X-1","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"},{"last_affected":"2"}]}]}]}""", "both fixed and last_affected")]
    [InlineData("""{"id":"X-1","modified":"2025-01-01T00:00:00Z","affected":[{"ranges":[{"type":"GIT","events":[{"introduced":"0"}]}]}]}""", "repo")]
    [InlineData("""{"id":"X-1","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"name":"x"}}]}""", "ecosystem")]
    [InlineData("{not json", "not valid JSON")]
    public void TryParse_Invalid_RejectedWithReason(string json, string reasonFragment)
    {
        Assert.False(OsvParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out string? error));
        Assert.Contains(reasonFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DeepNesting_RejectedNotStackOverflow()
    {
        string deep = """{"id":"X-1","modified":"2025-01-01T00:00:00Z","database_specific":""" + new string('[', 10_000) + new string(']', 10_000) + "}";
        Assert.False(OsvParser.TryParse(Encoding.UTF8.GetBytes(deep), out _, out string? error));
        Assert.Contains("JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_InvalidUtf8_Rejected()
    {
        byte[] bytes = [.. "{\"id\":\""u8, 0xFF, 0xFE, .. "\",\"modified\":\"2025-01-01T00:00:00Z\"}"u8];
        Assert.False(OsvParser.TryParse(bytes, out _, out _));
    }
}
