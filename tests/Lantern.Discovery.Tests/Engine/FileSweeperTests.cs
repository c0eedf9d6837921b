using System.Diagnostics;
using Lantern.Discovery.Engine;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Engine;

/// <summary>The libc walk (Linux) and the portable walk (elsewhere) must find the same things.</summary>
public class FileSweeperTests
{
    [Fact]
    public void Sweep_NativeAndPortableWalks_FindTheSameCandidates()
    {
        using var endpoint = new FixtureEndpoint();
        for (int i = 0; i < 30; i++)
        {
            endpoint.WriteText(endpoint.HomePath($"src/d{i % 7}/sub{i % 3}/file{i}.txt"), "plain text, not a model " + i);
        }
        string real = endpoint.WriteFile(endpoint.HomePath("models/deep/a/b/c/m.gguf"), EndpointScan.Gguf());
        endpoint.WriteFile(endpoint.HomePath("Downloads/w.bin"), new Lantern.Testing.Fixtures.SafetensorsWriter().AddTensor("w", "F32", [2]).Build());
        endpoint.WriteText(endpoint.HomePath("tiny.gguf"), "GGUF");
        File.CreateSymbolicLink(endpoint.HomePath("link.gguf"), real);
        Directory.CreateSymbolicLink(endpoint.HomePath("loop"), endpoint.Home);
        Directory.CreateDirectory(endpoint.HomePath(".venv/lib/site-packages/vllm-0.9.1.dist-info"));

        SweepResult Run(bool native) =>
            new FileSweeper(new HashSet<string>(), name => name.EndsWith(".dist-info", StringComparison.Ordinal), Stopwatch.StartNew(), TimeSpan.FromMinutes(1), native)
                .Sweep([endpoint.Home], CancellationToken.None);

        SweepResult portable = Run(native: false);
        SweepResult libc = Run(native: true);

        static string[] Shape(SweepResult r) => r.Candidates.Select(c => $"{c.Path}|{c.Format}|{c.Length}|{c.LinkedFrom}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, portable.Candidates.Count);
        Assert.Equal(Shape(portable), Shape(libc));
        Assert.Equal(portable.FilesSeen, libc.FilesSeen);
        Assert.Equal(portable.DirectoriesSeen, libc.DirectoriesSeen);
        Assert.Equal(portable.InterestingDirectories.Order(StringComparer.Ordinal), libc.InterestingDirectories.Order(StringComparer.Ordinal));
        Assert.Empty(libc.Problems);
    }
}
