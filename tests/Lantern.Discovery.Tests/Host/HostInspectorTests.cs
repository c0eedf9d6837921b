using System.Net;
using Lantern.Core.Model;
using Lantern.Discovery.Host;
using Lantern.Testing.Servers;

namespace Lantern.Discovery.Tests.Host;

public class HostInspectorTests
{
    private static HostInspectionOptions FakeRoot(ProcFixture proc, bool probe = false) => new()
    {
        ProcRoot = proc.Root,
        PasswdPath = proc.PasswdPath,
        DevRoot = proc.DevRoot,
        SysRoot = proc.SysRoot,
        Probe = probe,
        RunNvidiaSmi = false,
    };

    [Fact]
    public async Task InspectAsync_FakeTree_AttributesListenersScopesAndExposure()
    {
        using var proc = new ProcFixture();
        proc.Listen(IPAddress.Any, 11434, 1001, uid: 998)               // ollama on all interfaces
            .Listen(IPAddress.Loopback, 40123, 1002, uid: 998)           // ollama's llama-server child, random port
            .Listen(IPAddress.Parse("192.168.1.20"), 8000, 1003)         // vllm on a LAN address: never probed
            .Listen(IPAddress.Loopback, 50052, 1004)                     // rpc-server
            .Listen(IPAddress.Loopback, 22, 1005)                        // sshd: not inference, unknown port
            .WriteNet();
        proc.Process(100, "ollama").Uid(998).Exe("/usr/local/bin/ollama").Argv("/usr/local/bin/ollama", "serve").Socket(1001)
            .Env("OLLAMA_HOST", "0.0.0.0:11434").Env("GITHUB_TOKEN", "ghp_x").Fd("/dev/nvidia0").Fd("/dev/nvidiactl").Write();
        proc.Process(101, "llama-server").Parent(100).Uid(998).Exe("/usr/local/lib/ollama/llama-server")
            .Argv("/usr/local/lib/ollama/llama-server", "--model", "/usr/share/ollama/.ollama/models/blobs/sha256-ab", "--port", "40123").Socket(1002).Write();
        proc.Process(200, "vllm").Exe("/usr/bin/python3.12").Argv("/venv/bin/python3", "/venv/bin/vllm", "serve", "Qwen/Qwen2.5-0.5B").Socket(1003).Write();
        proc.Process(300, "rpc-server").Exe("/opt/llama/rpc-server").Argv("rpc-server", "-H", "127.0.0.1").Socket(1004).Write();
        proc.Process(400, "sshd").Uid(0).Exe("/usr/sbin/sshd").Argv("sshd").Socket(1005).Write();
        Directory.CreateDirectory(Path.Combine(proc.DevRoot, "dri"));
        File.WriteAllText(Path.Combine(proc.DevRoot, "nvidia0"), string.Empty);

        HostInspection inspection = await HostInspector.InspectAsync(FakeRoot(proc), CancellationToken.None);

        InferenceServer ollama = Assert.Single(inspection.Servers, s => s.Port == 11434);
        Assert.Equal("ollama", ollama.Runtime);
        Assert.Equal(BindScopes.Wildcard, ollama.BindScope);
        Assert.Equal(100, ollama.Pid);
        Assert.Equal("process", ollama.IdentifiedBy);
        Assert.True(ollama.ExposedBeyondLoopback);

        InferenceServer child = Assert.Single(inspection.Servers, s => s.Port == 40123);
        Assert.Equal("ollama", child.Runtime);
        Assert.False(child.ExposedBeyondLoopback);

        InferenceServer vllm = Assert.Single(inspection.Servers, s => s.Port == 8000);
        Assert.Equal("vllm", vllm.Runtime);
        Assert.Equal(BindScopes.Network, vllm.BindScope);
        Assert.Null(vllm.Unauthenticated);
        Assert.True(vllm.ExposedBeyondLoopback);

        Assert.Equal("llama.cpp", Assert.Single(inspection.Servers, s => s.Port == 50052).Runtime);
        Assert.DoesNotContain(inspection.Servers, s => s.Port == 22);

        Assert.Equal([100, 101, 200, 300], inspection.Processes.Select(p => p.Pid));
        Assert.DoesNotContain(inspection.Processes, p => p.Name == "sshd");
        InferenceProcess ollamaProcess = inspection.Processes[0];
        Assert.Equal("ollama", ollamaProcess.User);
        GpuUse gpu = Assert.Single(ollamaProcess.Gpu);
        Assert.Equal("/dev/nvidia0", gpu.Device);
        Assert.Equal("device-fd", gpu.Source);
        Assert.Equal(["/usr/share/ollama/.ollama/models/blobs/sha256-ab"], inspection.Processes[1].ModelPaths);

        Assert.Equal(GpuInspector.StateAvailable, inspection.Gpu.State);
        Assert.Equal(["/usr/local/bin/ollama", "/usr/local/lib/ollama/llama-server"], inspection.ExecutablesByRuntime["ollama"]);
        IReadOnlyDictionary<string, string> env = inspection.ProcessEnvironment[100];
        Assert.Equal("0.0.0.0:11434", env["OLLAMA_HOST"]);
        Assert.False(env.ContainsKey("GITHUB_TOKEN"));
        Assert.Empty(inspection.Problems);
    }

    [Fact]
    public async Task InspectAsync_FakeTreeWithoutGpu_IsAbsentWithNote()
    {
        using var proc = new ProcFixture();
        proc.WriteNet();

        HostInspection inspection = await HostInspector.InspectAsync(FakeRoot(proc), CancellationToken.None);

        Assert.Equal(GpuInspector.StateAbsent, inspection.Gpu.State);
        Assert.False(string.IsNullOrEmpty(inspection.Gpu.Note));
        Assert.Empty(inspection.Problems);
        Assert.Empty(inspection.Servers);
    }

    [Fact]
    public async Task InspectAsync_MissingProcRoot_IsAProblemNotACrash()
    {
        HostInspection inspection = await HostInspector.InspectAsync(new HostInspectionOptions
        {
            ProcRoot = Path.Combine(Path.GetTempPath(), "lantern-no-such-proc-" + Guid.NewGuid().ToString("N")),
            RunNvidiaSmi = false,
            InspectGpu = false,
        }, CancellationToken.None);

        Assert.Contains(inspection.Problems, p => p.Code == ProblemCodes.Unreadable);
    }

    [LinuxFact]
    public async Task InspectAsync_RealProc_FindsFakeOllamaOwnedByThisProcess()
    {
        await using var server = new FakeOllamaServer("0.12.3");

        HostInspection inspection = await HostInspector.InspectAsync(new HostInspectionOptions
        {
            // A fake Ollama on a random port is "known" only through our own table: add its port.
            KnownPorts = new HashSet<int>(HostInspectionOptions.DefaultKnownPorts) { server.Port },
            RunNvidiaSmi = false,
        }, CancellationToken.None);

        InferenceServer found = Assert.Single(inspection.Servers, s => s.Port == server.Port);
        Assert.Equal(BindScopes.Loopback, found.BindScope);
        Assert.Equal("127.0.0.1", found.Address);
        Assert.Equal(Environment.ProcessId, found.Pid);
        Assert.Equal("ollama", found.Runtime);
        Assert.Equal("0.12.3", found.Version);
        Assert.True(found.Unauthenticated);
        Assert.False(found.ExposedBeyondLoopback);
        Assert.Contains("llama3.2:1b", found.Models);
        Assert.Equal("0.12.3", inspection.ProbedVersions["ollama"]);
    }

    [Theory]
    [InlineData("127.0.0.1", 11434, "127.0.0.1")]
    [InlineData("0.0.0.0", 11434, "127.0.0.1")]
    [InlineData("::", 11434, "::1")]
    [InlineData("::1", 11434, "::1")]
    [InlineData("::ffff:127.0.0.1", 11434, "127.0.0.1")]
    [InlineData("192.168.1.5", 11434, null)]
    [InlineData("127.0.0.1", 50052, null)]
    public void ProbeTargetFor_OnlyLoopbackAndNeverRpc(string bound, int port, string? expected)
    {
        IPAddress? target = HostInspector.ProbeTargetFor(new ListeningSocket(IPAddress.Parse(bound), port, 1, 0));
        Assert.Equal(expected, target?.ToString());
    }

    [Fact]
    public void ToServer_WildcardRequiringAuth_IsNotExposed()
    {
        var socket = new ListeningSocket(IPAddress.Any, 8000, 1, 0);
        var probe = new ProbeResult { Runtime = "vllm", Version = "0.11.0", IdentifiedBy = "GET /version", Answered = true, Unauthenticated = false };

        InferenceServer server = Assert.IsType<InferenceServer>(HostInspector.ToServer(socket, null, null, probe));

        Assert.False(server.ExposedBeyondLoopback);
        Assert.Equal(BindScopes.Wildcard, server.BindScope);
    }

    [Fact]
    public void ToServer_AnsweredButUnidentified_IsNotAnInferenceServer()
    {
        var socket = new ListeningSocket(IPAddress.Loopback, 3000, 1, 0);
        Assert.Null(HostInspector.ToServer(socket, null, null, new ProbeResult { Answered = true }));
    }

    [Fact]
    public void ToServer_EmulatedProtocolOwnedByOtherRuntime_TakesOwner()
    {
        var socket = new ListeningSocket(IPAddress.Loopback, 11434, 1, 0);
        var owner = new ProcessInfo { Pid = 9, Name = "MstyStudio" };
        var probe = new ProbeResult { Runtime = "ollama", Version = "0.6.0", IdentifiedBy = "GET /api/version", Answered = true, Unauthenticated = true };

        InferenceServer server = Assert.IsType<InferenceServer>(HostInspector.ToServer(socket, owner, "msty", probe));

        Assert.Equal("msty", server.Runtime);
        Assert.Null(server.Version);
    }
}
