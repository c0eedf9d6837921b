using Lantern.Discovery.Host;

namespace Lantern.Discovery.Tests.Host;

public class ProcessTableTests
{
    [Fact]
    public void ReadLinux_FakeTree_ReadsIdentityArgvSocketsAndGpuFds()
    {
        using var proc = new ProcFixture();
        proc.Process(4242, "ollama").Parent(1).Uid(998).Exe("/usr/local/bin/ollama").Cwd("/usr/share/ollama")
            .Argv("/usr/local/bin/ollama", "serve").Socket(424242).Socket(424243)
            .Fd("/dev/nvidiactl").Fd("/dev/nvidia0").Fd("/dev/nvidia-uvm").Fd("/usr/share/ollama/.ollama/models/blobs/sha256-aa")
            .Write();
        proc.Process(5000, "llama-server").Parent(4242).Uid(998).Exe("/usr/local/lib/ollama/llama-server")
            .Argv("/usr/local/lib/ollama/llama-server", "--model", "/blobs/sha256-aa", "--port", "40000")
            .Fd("/dev/dri/renderD128", "pos:\t0\nflags:\t02100002\ndrm-driver:\tamdgpu\ndrm-pdev:\t0000:03:00.0\ndrm-client-id:\t7\ndrm-memory-vram:\t1024 KiB\n")
            .Fd("/dev/kfd")
            .Write();

        ProcessTableSnapshot snapshot = ProcessTable.ReadLinux(proc.Root, proc.PasswdPath);

        ProcessInfo ollama = Assert.IsType<ProcessInfo>(snapshot.Find(4242));
        Assert.Equal("ollama", ollama.Name);
        Assert.Equal(1, ollama.ParentPid);
        Assert.Equal(998, ollama.Uid);
        Assert.Equal("ollama", ollama.User);
        Assert.Equal("/usr/local/bin/ollama", ollama.Executable);
        Assert.Equal("/usr/share/ollama", ollama.WorkingDirectory);
        Assert.Equal(["/usr/local/bin/ollama", "serve"], ollama.Argv);
        Assert.Equal([424242L, 424243L], ollama.SocketInodes.Order());
        Assert.Equal(["/dev/nvidia-uvm", "/dev/nvidia0", "/dev/nvidiactl"], ollama.GpuDevices.Order(StringComparer.Ordinal));
        Assert.Equal(4242, snapshot.PidBySocketInode[424242]);

        ProcessInfo runner = Assert.IsType<ProcessInfo>(snapshot.Find(5000));
        DrmClientInfo drm = Assert.Single(runner.DrmClients);
        Assert.Equal("amdgpu", drm.Driver);
        Assert.Equal("0000:03:00.0", drm.PciDevice);
        Assert.Equal(1024L * 1024, drm.BestMemoryBytes);
        Assert.Contains("/dev/kfd", runner.GpuDevices);
    }

    [Fact]
    public void ReadLinux_MissingExeAndVanishedProcess_AreNotErrors()
    {
        using var proc = new ProcFixture();
        proc.Process(10, "kthreadd").Parent(0).Uid(0).Write();
        // A pid directory without status: the process exited between listing and reading.
        Directory.CreateDirectory(Path.Combine(proc.Root, "11"));
        // Non-pid entries are ignored.
        Directory.CreateDirectory(Path.Combine(proc.Root, "sys"));

        ProcessTableSnapshot snapshot = ProcessTable.ReadLinux(proc.Root, proc.PasswdPath);

        ProcessInfo kthread = Assert.Single(snapshot.ByPid.Values);
        Assert.Null(kthread.Executable);
        Assert.Equal("root", kthread.User);
        Assert.Equal(1, snapshot.Vanished);
    }

    [Fact]
    public void ReadLinux_SharedSocket_MapsToLowestPid()
    {
        using var proc = new ProcFixture();
        proc.Process(300, "worker").Socket(99).Write();
        proc.Process(200, "master").Socket(99).Write();

        ProcessTableSnapshot snapshot = ProcessTable.ReadLinux(proc.Root, proc.PasswdPath);

        Assert.Equal(200, snapshot.PidBySocketInode[99]);
    }

    [Fact]
    public void ReadLinux_HugeCmdline_IsBounded()
    {
        using var proc = new ProcFixture();
        string[] argv = [.. Enumerable.Range(0, 5000).Select(i => "arg" + new string('x', 100))];
        proc.Process(77, "llama-server").Argv(argv).Write();

        ProcessInfo p = Assert.IsType<ProcessInfo>(ProcessTable.ReadLinux(proc.Root, proc.PasswdPath).Find(77));

        Assert.True(p.Argv.Count <= ProcessTable.MaxArgs);
        Assert.True(p.Argv.Count > 100);
    }

    [Fact]
    public void ReadSelectedEnvironment_KeepsOnlyAllowListedKeys()
    {
        using var proc = new ProcFixture();
        proc.Process(50, "ollama").Env("OLLAMA_HOST", "0.0.0.0:11434").Env("HF_TOKEN", "hf_secret").Env("AWS_SECRET_ACCESS_KEY", "s3cr3t")
            .Env("OLLAMA_ORIGINS", "*").Write();

        IReadOnlyDictionary<string, string> env = ProcessTable.ReadSelectedEnvironment(proc.Root, 50);

        Assert.Equal(2, env.Count);
        Assert.Equal("0.0.0.0:11434", env["OLLAMA_HOST"]);
        Assert.Equal("*", env["OLLAMA_ORIGINS"]);
        Assert.DoesNotContain(env.Values, v => v.Contains("secret", StringComparison.OrdinalIgnoreCase) || v == "s3cr3t");
    }

    [Fact]
    public void ReadSelectedEnvironment_GoneProcess_IsEmpty()
    {
        using var proc = new ProcFixture();
        Assert.Empty(ProcessTable.ReadSelectedEnvironment(proc.Root, 12345));
    }

    [Theory]
    [InlineData("socket:[123]", true, 123L)]
    [InlineData("socket:[]", false, 0L)]
    [InlineData("socket:[12x]", false, 0L)]
    [InlineData("pipe:[123]", false, 0L)]
    public void TryParseSocketInode_Targets(string target, bool ok, long inode)
    {
        Assert.Equal(ok, ProcessTable.TryParseSocketInode(target, out long parsed));
        Assert.Equal(inode, parsed);
    }

    [LinuxFact]
    public void ReadLinux_RealProc_FindsThisProcessWithItsExecutable()
    {
        ProcessTableSnapshot snapshot = ProcessTable.ReadLinux();

        ProcessInfo self = Assert.IsType<ProcessInfo>(snapshot.Find(Environment.ProcessId));
        Assert.Equal(Environment.ProcessPath, self.Executable);
        Assert.NotEmpty(self.Argv);
    }
}
