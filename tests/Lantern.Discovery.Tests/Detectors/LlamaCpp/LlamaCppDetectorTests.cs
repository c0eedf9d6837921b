using Lantern.Core.Model;
using Lantern.Discovery.Engine;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Detectors.LlamaCpp;

public class LlamaCppDetectorTests
{
    [Fact]
    public void Scan_LlamaServerBinary_ReportsBuildNumber()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("llama-server", "version: 5661 (1f6e0b62)\nbuilt with cc (Debian 12.2.0-14) 12.2.0 for x86_64-linux-gnu", toStderr: true);

        Inventory inventory = EndpointScan.Run(endpoint);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "llama.cpp");
        Assert.Equal("b5661", runtime.Version);
        Assert.EndsWith("llama-server", runtime.Executable, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_LegacyCacheManifest_NamesModel()
    {
        using var endpoint = new FixtureEndpoint();
        string cache = endpoint.HomePath(".cache/llama.cpp");
        endpoint.WriteFile(Path.Combine(cache, "ggml-org_gemma-3-1b-it-GGUF_gemma-3-1b-it-Q4_K_M.gguf"), EndpointScan.Gguf(name: "Gemma 3 1B", license: "gemma", arch: "gemma3"));
        endpoint.WriteText(Path.Combine(cache, "manifest=ggml-org=gemma-3-1b-it-GGUF=latest.json"), """{"ggufFile":{"rfilename":"gemma-3-1b-it-Q4_K_M.gguf"}}""");

        Inventory inventory = EndpointScan.Run(endpoint);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("llama.cpp", artifact.Runtime);
        Assert.Equal("ggml-org/gemma-3-1b-it-GGUF:latest", artifact.ModelName);
    }

    [Fact]
    public void Scan_VersionFlagHangs_TimesOutWithProblem()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("llama-cli", "version: 1 (abcdef1)", sleepSeconds: 30);

        Inventory inventory = EndpointScan.Run(endpoint, new ScanOptions { VersionTimeout = TimeSpan.FromMilliseconds(500) });

        Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.Timeout && p.Subject.EndsWith("llama-cli", StringComparison.Ordinal));
        Assert.Null(Assert.Single(inventory.Runtimes, r => r.Id == "llama.cpp").Version);
    }
}
