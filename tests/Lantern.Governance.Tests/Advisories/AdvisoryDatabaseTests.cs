using Lantern.Core.Model;
using Lantern.Governance.Advisories;
using Lantern.Testing;

namespace Lantern.Governance.Tests.Advisories;

public class AdvisoryDatabaseTests
{
    private static readonly AdvisoryDatabase Db = AdvisoryDatabase.LoadDefault(importedDir: null);

    [Fact]
    public void EmbeddedResources_EveryFileParsesAndValidates()
    {
        IReadOnlyList<string> names = AdvisoryDatabase.EmbeddedResourceNames();
        Assert.True(names.Count >= 60, $"only {names.Count} embedded advisories");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, OsvAdvisory advisory) in AdvisoryDatabase.LoadEmbeddedAdvisories())
        {
            Assert.True(ids.Add(advisory.Id), $"duplicate id {advisory.Id}");
            Assert.EndsWith("/" + advisory.Id + ".json", name, StringComparison.Ordinal);
            Assert.NotEqual("unknown", advisory.Severity);
            Assert.NotEmpty(advisory.Affected);
            foreach (OsvAffected affected in advisory.Affected)
            {
                Assert.True(RuntimePackages.IsRelevant(affected.Ecosystem, affected.Name), $"{advisory.Id}: package {affected.Name} maps to no runtime");
                VersionScheme scheme = RuntimePackages.SchemeFor(affected.Ecosystem!, affected.Name!);
                foreach (OsvRange range in affected.Ranges)
                {
                    Assert.True(RangeEvaluator.IsComparable(range, range.Type == "SEMVER" ? SemVerScheme.Instance : scheme), $"{advisory.Id}: a range event does not parse");
                }
            }
        }
        Assert.Equal(names.Count, Db.Count);
    }

    [Fact]
    public void EmbeddedResources_CoverEveryCveOfTheReferenceTables()
    {
        string[] expected =
        [
            "CVE-2024-28224", "CVE-2024-37032", "CVE-2025-44779", "CVE-2024-39721", "CVE-2024-39720", "CVE-2024-39722", "CVE-2024-39719",
            "CVE-2024-45436", "CVE-2024-12886", "CVE-2024-8063", "CVE-2025-0317", "CVE-2024-12055", "CVE-2025-0312", "CVE-2025-0315",
            "CVE-2025-1975", "CVE-2025-51471", "CVE-2025-63389", "CVE-2026-7482", "CVE-2026-42248", "CVE-2026-42249", "CVE-2026-7020",
            "CVE-2026-103663", "CVE-2024-21802", "CVE-2024-23605", "CVE-2024-42477", "CVE-2024-42478", "CVE-2024-42479", "CVE-2025-49847",
            "CVE-2025-52566", "CVE-2025-53630", "CVE-2026-27940", "CVE-2026-33298", "CVE-2026-34159", "CVE-2026-43629", "CVE-2026-118375",
            "CVE-2024-34359", "CVE-2025-24357", "CVE-2025-29770", "CVE-2025-29783", "CVE-2025-32444", "CVE-2025-30202", "CVE-2025-47277",
            "CVE-2025-30165", "CVE-2025-46570", "CVE-2025-62164", "CVE-2026-56340", "CVE-2026-27893", "CVE-2026-41523", "CVE-2026-47155",
            "CVE-2026-73557", "CVE-2026-105757", "CVE-2026-105754", "CVE-2026-115911", "CVE-2024-9052", "CVE-2024-9053", "CVE-2024-11041",
            "CVE-2026-35050", "CVE-2025-12488", "CVE-2025-64496", "CVE-2026-56400", "CVE-2026-44567", "CVE-2026-44566", "CVE-2026-45303",
            "CVE-2026-45400", "CVE-2026-59214", "CVE-2026-59216", "CVE-2026-109292", "CVE-2024-6707", "CVE-2024-7990", "CVE-2025-32434",
        ];
        var aliases = AdvisoryDatabase.LoadEmbeddedAdvisories().SelectMany(a => a.Advisory.Aliases).ToHashSet(StringComparer.Ordinal);
        string[] missing = expected.Where(c => !aliases.Contains(c)).ToArray();
        Assert.True(missing.Length == 0, "missing: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("ollama", "0.1.33", "CVE-2024-37032", true)]
    [InlineData("ollama", "0.1.34", "CVE-2024-37032", false)]
    [InlineData("ollama", "v0.1.33", "CVE-2024-37032", true)]
    [InlineData("llama.cpp", "b5661", "CVE-2025-49847", true)]
    [InlineData("llama.cpp", "b5662", "CVE-2025-49847", false)]
    [InlineData("llama.cpp", "0.0.5661", "CVE-2025-49847", true)]
    [InlineData("vllm", "0.8.4", "CVE-2025-32444", true)]
    [InlineData("vllm", "0.8.5", "CVE-2025-32444", false)]
    [InlineData("vllm", "0.6.4", "CVE-2025-32444", false)]
    [InlineData("vllm", "0.20.2rc0", "CVE-2026-73557", true)]
    [InlineData("llama-cpp-python", "0.2.87", "CVE-2024-42479", true)]
    [InlineData("llama-cpp-python", "0.2.71", "CVE-2024-34359", true)]
    [InlineData("llama-cpp-python", "0.2.72", "CVE-2024-34359", false)]
    [InlineData("ollama", "0.17.0", "CVE-2026-7482", true)]
    [InlineData("ollama", "0.34.1", "CVE-2026-103663", false)]
    [InlineData("ollama", "0.34.2", "CVE-2026-103663", true)]
    [InlineData("pytorch", "2.5.1+cu121", "CVE-2025-32434", true)]
    [InlineData("text-generation-webui", "v4.1.0", "CVE-2026-35050", true)]
    [InlineData("llama.cpp", "b8145", "CVE-2025-53630", true)]
    [InlineData("llama.cpp", "b8146", "CVE-2025-53630", false)]
    public void Match_ReferenceExpectations(string runtime, string version, string cve, bool expected)
    {
        IReadOnlyList<AdvisoryMatch> matches = Db.Match(runtime, version);
        Assert.Equal(expected, matches.Any(m => m.Aliases.Contains(cve)));
    }

    [Fact]
    public void Evaluate_Ollama0314_ReportsFixUnconfirmedEntries()
    {
        AdvisoryMatchOutcome outcome = Db.Evaluate("ollama", "0.3.14");
        Assert.True(outcome.VersionComparable);
        AdvisoryMatch[] unconfirmed = outcome.Matches.Where(m => m.Status == "fix-unconfirmed").ToArray();
        Assert.Contains(unconfirmed, m => m.Aliases.Contains("CVE-2025-0317"));
        Assert.Contains(unconfirmed, m => m.Aliases.Contains("CVE-2024-39719"));
        Assert.All(unconfirmed, m => Assert.Null(m.Fixed));
        AdvisoryMatch gzip = Assert.Single(outcome.Matches, m => m.Aliases.Contains("CVE-2024-12886"));
        Assert.Equal("affected", gzip.Status);
        Assert.Equal("0.4.0", gzip.Fixed);
    }

    [Fact]
    public void Evaluate_FixedVersion_IsTheFixOfTheMatchedRange()
    {
        AdvisoryMatch m = Assert.Single(Db.Match("ollama", "0.1.20"), x => x.Id == "GO-2024-2901");
        Assert.Equal("0.1.34", m.Fixed);
        Assert.Equal("critical", m.Severity);
        Assert.Contains("GHSA-8hqg-whrw-pv92", m.Aliases);
    }

    [Theory]
    [InlineData(null, "version unknown")]
    [InlineData("", "version unknown")]
    [InlineData("garbage!", "does not parse")]
    public void Evaluate_UnknownVersion_SaysItCouldNotCompare(string? version, string reasonFragment)
    {
        AdvisoryMatchOutcome outcome = Db.Evaluate("ollama", version);
        Assert.False(outcome.VersionComparable);
        Assert.True(outcome.RuntimeKnown);
        Assert.Contains(reasonFragment, outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(outcome.Matches);
    }

    [Fact]
    public void Evaluate_UnknownRuntime_IsNotKnown()
    {
        AdvisoryMatchOutcome outcome = Db.Evaluate("no-such-runtime", "1.0");
        Assert.False(outcome.RuntimeKnown);
        Assert.False(outcome.VersionComparable);
    }

    [Fact]
    public void Evaluate_GitOnlyAdvisory_ListedAsUnevaluated()
    {
        AdvisoryMatchOutcome outcome = Db.Evaluate("llama.cpp", "b3000");
        Assert.Contains("LNT-CVE-2024-21802", outcome.Unevaluated);
        Assert.DoesNotContain(outcome.Matches, m => m.Id == "LNT-CVE-2024-21802");
    }

    [Fact]
    public void Evaluate_EveryRuntimeIdIsMapped()
    {
        string[] ids =
        [
            "ollama", "llama.cpp", "llama-cpp-python", "vllm", "open-webui", "text-generation-webui", "pytorch", "lmstudio", "gpt4all", "jan",
            "localai", "koboldcpp", "llamafile", "docker-model-runner", "foundry-local", "mlx-lm", "msty", "anythingllm",
        ];
        Assert.All(ids, id => Assert.True(Db.Evaluate(id, "1.0").RuntimeKnown, id));
    }

    [Fact]
    public void Evaluate_MatchesOrderedBySeverity()
    {
        IReadOnlyList<AdvisoryMatch> matches = Db.Match("ollama", "0.1.0");
        int[] ranks = matches.Select(m => AdvisoryDatabase.SeverityRank(m.Severity)).ToArray();
        Assert.Equal(ranks.OrderByDescending(r => r), ranks);
    }

    [Fact]
    public void LoadDefault_ImportedNewerAdvisory_Overrides()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "GO-2024-2901.json"), """
            {"id":"GO-2024-2901","modified":"2030-01-01T00:00:00Z","summary":"replaced","aliases":["CVE-2024-37032"],
             "affected":[{"package":{"ecosystem":"Go","name":"github.com/ollama/ollama"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.1.40"}]}]}]}
            """);
        File.WriteAllText(Path.Combine(dir.Path, "broken.json"), "{not json");
        AdvisoryDatabase db = AdvisoryDatabase.LoadDefault(dir.Path);
        AdvisoryMatch m = Assert.Single(db.Match("ollama", "0.1.35"), x => x.Id == "GO-2024-2901");
        Assert.Equal("replaced", m.Summary);
        Assert.Single(db.LoadProblems);
    }

    [Fact]
    public void DefaultImportDirectory_EndsInLanternAdvisories()
    {
        string dir = AdvisoryDatabase.DefaultImportDirectory();
        Assert.True(Path.IsPathRooted(dir));
        Assert.EndsWith("advisories", dir, StringComparison.Ordinal);
        Assert.Contains("antern", dir, StringComparison.Ordinal);
    }
}
