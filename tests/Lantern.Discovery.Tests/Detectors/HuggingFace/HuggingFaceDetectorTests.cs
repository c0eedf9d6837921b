using Lantern.Core.Model;
using Lantern.Testing.Endpoints;
using Lantern.Testing.Fixtures;

namespace Lantern.Discovery.Tests.Detectors.HuggingFace;

public class HuggingFaceDetectorTests
{
    private const string Revision = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void Scan_HubCache_AttributesRepoRevisionDigestAndLicense()
    {
        using var endpoint = new FixtureEndpoint();
        string hub = endpoint.HomePath(".cache/huggingface/hub");
        byte[] weights = new SafetensorsWriter().AddTensor("w", "F32", [2, 2]).AddMetadata("format", "pt").Build();
        endpoint.HuggingFaceRepo(hub, "meta-llama/Llama-3.2-1B", Revision,
            new Dictionary<string, byte[]> { ["model.safetensors"] = weights, ["config.json"] = "{}"u8.ToArray() }, readmeLicense: "llama3.2");

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("huggingface", artifact.Runtime);
        Assert.Equal("meta-llama/Llama-3.2-1B", artifact.ModelName);
        Assert.Equal(Revision, artifact.Revision);
        Assert.Equal("safetensors", artifact.Format);
        Assert.Equal(FixtureEndpoint.Sha256(weights), artifact.Sha256);
        Assert.Equal("runtime-name", artifact.DigestSource);
        Assert.Equal("llama3.2", artifact.License?.Raw);
        Assert.Equal("hf:readme", artifact.License?.Source);
        Assert.Equal("model.safetensors", artifact.Metadata["hf.file"]);
        Assert.Equal("pt", artifact.Metadata["__metadata__.format"]);
        Assert.Contains(artifact.Aliases, a => a.EndsWith("snapshots/" + Revision + "/model.safetensors", StringComparison.Ordinal));
        Assert.True(inventory.Complete);
    }

    [Fact]
    public void Scan_HfHomeVariable_MovesCache()
    {
        using var endpoint = new FixtureEndpoint();
        string hfHome = Path.Combine(endpoint.Root, "hf");
        endpoint.Variables["HF_HOME"] = hfHome;
        endpoint.HuggingFaceRepo(Path.Combine(hfHome, "hub"), "bartowski/Qwen3-GGUF", Revision,
            new Dictionary<string, byte[]> { ["Qwen3-Q4_K_M.gguf"] = EndpointScan.Gguf(license: null) });
        endpoint.WriteText(Path.Combine(hfHome, "token"), "hf_secret_value_never_read");

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal("bartowski/Qwen3-GGUF", Assert.Single(inventory.Artifacts).ModelName);
        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "huggingface");
        Assert.Equal("present", runtime.Properties["token"]);
        Assert.DoesNotContain("hf_secret_value_never_read", Lantern.Core.Reporting.InventoryJson.ToJson(inventory), StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_SymlinkLoopInSnapshot_ProblemNotHang()
    {
        using var endpoint = new FixtureEndpoint();
        string hub = endpoint.HomePath(".cache/huggingface/hub");
        string repo = endpoint.HuggingFaceRepo(hub, "org/looping", Revision, new Dictionary<string, byte[]> { ["model.gguf"] = EndpointScan.Gguf() });
        string snapshot = Path.Combine(repo, "snapshots", Revision);
        File.CreateSymbolicLink(Path.Combine(snapshot, "a.bin"), "b.bin");
        File.CreateSymbolicLink(Path.Combine(snapshot, "b.bin"), "a.bin");
        Directory.CreateSymbolicLink(Path.Combine(snapshot, "loopdir"), snapshot);

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Single(inventory.Artifacts);
        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.SymlinkLoop);
    }
}
