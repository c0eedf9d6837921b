using Lantern.Core.Model;
using Lantern.Discovery.Engine;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Engine;

public class DiscoveryEngineTests
{
    [Fact]
    public void Scan_ModelWithMisleadingName_FoundByContent()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath("Documents/quarterly-report.pdf"), EndpointScan.Gguf());
        endpoint.WriteText(endpoint.HomePath("Documents/model.gguf"), "just some text, not a model");

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.EndsWith("quarterly-report.pdf", artifact.Path, StringComparison.Ordinal);
        Assert.Equal("gguf", artifact.Format);
        Assert.Null(artifact.Runtime);
        Assert.Equal("computed", artifact.DigestSource);
        Assert.True(inventory.Complete);
    }

    [Fact]
    public void Scan_ExtraRoot_Swept()
    {
        using var endpoint = new FixtureEndpoint();
        string extra = Path.Combine(endpoint.Root, "srv", "models");
        endpoint.WriteFile(Path.Combine(extra, "weights.bin"), EndpointScan.Gguf());

        Inventory none = EndpointScan.Run(endpoint);
        Inventory some = EndpointScan.Run(endpoint, new ScanOptions { ExtraRoots = [extra] });

        Assert.Empty(none.Artifacts);
        Assert.Single(some.Artifacts);
    }

    [Fact]
    public void Scan_DirectorySymlinkLoopInHome_TerminatesWithoutDuplicates()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath("models/a.gguf"), EndpointScan.Gguf());
        Directory.CreateSymbolicLink(endpoint.HomePath("models/loop"), endpoint.HomePath("models"));
        Directory.CreateSymbolicLink(endpoint.HomePath("up"), endpoint.Home);

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Single(inventory.Artifacts);
    }

    [Fact]
    public void Scan_FileSymlinkToModel_OneArtifactWithAlias()
    {
        using var endpoint = new FixtureEndpoint();
        string real = endpoint.WriteFile(endpoint.HomePath("models/real.gguf"), EndpointScan.Gguf());
        Directory.CreateDirectory(endpoint.HomePath("Desktop"));
        File.CreateSymbolicLink(endpoint.HomePath("Desktop/shortcut.gguf"), real);

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal(real, artifact.Path);
        Assert.Contains(artifact.Aliases, a => a.EndsWith("shortcut.gguf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_FifoWhereManifestAndModelShouldBe_NeverBlocks()
    {
        using var endpoint = new FixtureEndpoint();
        string manifests = endpoint.HomePath(".ollama/models/manifests/registry.ollama.ai/library/trap");
        Directory.CreateDirectory(manifests);
        string fifo = Path.Combine(manifests, "latest");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [endpoint.HomePath("Downloads-model.gguf")]))
        {
            mkfifo.WaitForExit();
        }

        Task<Inventory> scan = Task.Run(() => EndpointScan.Run(endpoint));
        Task finished = await Task.WhenAny(scan, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.True(finished == scan, "the scan blocked on a FIFO");
        Assert.Empty((await scan).Artifacts);
    }

    [Fact]
    public void Scan_TimeBudgetExhausted_ReportsIncomplete()
    {
        using var endpoint = new FixtureEndpoint();
        for (int i = 0; i < 50; i++)
        {
            endpoint.WriteText(endpoint.HomePath($"d{i}/f.txt"), "x");
        }

        Inventory inventory = EndpointScan.Run(endpoint, new ScanOptions { TimeBudget = TimeSpan.FromTicks(1) });

        Assert.False(inventory.Complete);
        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.TimeBudget);
    }

    [Fact]
    public void Scan_DigestCache_SecondScanHitsCacheAndRehashesChangedFile()
    {
        using var endpoint = new FixtureEndpoint();
        string cache = Path.Combine(endpoint.Root, "cache", "digests.tsv");
        string a = endpoint.WriteFile(endpoint.HomePath("a.gguf"), EndpointScan.Gguf(name: "A"));
        endpoint.WriteFile(endpoint.HomePath("b.gguf"), EndpointScan.Gguf(name: "B"));
        var options = new ScanOptions { DigestCachePath = cache };

        Inventory first = EndpointScan.Run(endpoint, options);
        byte[] changed = EndpointScan.Gguf(name: "A changed");
        File.WriteAllBytes(a, changed);
        File.SetLastWriteTimeUtc(a, DateTime.UtcNow.AddMinutes(5));
        Inventory second = EndpointScan.Run(endpoint, options);

        Assert.Equal(0, first.Stats.DigestCacheHits);
        Assert.Equal(1, second.Stats.DigestCacheHits);
        Assert.Equal(FixtureEndpoint.Sha256(changed), EndpointScan.Artifact(second, "a.gguf").Sha256);
        Assert.Equal("cache", EndpointScan.Artifact(second, "b.gguf").DigestSource);
    }

    [Fact]
    public void Scan_NoHash_NoDigestsComputed()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath("a.gguf"), EndpointScan.Gguf());

        Inventory inventory = EndpointScan.Run(endpoint, new ScanOptions { Hash = false });

        Assert.Null(Assert.Single(inventory.Artifacts).Sha256);
        Assert.Equal(0, inventory.Stats.BytesHashed);
    }

    [Fact]
    public void Scan_GgufClaimingHugeKeyCount_MalformedProblemArtifactKept()
    {
        using var endpoint = new FixtureEndpoint();
        byte[] hostile = new Lantern.Testing.Fixtures.GgufWriter().ClaimKeyValueCount(1UL << 62).AddString("general.architecture", "llama").Build();
        endpoint.WriteFile(endpoint.HomePath("hostile.gguf"), hostile);

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal("gguf", Assert.Single(inventory.Artifacts).Format);
        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.Malformed && p.Subject.EndsWith("hostile.gguf", StringComparison.Ordinal));
        Assert.False(inventory.Complete);
    }

    [Fact]
    public void Scan_DetectorThrows_OtherDetectorsStillRun()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.DistInfo("vllm", "0.9.0");

        Inventory inventory = EndpointScan.Run(endpoint, detectors: [new ThrowingDetector(), .. DetectorRegistry.All]);

        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.DetectorFailed && p.Source == "throwing");
        Assert.Contains(inventory.Runtimes, r => r.Id == "vllm");
    }

    private sealed class ThrowingDetector : IRuntimeDetector
    {
        public string Id => "throwing";

        public int Version => 1;

        public string DisplayName => "Throws";

        public void Detect(DetectorContext context) => throw new InvalidOperationException("boom");
    }
}
