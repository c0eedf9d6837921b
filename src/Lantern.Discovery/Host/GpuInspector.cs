using System.Globalization;
using Lantern.Core.Model;

namespace Lantern.Discovery.Host;

/// <summary>Where <see cref="GpuInspector"/> looks; every root is replaceable so tests can use a fake tree.</summary>
internal sealed record GpuInspectionOptions
{
    public string ProcRoot { get; init; } = "/proc";
    public string DevRoot { get; init; } = "/dev";
    public string SysRoot { get; init; } = "/sys";

    /// <summary>False on hosts without procfs/devfs (Windows, macOS): only nvidia-smi is tried.</summary>
    public bool LinuxDeviceTree { get; init; } = OperatingSystem.IsLinux();

    public bool RunNvidiaSmi { get; init; } = true;

    /// <summary>Explicit nvidia-smi; null looks on PATH and the default location.</summary>
    public string? NvidiaSmiPath { get; init; }

    /// <summary>Both nvidia-smi queries together; a healthy driver answers in well under a second.</summary>
    public TimeSpan NvidiaSmiTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>The machine's accelerators, who uses them, and what could not be told.</summary>
internal sealed record GpuInspection(GpuSummary Summary, IReadOnlyDictionary<int, IReadOnlyList<GpuUse>> UseByPid, IReadOnlyList<ScanProblem> Problems)
{
    public IReadOnlyList<GpuUse> ForPid(int pid) => UseByPid.TryGetValue(pid, out IReadOnlyList<GpuUse>? use) ? use : [];
}

/// <summary>Accelerator inventory and per-process use (discovery.md §4): nvidia-smi, device nodes, DRM fdinfo, open device fds.</summary>
internal static class GpuInspector
{
    public const string SourceNvidiaSmi = "nvidia-smi";
    public const string SourceDrmFdinfo = "drm-fdinfo";
    public const string SourceDeviceFd = "device-fd";
    public const string SourceDeviceNodes = "device-nodes";
    public const string SourceNvidiaProcfs = "procfs-nvidia";

    public const string StateAvailable = "available";
    public const string StateAbsent = "absent";
    public const string StateUnknown = "unknown";

    private const string ProblemSource = "host/gpu";
    private const long MiB = 1024 * 1024;

    // Device-node listings are tiny; the caps only stop a crafted tree from growing the report.
    internal const int MaxDeviceNodes = 256;

    public static async Task<GpuInspection> InspectAsync(GpuInspectionOptions options, ProcessTableSnapshot processes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processes);
        var devices = new List<string>();
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        var problems = new List<ScanProblem>();
        var notes = new List<string>();
        var use = new Dictionary<int, List<GpuUse>>();

        NvidiaSmiResult? smi = null;
        if (options.RunNvidiaSmi)
        {
            smi = await NvidiaSmi.RunAsync(options.NvidiaSmiPath, options.NvidiaSmiTimeout, cancellationToken).ConfigureAwait(false);
            AddNvidiaSmi(smi, devices, sources, problems, notes, use);
        }

        if (options.LinuxDeviceTree)
        {
            if (!smi?.Gpus.Any() ?? true)
            {
                AddNvidiaProcfs(options.ProcRoot, devices, sources);
            }
            AddDeviceNodes(options, devices, sources);
            AddProcessDevices(processes, sources, use);
        }

        string state;
        if (devices.Count > 0)
        {
            state = StateAvailable;
        }
        else if (smi?.Failure is NvidiaSmi.FailureTimeout or NvidiaSmi.FailureError)
        {
            state = StateUnknown;
        }
        else if (!options.LinuxDeviceTree)
        {
            state = StateUnknown;
            notes.Add("Without nvidia-smi, accelerators are only enumerated on Linux (device nodes, DRM fdinfo); WDDM counters and powermetrics are not read.");
        }
        else
        {
            state = StateAbsent;
            notes.Add("No accelerator device nodes (/dev/nvidia*, /dev/dri/renderD*, /dev/kfd, /dev/accel/*) were found.");
        }

        var byPid = new Dictionary<int, IReadOnlyList<GpuUse>>();
        foreach ((int pid, List<GpuUse> list) in use)
        {
            byPid[pid] = list;
        }
        var summary = new GpuSummary
        {
            State = state,
            Devices = devices,
            Sources = [.. sources],
            Note = notes.Count == 0 ? null : string.Join(" ", notes),
        };
        return new GpuInspection(summary, byPid, problems);
    }

    private static void AddNvidiaSmi(NvidiaSmiResult smi, List<string> devices, SortedSet<string> sources, List<ScanProblem> problems,
        List<string> notes, Dictionary<int, List<GpuUse>> use)
    {
        switch (smi.Failure)
        {
            case NvidiaSmi.FailureAbsent:
                notes.Add("nvidia-smi is not installed.");
                break;
            case NvidiaSmi.FailureNoDriver:
                notes.Add($"nvidia-smi is installed but reports no working NVIDIA driver ({smi.FailureDetail}).");
                break;
            case NvidiaSmi.FailureTimeout:
                problems.Add(new ScanProblem { Subject = smi.ExecutablePath ?? "nvidia-smi", Code = ProblemCodes.Timeout, Message = smi.FailureDetail ?? "nvidia-smi timed out.", Source = ProblemSource });
                break;
            case NvidiaSmi.FailureError:
                problems.Add(new ScanProblem { Subject = smi.ExecutablePath ?? "nvidia-smi", Code = ProblemCodes.Unreadable, Message = smi.FailureDetail ?? "nvidia-smi failed.", Source = ProblemSource });
                break;
        }
        if (smi.MalformedLines > 0)
        {
            problems.Add(new ScanProblem
            {
                Subject = smi.ExecutablePath ?? "nvidia-smi",
                Code = ProblemCodes.Malformed,
                Message = $"{smi.MalformedLines.ToString(CultureInfo.InvariantCulture)} line(s) of nvidia-smi output could not be parsed.",
                Source = ProblemSource,
            });
        }
        foreach (NvidiaGpu gpu in smi.Gpus)
        {
            string memory = gpu.MemoryTotalMiB is long m ? $", {m.ToString(CultureInfo.InvariantCulture)} MiB" : string.Empty;
            string driver = gpu.DriverVersion is null ? string.Empty : $", driver {gpu.DriverVersion}";
            devices.Add($"{gpu.Name} [{gpu.Uuid}]{memory}{driver}");
            sources.Add(SourceNvidiaSmi);
        }
        foreach (NvidiaComputeApp app in smi.ComputeApps)
        {
            long? bytes = app.UsedMemoryMiB is long mib && mib <= long.MaxValue / MiB ? mib * MiB : null;
            Add(use, app.Pid, new GpuUse { Device = app.GpuUuid, MemoryBytes = bytes, Source = SourceNvidiaSmi });
            sources.Add(SourceNvidiaSmi);
        }
    }

    /// <summary><c>/proc/driver/nvidia/gpus/&lt;pci&gt;</c>: present whenever the NVIDIA kernel module drives a GPU.</summary>
    private static void AddNvidiaProcfs(string procRoot, List<string> devices, SortedSet<string> sources)
    {
        string dir = Path.Combine(procRoot, "driver", "nvidia", "gpus");
        foreach (string entry in SafeEnumerate(dir, "*"))
        {
            devices.Add($"nvidia {Path.GetFileName(entry)}");
            sources.Add(SourceNvidiaProcfs);
        }
    }

    private static void AddDeviceNodes(GpuInspectionOptions options, List<string> devices, SortedSet<string> sources)
    {
        bool haveNvidiaRows = devices.Count > 0;
        if (!haveNvidiaRows)
        {
            foreach (string node in SafeEnumerate(options.DevRoot, "nvidia*"))
            {
                string name = Path.GetFileName(node);
                // Only numbered nodes are GPUs; nvidiactl, nvidia-uvm and nvidia-modeset are control devices.
                if (name.Length > 6 && name[6..].All(char.IsAsciiDigit))
                {
                    devices.Add($"/dev/{name}");
                    sources.Add(SourceDeviceNodes);
                }
            }
        }
        foreach (string node in SafeEnumerate(Path.Combine(options.DevRoot, "dri"), "renderD*"))
        {
            string name = Path.GetFileName(node);
            string? driver = ReadDrmDriver(options.SysRoot, name);
            devices.Add(driver is null ? $"/dev/dri/{name}" : $"/dev/dri/{name} ({driver})");
            sources.Add(SourceDeviceNodes);
        }
        if (File.Exists(Path.Combine(options.DevRoot, "kfd")))
        {
            devices.Add("/dev/kfd (ROCm compute)");
            sources.Add(SourceDeviceNodes);
        }
        foreach (string node in SafeEnumerate(Path.Combine(options.DevRoot, "accel"), "accel*"))
        {
            devices.Add($"/dev/accel/{Path.GetFileName(node)}");
            sources.Add(SourceDeviceNodes);
        }
    }

    /// <summary>Kernel driver of a render node from <c>/sys/class/drm/&lt;node&gt;/device/driver</c> (a symlink to the driver).</summary>
    private static string? ReadDrmDriver(string sysRoot, string node)
    {
        try
        {
            string? target = new FileInfo(Path.Combine(sysRoot, "class", "drm", node, "device", "driver")).LinkTarget;
            return target is null ? null : BoundedText.Clip(Path.GetFileName(target), 64);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void AddProcessDevices(ProcessTableSnapshot processes, SortedSet<string> sources, Dictionary<int, List<GpuUse>> use)
    {
        foreach (ProcessInfo process in processes.ByPid.Values)
        {
            bool hasSmi = use.ContainsKey(process.Pid);
            foreach (DrmClientInfo client in process.DrmClients)
            {
                Add(use, process.Pid, new GpuUse { Device = client.PciDevice ?? client.Driver, MemoryBytes = client.BestMemoryBytes, Source = SourceDrmFdinfo });
                sources.Add(SourceDrmFdinfo);
            }
            bool hasDrm = process.DrmClients.Count > 0;
            bool hasNvidiaGpuNode = process.GpuDevices.Any(IsNumberedNvidiaNode);
            foreach (string device in process.GpuDevices)
            {
                bool nvidia = device.StartsWith("/dev/nvidia", StringComparison.Ordinal);
                if ((nvidia && hasSmi) || (hasDrm && device.StartsWith("/dev/dri/", StringComparison.Ordinal)))
                {
                    continue;
                }
                // Control nodes add nothing once a GPU node is held; alone (nvidia-uvm) they still mean CUDA use.
                if (nvidia && hasNvidiaGpuNode && !IsNumberedNvidiaNode(device))
                {
                    continue;
                }
                Add(use, process.Pid, new GpuUse { Device = device, Source = SourceDeviceFd });
                sources.Add(SourceDeviceFd);
            }
        }
    }

    private static bool IsNumberedNvidiaNode(string device) =>
        device.StartsWith("/dev/nvidia", StringComparison.Ordinal) && device.Length > 11 && device[11..].All(char.IsAsciiDigit);

    private static void Add(Dictionary<int, List<GpuUse>> use, int pid, GpuUse entry)
    {
        if (!use.TryGetValue(pid, out List<GpuUse>? list))
        {
            list = [];
            use[pid] = list;
        }
        if (!list.Contains(entry))
        {
            list.Add(entry);
        }
    }

    private static List<string> SafeEnumerate(string dir, string pattern)
    {
        try
        {
            return Directory.Exists(dir)
                ? [.. Directory.EnumerateFileSystemEntries(dir, pattern).Order(StringComparer.Ordinal).Take(MaxDeviceNodes)]
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
