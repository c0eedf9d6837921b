using Lantern.Core.Model;
using Lantern.Discovery.Engine;
using Lantern.Testing.Endpoints;
using Lantern.Testing.Fixtures;

namespace Lantern.Discovery.Tests;

/// <summary>Runs the discovery engine over a fixture endpoint, never the real host.</summary>
internal static class EndpointScan
{
    public static ScanEnvironment Environment(FixtureEndpoint endpoint, HostOs os = HostOs.Linux, bool withPath = true)
    {
        var variables = new Dictionary<string, string>(endpoint.Variables, StringComparer.Ordinal);
        if (withPath)
        {
            variables["PATH"] = endpoint.Bin;
        }
        return new ScanEnvironment(os, [new UserHome("alice", endpoint.Home, IsCurrentUser: true)], variables, [endpoint.SystemRoot]);
    }

    public static Inventory Run(FixtureEndpoint endpoint, ScanOptions? options = null, HostOs os = HostOs.Linux, IReadOnlyList<IRuntimeDetector>? detectors = null)
    {
        var engine = new DiscoveryEngine(detectors ?? DetectorRegistry.All, (options ?? new ScanOptions()) with { InspectHost = false });
        return engine.ScanAsync(Environment(endpoint, os), CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>A small valid GGUF with the inventory keys set.</summary>
    public static byte[] Gguf(string name = "Llama 3.2 1B Instruct", string? license = "llama3.2", string arch = "llama", uint fileType = 15) =>
        Builder(name, license, arch, fileType).Build();

    public static GgufWriter Builder(string name = "Llama 3.2 1B Instruct", string? license = "llama3.2", string arch = "llama", uint fileType = 15)
    {
        var writer = new GgufWriter()
            .AddString("general.architecture", arch)
            .AddString("general.name", name)
            .AddString("general.size_label", "1B")
            .AddUInt32("general.file_type", fileType)
            .AddUInt32("general.quantization_version", 2)
            .AddUInt32($"{arch}.context_length", 131072)
            .AddString("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}")
            .AddTensor("token_embd.weight", [32, 2], GgufWriter.GgmlF32, 0);
        if (license is not null)
        {
            writer.AddString("general.license", license);
        }
        return writer;
    }

    public static ModelArtifact Artifact(Inventory inventory, string pathEndsWith) =>
        Assert.Single(inventory.Artifacts, a => a.Path.EndsWith(pathEndsWith, StringComparison.Ordinal));
}
