using Lantern.Core.Model;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Detectors.LmStudio;

public class LmStudioDetectorTests
{
    [Fact]
    public void Scan_HomePointer_ModelsNamedByPublisherAndModel()
    {
        using var endpoint = new FixtureEndpoint();
        string lmHome = Path.Combine(endpoint.Root, "lmstudio-elsewhere");
        endpoint.WriteText(endpoint.HomePath(".lmstudio-home-pointer"), lmHome + "\n");
        endpoint.WriteFile(Path.Combine(lmHome, "models", "lmstudio-community", "gemma-3-4b-it-GGUF", "gemma-3-4b-it-Q4_K_M.gguf"), EndpointScan.Gguf(name: "Gemma 3 4B", license: "gemma", arch: "gemma3"));
        endpoint.WriteText(Path.Combine(lmHome, ".internal", "http-server.json"), """{"port": 1234}""");
        endpoint.FakeExecutable("lms", "lms - LM Studio CLI", directory: Path.Combine(lmHome, "bin"));

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("lmstudio", artifact.Runtime);
        Assert.Equal("lmstudio-community/gemma-3-4b-it-GGUF", artifact.ModelName);
        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "lmstudio" && r.Executable is not null);
        Assert.Equal("1234", runtime.Properties["server.port"]);
    }

    [Fact]
    public void Scan_DownloadsFolderSetting_UsedAsStore()
    {
        using var endpoint = new FixtureEndpoint();
        string custom = Path.Combine(endpoint.Root, "big-disk", "lm-models");
        endpoint.WriteText(endpoint.HomePath(".lmstudio/settings.json"), $$"""{"downloadsFolder": "{{custom}}"}""");
        endpoint.WriteFile(Path.Combine(custom, "bartowski", "Phi-4-GGUF", "phi-4-Q4_K_M.gguf"), EndpointScan.Gguf(name: "Phi 4", license: "mit", arch: "phi3"));

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Equal("bartowski/Phi-4-GGUF", Assert.Single(inventory.Artifacts).ModelName);
    }
}
