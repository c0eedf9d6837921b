using Lantern.Core.Model;
using Lantern.Discovery.Detectors.Ollama;
using Lantern.Discovery.Engine;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Detectors.Ollama;

public class OllamaDetectorTests
{
    private const string LlamaLicense = "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024\n";

    [Fact]
    public void Scan_OllamaStore_ReportsModelNameDigestAndLicense()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        var model = endpoint.OllamaModel(store, "llama3.2", "1b", EndpointScan.Gguf(), LlamaLicense);

        Inventory inventory = EndpointScan.Run(endpoint, new ScanOptions { DigestCachePath = null });

        ModelArtifact artifact = EndpointScan.Artifact(inventory, "sha256-" + model.Digest);
        Assert.Equal("ollama", artifact.Runtime);
        Assert.Equal("llama3.2:1b", artifact.ModelName);
        Assert.Equal("gguf", artifact.Format);
        Assert.Equal(model.Digest, artifact.Sha256);
        Assert.Equal("runtime-name", artifact.DigestSource);
        Assert.Equal("ollama:license-layer", artifact.License?.Source);
        Assert.Contains("LLAMA 3.2 COMMUNITY LICENSE", artifact.License?.Raw, StringComparison.Ordinal);
        Assert.Equal("Q4_K_M", artifact.Metadata["quantization"]);
        Assert.Equal("llama", artifact.Metadata["general.architecture"]);
        Assert.True(artifact.Metadata.ContainsKey("chatTemplateSha256:tokenizer.chat_template"));
        Assert.Contains(inventory.Runtimes, r => r.Id == "ollama" && r.Paths.Any(p => p.Path == store));
    }

    [Fact]
    public void Scan_TwoTagsShareBlob_OneArtifactWithAlias()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        byte[] gguf = EndpointScan.Gguf();
        endpoint.OllamaModel(store, "llama3.2", "1b", gguf);
        endpoint.OllamaModel(store, "llama3.2", "latest", gguf);
        endpoint.OllamaModel(store, "mymodel", "v1", gguf, host: "hf.co", ns: "bartowski");

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("hf.co/bartowski/mymodel:v1", artifact.ModelName);
        Assert.Equal(["llama3.2:1b", "llama3.2:latest"], artifact.Aliases);
    }

    [Fact]
    public void Scan_CloudModel_ReportedAsCloudWithoutWeights()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        endpoint.OllamaModel(store, "gpt-oss", "120b-cloud", [], remoteHost: "https://ollama.com:443");

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.True(artifact.Cloud);
        Assert.Equal("ollama-cloud", artifact.Format);
        Assert.Equal("gpt-oss:120b-cloud", artifact.ModelName);
        Assert.Null(artifact.Sha256);
    }

    [Fact]
    public void Scan_ManifestNotJson_ProblemAndIncomplete()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        endpoint.WriteText(Path.Combine(store, "manifests", "registry.ollama.ai", "library", "broken", "latest"), "{ not json");

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.False(inventory.Complete);
        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.Malformed && p.Subject.EndsWith("broken/latest", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_DigestWithPathTraversal_NotFollowed()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        endpoint.WriteText(Path.Combine(store, "manifests", "registry.ollama.ai", "library", "evil", "latest"),
            """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:../../../../etc/passwd","size":1},"layers":[]}""");

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.Malformed && p.Message.Contains("not followed", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_BlobContentIsNotGguf_ReportsMalformed()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        endpoint.OllamaModel(store, "fake", "latest", System.Text.Encoding.UTF8.GetBytes("this is not a model file at all, just text"));

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.Malformed && p.Message.Contains("not a recognised model format", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_VerifyDigestsWithTamperedBlob_ReportsMismatch()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        var model = endpoint.OllamaModel(store, "llama3.2", "1b", EndpointScan.Gguf());
        byte[] tampered = EndpointScan.Gguf(name: "Tampered");
        File.WriteAllBytes(model.BlobPath!, tampered);

        Inventory trusting = EndpointScan.Run(endpoint);
        Inventory verifying = EndpointScan.Run(endpoint, new ScanOptions { VerifyDigests = true });

        Assert.Equal(model.Digest, Assert.Single(trusting.Artifacts).Sha256);
        ModelArtifact verified = Assert.Single(verifying.Artifacts);
        Assert.Equal(FixtureEndpoint.Sha256(tampered), verified.Sha256);
        Assert.Contains(verifying.Problems, p => p.Code == ProblemCodes.DigestMismatch && p.Subject == model.BlobPath);
    }

    [Fact]
    public void Scan_MissingBlob_ReportedAsProblem()
    {
        using var endpoint = new FixtureEndpoint();
        string store = endpoint.HomePath(".ollama/models");
        var model = endpoint.OllamaModel(store, "llama3.2", "1b", EndpointScan.Gguf());
        File.Delete(model.BlobPath!);

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Empty(inventory.Artifacts);
        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.Vanished && p.Subject == model.BlobPath);
    }

    [Fact]
    public void Scan_OllamaModelsVariableAndServiceStore_BothRead()
    {
        using var endpoint = new FixtureEndpoint();
        string moved = Path.Combine(endpoint.Root, "data", "ollama");
        endpoint.Variables["OLLAMA_MODELS"] = moved;
        endpoint.OllamaModel(moved, "qwen3", "8b", EndpointScan.Gguf(name: "Qwen3 8B", license: "apache-2.0", arch: "qwen3"));
        string service = Path.Combine(endpoint.SystemRoot, "usr", "share", "ollama", ".ollama", "models");
        endpoint.OllamaModel(service, "gemma3", "4b", EndpointScan.Gguf(name: "Gemma 3 4B", license: "gemma", arch: "gemma3"));

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Contains(inventory.Artifacts, a => a.ModelName == "qwen3:8b");
        Assert.Contains(inventory.Artifacts, a => a.ModelName == "gemma3:4b");
    }

    [Fact]
    public void Scan_FakeOllamaBinary_VersionFromClientLine()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("ollama", "Warning: could not connect to a running Ollama instance\nWarning: client version is 0.1.33");

        Inventory inventory = EndpointScan.Run(endpoint);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "ollama" && r.Executable is not null);
        Assert.Equal("0.1.33", runtime.Version);
        Assert.Equal("ollama -v", runtime.VersionSource);
    }

    [Fact]
    public void Scan_MacAppBundle_VersionFromInfoPlist()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteText(Path.Combine(endpoint.SystemRoot, "Applications", "Ollama.app", "Contents", "Info.plist"),
            "<?xml version=\"1.0\"?><plist><dict><key>CFBundleShortVersionString</key><string>0.12.3</string></dict></plist>");

        Inventory inventory = EndpointScan.Run(endpoint, os: HostOs.MacOS);

        Assert.Contains(inventory.Runtimes, r => r.Id == "ollama" && r.Version == "0.12.3" && r.VersionSource == "Info.plist");
    }

    [Theory]
    [InlineData("registry.ollama.ai", "library", "llama3.2", "1b", "llama3.2:1b")]
    [InlineData("registry.ollama.ai", "jmorgan", "m", "latest", "jmorgan/m:latest")]
    [InlineData("hf.co", "bartowski", "Llama-3.2-1B-Instruct-GGUF", "Q4_K_M", "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M")]
    public void ModelName_ManifestPath_FollowsOllamaNaming(string host, string ns, string model, string tag, string expected) =>
        Assert.Equal(expected, OllamaDetector.ModelName(host, ns, model, tag));
}
