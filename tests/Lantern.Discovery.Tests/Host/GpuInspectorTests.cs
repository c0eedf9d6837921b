using Lantern.Core.Model;
using Lantern.Discovery.Host;

namespace Lantern.Discovery.Tests.Host;

public class GpuInspectorTests
{
    [Fact]
    public async Task InspectAsync_FakeRenderNodeAndDrmClient_AttributesMemory()
    {
        using var proc = new ProcFixture();
        Directory.CreateDirectory(Path.Combine(proc.DevRoot, "dri"));
        File.WriteAllText(Path.Combine(proc.DevRoot, "dri", "renderD128"), string.Empty);
        proc.Process(77, "llama-server").Argv("llama-server")
            .Fd("/dev/dri/renderD128", "drm-driver:\tamdgpu\ndrm-pdev:\t0000:03:00.0\ndrm-client-id:\t5\ndrm-resident-vram:\t4 MiB\n")
            .Fd("/dev/dri/renderD128", "drm-driver:\tamdgpu\ndrm-pdev:\t0000:03:00.0\ndrm-client-id:\t5\ndrm-resident-vram:\t4 MiB\n")
            .Write();
        ProcessTableSnapshot snapshot = ProcessTable.ReadLinux(proc.Root, proc.PasswdPath);

        GpuInspection gpu = await GpuInspector.InspectAsync(new GpuInspectionOptions
        {
            ProcRoot = proc.Root, DevRoot = proc.DevRoot, SysRoot = proc.SysRoot, LinuxDeviceTree = true, RunNvidiaSmi = false,
        }, snapshot, CancellationToken.None);

        Assert.Equal(GpuInspector.StateAvailable, gpu.Summary.State);
        Assert.Equal(["/dev/dri/renderD128"], gpu.Summary.Devices);
        GpuUse use = Assert.Single(gpu.ForPid(77));
        Assert.Equal("0000:03:00.0", use.Device);
        Assert.Equal(4L * 1024 * 1024, use.MemoryBytes);
        Assert.Equal(GpuInspector.SourceDrmFdinfo, use.Source);
    }

    [Fact]
    public async Task InspectAsync_NotLinuxTreeAndNoTool_IsUnknownNotAbsent()
    {
        GpuInspection gpu = await GpuInspector.InspectAsync(new GpuInspectionOptions
        {
            LinuxDeviceTree = false, NvidiaSmiPath = "/nonexistent/nvidia-smi",
        }, ProcessTableSnapshot.Empty, CancellationToken.None);

        Assert.Equal(GpuInspector.StateUnknown, gpu.Summary.State);
        Assert.Empty(gpu.Problems);
    }

    /// <summary>The real-system path: whatever this machine has, the summary must agree with nvidia-smi.</summary>
    [LinuxFact]
    public async Task InspectAsync_RealHost_AgreesWithNvidiaSmi()
    {
        ProcessTableSnapshot snapshot = ProcessTable.ReadLinux();
        NvidiaSmiResult smi = await NvidiaSmi.RunAsync(null, TimeSpan.FromSeconds(20), CancellationToken.None);

        GpuInspection gpu = await GpuInspector.InspectAsync(new GpuInspectionOptions { NvidiaSmiTimeout = TimeSpan.FromSeconds(20) }, snapshot, CancellationToken.None);

        if (smi.Failure is null && smi.Gpus.Count > 0)
        {
            Assert.Equal(GpuInspector.StateAvailable, gpu.Summary.State);
            Assert.Contains(GpuInspector.SourceNvidiaSmi, gpu.Summary.Sources);
            Assert.All(smi.Gpus, g => Assert.Contains(gpu.Summary.Devices, d => d.Contains(g.Uuid, StringComparison.Ordinal)));
        }
        else
        {
            Assert.Contains(gpu.Summary.State, new[] { GpuInspector.StateAvailable, GpuInspector.StateAbsent });
            Assert.DoesNotContain(gpu.Problems, p => p.Code == ProblemCodes.Timeout);
        }
    }
}
