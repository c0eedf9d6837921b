using Lantern.Core.Model;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Detectors.PythonPackages;

/// <summary>vLLM, Open WebUI, MLX-LM, llama-cpp-python, PyTorch and huggingface_hub are found by their dist-info.</summary>
public class PythonPackageDetectorTests
{
    [Theory]
    [InlineData("vllm", "0.8.4", "vllm")]
    [InlineData("open_webui", "0.6.5", "open-webui")]
    [InlineData("mlx_lm", "0.26.0", "mlx-lm")]
    [InlineData("llama_cpp_python", "0.2.71", "llama-cpp-python")]
    [InlineData("torch", "2.5.1", "pytorch")]
    [InlineData("huggingface_hub", "0.34.4", "huggingface")]
    public void Scan_DistInfoInVenv_ReportsRuntimeWithVersion(string distribution, string version, string runtimeId)
    {
        using var endpoint = new FixtureEndpoint();
        string distInfo = endpoint.DistInfo(distribution, version);

        Inventory inventory = EndpointScan.Run(endpoint);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == runtimeId && r.VersionSource == "dist-info");
        Assert.Equal(version, runtime.Version);
        Assert.Contains(runtime.Paths, p => p.Path == distInfo);
    }

    [Fact]
    public void Scan_UnrelatedDistInfo_Ignored()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.DistInfo("requests", "2.32.3");
        endpoint.DistInfo("vllm_extras_plugin", "1.0");

        Inventory inventory = EndpointScan.Run(endpoint);

        Assert.Empty(inventory.Runtimes);
    }

    [Fact]
    public void Scan_VllmDataDirOnly_ReportsUsageWithoutVersion()
    {
        using var endpoint = new FixtureEndpoint();
        Directory.CreateDirectory(endpoint.HomePath(".cache/vllm/torch_compile_cache"));

        Inventory inventory = EndpointScan.Run(endpoint);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "vllm");
        Assert.Null(runtime.Version);
        Assert.Contains(runtime.Paths, p => p.Kind == "data");
    }
}
