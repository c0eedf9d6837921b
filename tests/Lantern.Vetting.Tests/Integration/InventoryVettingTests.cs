using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Formats.Sniffing;
using Lantern.Testing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;
using Xunit;

namespace Lantern.Vetting.Tests.Integration;

public sealed class InventoryVettingTests
{
    private static readonly string BadSha = new('1', 64);
    private static readonly string GoodSha = new('2', 64);

    private static Inventory InventoryOf(params ModelArtifact[] artifacts) => new()
    {
        Host = "h", User = "u", ScannedAt = DateTimeOffset.UnixEpoch, Artifacts = artifacts,
    };

    [Fact]
    public void Apply_MixedArtifacts_VerdictsFindingsAndControls()
    {
        using var dir = new TempDirectory();
        string bad = dir.File("bad.gguf");
        string alias = dir.File("alias.gguf");
        string good = dir.File("good.safetensors");
        File.WriteAllBytes(bad, IntegrationFixtures.MaliciousGguf());
        File.WriteAllBytes(alias, IntegrationFixtures.MaliciousGguf());
        File.WriteAllBytes(good, IntegrationFixtures.SafeSafetensors());
        var counter = new CountingVetter();
        Inventory inventory = InventoryOf(
            new ModelArtifact { Path = bad, Format = "gguf", Sha256 = BadSha },
            new ModelArtifact { Path = alias, Format = "gguf", Sha256 = BadSha },
            new ModelArtifact { Path = good, Format = "safetensors", Sha256 = GoodSha },
            new ModelArtifact { Path = "ollama.com/cloud", Format = "ollama-manifest", Cloud = true });

        Inventory vetted = InventoryVetting.Apply(inventory, new ModelVetter(vetters: [counter, .. VetterRegistry.All]), VerdictCache.InMemory(), CancellationToken.None);

        Assert.Equal(["malicious", "malicious", "safe", null], vetted.Artifacts.Select(a => a.Verdict));
        Assert.Equal(1, counter.Calls);
        Assert.NotEmpty(vetted.Findings);
        Assert.All(vetted.Findings, f =>
        {
            Assert.Contains("ISO27001:A.8.7", f.Controls);
            Assert.Equal(BadSha, f.Evidence["sha256"]);
            Assert.Equal("malicious", f.Evidence["verdict"]);
        });
        Assert.Contains(vetted.Findings, f => f.Evidence["path"] == alias && f.Severity == Severity.Critical);
        Assert.DoesNotContain(vetted.Findings, f => f.Evidence["path"] == good);
    }

    [Fact]
    public void Apply_CachedVerdict_NotVettedAgain()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "verdicts-v1.tsv");
        string model = dir.File("m.gguf");
        File.WriteAllBytes(model, IntegrationFixtures.MaliciousGguf());
        Inventory inventory = InventoryOf(new ModelArtifact { Path = model, Format = "gguf", Sha256 = BadSha });
        InventoryVetting.Apply(inventory, new ModelVetter(), VerdictCache.Load(path), CancellationToken.None);
        File.Delete(model);

        Inventory again = InventoryVetting.Apply(inventory, new ModelVetter(), VerdictCache.Load(path), CancellationToken.None);

        Assert.Equal("malicious", Assert.Single(again.Artifacts).Verdict);
        Assert.Contains(again.Findings, f => f.RuleId == "LNT-GGF-030");
    }

    [Fact]
    public void Apply_MissingFileWithoutCache_IncompleteNotSafe()
    {
        Inventory inventory = InventoryOf(new ModelArtifact { Path = "/nonexistent/model.gguf", Format = "gguf", Sha256 = GoodSha });

        Inventory vetted = InventoryVetting.Apply(inventory, new ModelVetter(), VerdictCache.InMemory(), CancellationToken.None);

        Assert.Equal("incomplete", Assert.Single(vetted.Artifacts).Verdict);
        Assert.Contains(vetted.Findings, f => f.RuleId == VetRules.Unreadable);
    }

    [Fact]
    public void Flatten_Members_TaggedWithMemberPath()
    {
        var finding = new VetFinding { RuleId = "LNT-X-001", Implies = Verdict.Malicious, Severity = Severity.High, Message = "m" };
        var result = new VetResult
        {
            Path = "a.zip", Format = "zip", Verdict = Verdict.Malicious,
            Members = [new VetResult { Path = "a.zip!inner.pkl", Format = "pickle", Verdict = Verdict.Malicious, Findings = [finding] }],
        };

        CachedVerdict flat = InventoryVetting.Flatten(result);

        Assert.Equal("a.zip!inner.pkl", Assert.Single(flat.Findings).Evidence["member"]);
    }

    /// <summary>Counts GGUF vets, delegating nothing: the registry's GGUF vetter behind it does the judging.</summary>
    private sealed class CountingVetter : IFormatVetter
    {
        private readonly Lantern.Vetting.Rules.Gguf.GgufVetter _inner = new();

        public int Calls { get; private set; }

        public string Id => "counting";

        public IReadOnlySet<ModelFormatId> Formats => _inner.Formats;

        public Verdict Vet(VetContext context)
        {
            Calls++;
            return _inner.Vet(context);
        }
    }
}
