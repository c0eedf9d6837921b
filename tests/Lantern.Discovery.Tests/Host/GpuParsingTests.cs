using Lantern.Discovery.Host;

namespace Lantern.Discovery.Tests.Host;

public class NvidiaSmiTests
{
    [Fact]
    public void ParseComputeApps_RowsWithNotAvailableAndNotSupported()
    {
        const string csv = "4242, /usr/local/bin/ollama, 5120, GPU-5a1b2c3d-0000-1111-2222-333344445555\n"
            + "5000, /usr/bin/python3, [N/A], GPU-5a1b2c3d-0000-1111-2222-333344445555\r\n"
            + "6000, C:\\a,b\\llama-server.exe, [Not Supported], GPU-ffff\n"
            + "\n";

        NvidiaSmiRows<NvidiaComputeApp> rows = NvidiaSmi.ParseComputeApps(csv);

        Assert.Equal(0, rows.MalformedLines);
        Assert.Equal(3, rows.Rows.Count);
        Assert.Equal(new NvidiaComputeApp(4242, "/usr/local/bin/ollama", 5120, "GPU-5a1b2c3d-0000-1111-2222-333344445555"), rows.Rows[0]);
        Assert.Null(rows.Rows[1].UsedMemoryMiB);
        Assert.Equal("C:\\a,b\\llama-server.exe", rows.Rows[2].ProcessName);
        Assert.Null(rows.Rows[2].UsedMemoryMiB);
    }

    [Theory]
    [InlineData("No running processes found")]
    [InlineData("abc, x, 1, GPU-1")]
    [InlineData("1, x, lots, GPU-1")]
    [InlineData("1, x")]
    public void ParseComputeApps_Garbage_CountsMalformed(string line)
    {
        NvidiaSmiRows<NvidiaComputeApp> rows = NvidiaSmi.ParseComputeApps(line);
        Assert.Empty(rows.Rows);
        Assert.Equal(1, rows.MalformedLines);
    }

    [Fact]
    public void ParseGpuList_Rows()
    {
        const string csv = "0, GPU-5a1b2c3d-0000-1111-2222-333344445555, NVIDIA H100 80GB HBM3, 81559, 550.54.15\n"
            + "1, GPU-ffff, NVIDIA GeForce RTX 4090, [N/A], [Not Supported]\n";

        NvidiaSmiRows<NvidiaGpu> rows = NvidiaSmi.ParseGpuList(csv);

        Assert.Equal(0, rows.MalformedLines);
        Assert.Equal(new NvidiaGpu(0, "GPU-5a1b2c3d-0000-1111-2222-333344445555", "NVIDIA H100 80GB HBM3", 81559, "550.54.15"), rows.Rows[0]);
        Assert.Null(rows.Rows[1].MemoryTotalMiB);
        Assert.Null(rows.Rows[1].DriverVersion);
    }

    [Fact]
    public void ParseGpuList_LineAsPrintedByARealH100_Driver580()
    {
        // Captured from nvidia-smi on an H100 host (driver 580.159.04); its compute-apps query printed nothing.
        NvidiaSmiRows<NvidiaGpu> rows = NvidiaSmi.ParseGpuList("0, GPU-eab11a95-af1a-ba7a-58f6-6d7c59857439, NVIDIA H100 80GB HBM3, 81559, 580.159.04\n");

        Assert.Equal(new NvidiaGpu(0, "GPU-eab11a95-af1a-ba7a-58f6-6d7c59857439", "NVIDIA H100 80GB HBM3", 81559, "580.159.04"), Assert.Single(rows.Rows));
        Assert.Empty(NvidiaSmi.ParseComputeApps(string.Empty).Rows);
    }

    [Fact]
    public async Task RunAsync_MissingExecutable_IsAbsentNotAnException()
    {
        NvidiaSmiResult result = await NvidiaSmi.RunAsync("/nonexistent/nvidia-smi", TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Equal(NvidiaSmi.FailureAbsent, result.Failure);
    }

    [LinuxFact]
    public async Task RunAsync_FakeToolPrintingCsv_ParsesBothQueries()
    {
        using var temp = new Lantern.Testing.TempDirectory();
        string tool = WriteScript(temp, """
            case "$1" in
              --query-gpu=*) echo "0, GPU-abc, NVIDIA H100 80GB HBM3, 81559, 550.54.15" ;;
              --query-compute-apps=*) echo "4242, /usr/local/bin/ollama, 5120, GPU-abc" ;;
            esac
            """);

        NvidiaSmiResult result = await NvidiaSmi.RunAsync(tool, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Null(result.Failure);
        Assert.Equal("GPU-abc", Assert.Single(result.Gpus).Uuid);
        Assert.Equal(4242, Assert.Single(result.ComputeApps).Pid);
    }

    [LinuxFact]
    public async Task RunAsync_NoDriver_ReportsNoDriver()
    {
        using var temp = new Lantern.Testing.TempDirectory();
        string tool = WriteScript(temp, """
            echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."
            exit 9
            """);

        NvidiaSmiResult result = await NvidiaSmi.RunAsync(tool, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(NvidiaSmi.FailureNoDriver, result.Failure);
    }

    [LinuxFact]
    public async Task RunAsync_HangingTool_TimesOutWithinBudget()
    {
        using var temp = new Lantern.Testing.TempDirectory();
        string tool = WriteScript(temp, "sleep 30");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        NvidiaSmiResult result = await NvidiaSmi.RunAsync(tool, TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.Equal(NvidiaSmi.FailureTimeout, result.Failure);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    internal static string WriteScript(Lantern.Testing.TempDirectory temp, string body)
    {
        string path = temp.File("nvidia-smi");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }
}

public class DrmFdinfoTests
{
    [Fact]
    public void Parse_AmdgpuFdinfo_ReadsKeysAndUnits()
    {
        const string text = "pos:\t0\nflags:\t02100002\nmnt_id:\t24\nino:\t1075\ndrm-driver:\tamdgpu\ndrm-client-id:\t42\n"
            + "drm-pdev:\t0000:03:00.0\ndrm-engine-gfx:\t1234567 ns\ndrm-memory-vram:\t2048 KiB\ndrm-memory-gtt:\t512 KiB\n"
            + "drm-total-vram:\t3 MiB\ndrm-resident-vram:\t2 MiB\ndrm-resident-gtt:\t1048576\n";

        DrmClientInfo info = Assert.IsType<DrmClientInfo>(DrmFdinfo.Parse(text));

        Assert.Equal("amdgpu", info.Driver);
        Assert.Equal("42", info.ClientId);
        Assert.Equal("0000:03:00.0", info.PciDevice);
        Assert.Equal(2048L * 1024, info.MemoryBytes["drm-memory-vram"]);
        Assert.Equal(3L * 1024 * 1024, info.MemoryBytes["drm-total-vram"]);
        Assert.False(info.MemoryBytes.ContainsKey("drm-engine-gfx"));
        // Resident is preferred: 2 MiB + 1 MiB.
        Assert.Equal(3L * 1024 * 1024, info.BestMemoryBytes);
    }

    [Fact]
    public void Parse_NotADrmFd_ReturnsNull()
    {
        Assert.Null(DrmFdinfo.Parse("pos:\t0\nflags:\t02\nmnt_id:\t15\n"));
        Assert.Null(DrmFdinfo.Parse(string.Empty));
        Assert.Null(DrmFdinfo.Parse("drm-driver:\t\n"));
    }

    [Theory]
    [InlineData("12 TiB")]
    [InlineData("-5 KiB")]
    [InlineData("99999999999999999999")]
    [InlineData("9223372036854775807 KiB")]
    [InlineData("1 2 3")]
    public void Parse_BadMemoryValue_IsIgnored(string value)
    {
        DrmClientInfo info = Assert.IsType<DrmClientInfo>(DrmFdinfo.Parse($"drm-driver:\ti915\ndrm-memory-system:\t{value}\n"));
        Assert.Empty(info.MemoryBytes);
        Assert.Null(info.BestMemoryBytes);
    }

    [Fact]
    public void Parse_HugeInput_IsBounded()
    {
        string text = "drm-driver:\txe\n" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"drm-memory-r{i}:\t1\n"));
        DrmClientInfo info = Assert.IsType<DrmClientInfo>(DrmFdinfo.Parse(text));
        Assert.True(info.MemoryBytes.Count <= DrmFdinfo.MaxMemoryKeys);
    }
}
