using Lantern.Core.Model;
using Lantern.Discovery.Engine;
using Lantern.Testing;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Engine;

public class ScanEnvironmentTests
{
    [Fact]
    public void EnumerateAll_HomesParent_EveryUserButCurrentAndSystemFolders()
    {
        using var dir = new TempDirectory();
        foreach (string user in new[] { "alice", "bob", "Public", "carol" })
        {
            dir.Dir(Path.Combine("home", user));
        }

        var homes = UserHome.EnumerateAll(HostOs.Linux, Path.Combine(dir.Path, "home", "alice"), [Path.Combine(dir.Path, "home")]).ToList();

        Assert.Equal(["bob", "carol"], homes.Select(h => h.User).Order(StringComparer.Ordinal));
        Assert.All(homes, h => Assert.False(h.IsCurrentUser));
    }

    [Fact]
    public async Task Scan_OtherUsersHome_SweptWithDefaultsNotOurVariables()
    {
        using var endpoint = new FixtureEndpoint();
        string bob = Path.Combine(endpoint.Root, "home", "bob");
        endpoint.OllamaModel(Path.Combine(bob, ".ollama", "models"), "llama3.2", "1b", EndpointScan.Gguf());
        endpoint.Variables["OLLAMA_MODELS"] = Path.Combine(endpoint.Root, "alice-only");
        var environment = new ScanEnvironment(
            HostOs.Linux,
            [new UserHome("alice", endpoint.Home, IsCurrentUser: true), new UserHome("bob", bob, IsCurrentUser: false)],
            endpoint.Variables,
            [endpoint.SystemRoot]);

        Inventory inventory = await new DiscoveryEngine(DetectorRegistry.All, new ScanOptions { InspectHost = false })
            .ScanAsync(environment, CancellationToken.None);

        ModelArtifact artifact = Assert.Single(inventory.Artifacts);
        Assert.Equal("llama3.2:1b", artifact.ModelName);
        Assert.StartsWith(bob, artifact.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_WindowsLayout_PerUserOllamaInstallFound()
    {
        using var endpoint = new FixtureEndpoint();
        string local = Path.Combine(endpoint.Home, "AppData", "Local");
        endpoint.FakeExecutable("ollama.exe", "ollama version is 0.12.3", directory: Path.Combine(local, "Programs", "Ollama"));
        endpoint.OllamaModel(Path.Combine(endpoint.Home, ".ollama", "models"), "qwen3", "4b", EndpointScan.Gguf(arch: "qwen3"));

        Inventory inventory = EndpointScan.Run(endpoint, os: HostOs.Windows);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "ollama" && r.Executable is not null);
        Assert.Equal("0.12.3", runtime.Version);
        Assert.EndsWith(Path.Combine("Programs", "Ollama", "ollama.exe"), runtime.Executable, StringComparison.Ordinal);
        Assert.Equal("qwen3:4b", Assert.Single(inventory.Artifacts).ModelName);
    }

    [Fact]
    public void SystemPath_WindowsDrivePath_MappedIntoFixtureRoot()
    {
        var env = new ScanEnvironment(HostOs.Windows, [], new Dictionary<string, string>(), ["/fixture"]);

        Assert.Equal("/fixture/C/Program Files/x", env.SystemPath(@"C:\Program Files\x").Replace('\\', '/'));
    }
}
