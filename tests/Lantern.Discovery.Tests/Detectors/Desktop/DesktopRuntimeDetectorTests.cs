using Lantern.Core.Model;
using Lantern.Discovery.Engine;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Detectors.Desktop;

/// <summary>GPT4All, Jan, LocalAI, text-generation-webui, KoboldCpp, Msty, AnythingLLM, DMR, Foundry Local, llamafile.</summary>
public class DesktopRuntimeDetectorTests
{
    [Fact]
    public void Scan_Gpt4AllSettingsModelPath_OwnsModels()
    {
        using var endpoint = new FixtureEndpoint();
        string custom = Path.Combine(endpoint.Root, "gpt4all-models");
        endpoint.WriteText(endpoint.HomePath(".config/nomic.ai/GPT4All.ini"), $"[General]\nmodelPath={custom}\n");
        endpoint.WriteFile(Path.Combine(custom, "Meta-Llama-3-8B-Instruct.Q4_0.gguf"), EndpointScan.Gguf());
        endpoint.WriteFile(endpoint.HomePath(".local/share/nomic.ai/GPT4All/orca-mini.gguf"), EndpointScan.Gguf(name: "Orca"));

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal(2, inventory.Artifacts.Count(a => a.Runtime == "gpt4all"));
        Assert.Contains(inventory.Artifacts, a => a.ModelName == "Meta-Llama-3-8B-Instruct.Q4_0");
    }

    [Fact]
    public void Scan_JanDataFolderSetting_OwnsModels()
    {
        using var endpoint = new FixtureEndpoint();
        string data = Path.Combine(endpoint.Root, "jan-data");
        endpoint.WriteText(endpoint.HomePath(".local/share/jan.ai.app/settings.json"), $$"""{"data_folder":"{{data}}"}""");
        endpoint.WriteFile(Path.Combine(data, "llamacpp", "models", "qwen2.5-7b", "model.gguf"), EndpointScan.Gguf(name: "Qwen2.5 7B", arch: "qwen2"));

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("jan", artifact.Runtime);
        Assert.Equal("qwen2.5-7b", artifact.ModelName);
    }

    [Fact]
    public void Scan_LocalAiBinary_VersionParsed()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("local-ai", "LocalAI version v2.29.0 (5f6a7b8c9d)");

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal("2.29.0", Assert.Single(inventory.Runtimes, r => r.Id == "localai").Version);
    }

    [Fact]
    public void Scan_TextGenerationWebUiCheckout_VersionFromGitTag()
    {
        using var endpoint = new FixtureEndpoint();
        string checkout = endpoint.HomePath("text-generation-webui");
        const string Head = "9f1c2e3d4b5a69788796a5b4c3d2e1f0a9b8c7d6";
        endpoint.WriteText(Path.Combine(checkout, "server.py"), "# server");
        endpoint.WriteText(Path.Combine(checkout, "one_click.py"), "# installer");
        endpoint.WriteText(Path.Combine(checkout, ".git", "HEAD"), "ref: refs/heads/main\n");
        endpoint.WriteText(Path.Combine(checkout, ".git", "refs", "heads", "main"), Head + "\n");
        endpoint.WriteText(Path.Combine(checkout, ".git", "packed-refs"), $"# pack-refs with: peeled\n{Head} refs/tags/v4.1\n");
        endpoint.WriteFile(Path.Combine(checkout, "user_data", "models", "Mistral-7B", "model.gguf"), EndpointScan.Gguf(name: "Mistral 7B", arch: "llama"));

        Inventory inventory = EndpointScan.Run(endpoint);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "text-generation-webui");
        Assert.Equal("4.1", runtime.Version);
        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("text-generation-webui", artifact.Runtime);
        Assert.Equal("Mistral-7B", artifact.ModelName);
    }

    [Fact]
    public void Scan_KoboldCppInDownloads_FoundWithoutRunningIt()
    {
        using var endpoint = new FixtureEndpoint();
        string exe = endpoint.FakeExecutable("koboldcpp-linux-x64", "must never run", sleepSeconds: 30, directory: endpoint.HomePath("Downloads"));

        Inventory inventory = EndpointScan.Run(endpoint, new ScanOptions { VersionTimeout = TimeSpan.FromMilliseconds(200) });

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "koboldcpp");
        Assert.Equal(exe, runtime.Executable);
        Assert.DoesNotContain(inventory.Problems, p => p.Code == ProblemCodes.Timeout);
    }

    [Fact]
    public void Scan_MstyOnMacOs_ModelsOwned()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath("Library/Application Support/MstyStudio/models/blobs/llama.gguf"), EndpointScan.Gguf());
        endpoint.WriteText(Path.Combine(endpoint.SystemRoot, "Applications", "MstyStudio.app", "Contents", "Info.plist"),
            "<plist><dict><key>CFBundleShortVersionString</key><string>2.0.1</string></dict></plist>");

        Inventory inventory = EndpointScan.Run(endpoint, os: HostOs.MacOS);

        Assert.Equal("msty", Assert.Single(inventory.Artifacts).Runtime);
        Assert.Contains(inventory.Runtimes, r => r.Id == "msty" && r.Version == "2.0.1");
    }

    [Fact]
    public void Scan_AnythingLlmStorage_OwnsModels()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath(".config/anythingllm-desktop/storage/models/embedder/model.safetensors"),
            new Lantern.Testing.Fixtures.SafetensorsWriter().AddTensor("w", "F16", [4]).Build());

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal("anythingllm", Assert.Single(inventory.Artifacts).Runtime);
    }

    [Fact]
    public void Scan_DockerModelRunnerStore_BlobDigestFromName()
    {
        using var endpoint = new FixtureEndpoint();
        byte[] gguf = EndpointScan.Gguf();
        string digest = FixtureEndpoint.Sha256(gguf);
        endpoint.WriteFile(endpoint.HomePath(".docker/models/blobs/sha256/" + digest), gguf);

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("docker-model-runner", artifact.Runtime);
        Assert.Equal(digest, artifact.Sha256);
        Assert.Equal("runtime-name", artifact.DigestSource);
    }

    [Fact]
    public void Scan_FoundryCache_NamedByPublisherAndVariant()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("foundry", "0.10.3+abc");
        endpoint.WriteFile(endpoint.HomePath(".foundry/cache/models/Microsoft/Phi-4-mini-instruct-generic-cpu/1/model.gguf"), EndpointScan.Gguf(name: "Phi 4 mini"));

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal("Microsoft/Phi-4-mini-instruct-generic-cpu", Assert.Single(inventory.Artifacts).ModelName);
        Assert.Equal("0.10.3+abc", Assert.Single(inventory.Runtimes, r => r.Id == "foundry-local").Version);
    }

    [Fact]
    public void Scan_LlamafileLauncher_VersionParsed()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("llamafile", "llamafile v0.9.3");

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal("0.9.3", Assert.Single(inventory.Runtimes, r => r.Id == "llamafile").Version);
    }
}
