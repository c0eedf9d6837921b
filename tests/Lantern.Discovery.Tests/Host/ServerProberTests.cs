using System.Diagnostics;
using System.Net;
using Lantern.Core.Model;
using Lantern.Discovery.Host;
using Lantern.Testing.Servers;

namespace Lantern.Discovery.Tests.Host;

public class ServerProberTests
{
    // Generous against CI noise, far below what an unbounded client would take (a never-answering server is forever).
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(6);

    private static async Task<ProbeResult> ProbeAsync(int port)
    {
        using var prober = new ServerProber();
        return await prober.ProbeAsync(IPAddress.Loopback, port, CancellationToken.None);
    }

    [Fact]
    public async Task ProbeAsync_Ollama_IdentifiesVersionAndModels()
    {
        var tagged = new FakeOllamaModel("qwen3:0.6b", new string('a', 64));
        var loaded = new FakeOllamaModel("llama3.2:1b", new string('b', 64));
        await using var server = new FakeOllamaServer("0.13.0", [tagged], [loaded]);

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.Equal("ollama", result.Runtime);
        Assert.Equal("0.13.0", result.Version);
        Assert.Equal("GET /api/version", result.IdentifiedBy);
        Assert.True(result.Unauthenticated);
        Assert.Equal(["qwen3:0.6b", "llama3.2:1b"], result.Models);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task ProbeAsync_KoboldCppEmulatingOllama_IsKoboldCpp()
    {
        await using var server = new FakeKoboldCppServer("1.98.1");

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.Equal("koboldcpp", result.Runtime);
        Assert.Equal("1.98.1", result.Version);
        Assert.Equal("GET /api/extra/version", result.IdentifiedBy);
    }

    [Fact]
    public async Task ProbeAsync_LlamaServer_BuildInfoAndModelPath()
    {
        await using var server = new FakeLlamaServer("b6500-1a2b3c4d", "/models/tiny.gguf");

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.Equal("llama.cpp", result.Runtime);
        Assert.Equal("b6500", result.Version);
        Assert.Equal("GET /props", result.IdentifiedBy);
        Assert.Contains("/models/tiny.gguf", result.Models);
        Assert.True(result.Unauthenticated);
    }

    [Fact]
    public async Task ProbeAsync_LlamaServerWithApiKey_RequiresAuth()
    {
        await using var server = new FakeLlamaServer(apiKey: "secret");

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.True(result.Answered);
        Assert.False(result.Unauthenticated);
    }

    [Fact]
    public async Task ProbeAsync_Vllm_VersionAndModel()
    {
        await using var server = new FakeVllmServer("0.11.0", "Qwen/Qwen2.5-0.5B-Instruct");

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.Equal("vllm", result.Runtime);
        Assert.Equal("0.11.0", result.Version);
        Assert.Equal(["Qwen/Qwen2.5-0.5B-Instruct"], result.Models);
        Assert.True(result.Unauthenticated);
    }

    [Fact]
    public async Task ProbeAsync_VllmWithApiKey_IdentifiedAndRequiresAuth()
    {
        await using var server = new FakeVllmServer(apiKey: "k");

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.Equal("vllm", result.Runtime);
        Assert.False(result.Unauthenticated);
    }

    [Theory]
    [InlineData(Misbehaviour.GarbageBytes, ProblemCodes.ProbeFailed)]
    [InlineData(Misbehaviour.NeverAnswers, ProblemCodes.Timeout)]
    [InlineData(Misbehaviour.SlowDrip, ProblemCodes.Timeout)]
    public async Task ProbeAsync_Misbehaving_BoundedAndReportedAsProblem(Misbehaviour misbehaviour, string code)
    {
        await using var server = new MisbehavingServer(misbehaviour);
        var watch = Stopwatch.StartNew();

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
        Assert.Null(result.Runtime);
        ScanProblem problem = Assert.Single(result.Problems);
        Assert.Equal(code, problem.Code);
    }

    [Fact]
    public async Task ProbeAsync_HugeBody_IsCutAndIdentifiesNothing()
    {
        await using var server = new MisbehavingServer(Misbehaviour.HugeBody);
        var watch = Stopwatch.StartNew();

        ProbeResult result = await ProbeAsync(server.Port);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.True(result.Answered);
        Assert.Null(result.Runtime);
    }

    [Fact]
    public async Task ProbeAsync_ClosedPort_IsProbeFailed()
    {
        int port;
        using (var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        ProbeResult result = await ProbeAsync(port);

        Assert.False(result.Answered);
        Assert.Equal(ProblemCodes.ProbeFailed, Assert.Single(result.Problems).Code);
    }

    [Theory]
    [InlineData("192.168.1.10")]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.1")]
    [InlineData("fe80::1")]
    public async Task ProbeAsync_NonLoopback_Refused(string address)
    {
        using var prober = new ServerProber();
        await Assert.ThrowsAsync<ArgumentException>(() => prober.ProbeAsync(IPAddress.Parse(address), 11434, CancellationToken.None));
    }

    [Fact]
    public async Task ProbeAsync_CallerCancels_Throws()
    {
        await using var server = new MisbehavingServer(Misbehaviour.NeverAnswers);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        using var prober = new ServerProber();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prober.ProbeAsync(IPAddress.Loopback, server.Port, cts.Token));
    }
}
