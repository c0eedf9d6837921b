using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Lantern.Discovery.Host;

/// <summary>One row of <c>nvidia-smi --query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid</c>.</summary>
/// <param name="UsedMemoryMiB">Null for <c>[N/A]</c> / <c>[Not Supported]</c> (WDDM, MIG, containers: discovery.md §4).</param>
internal sealed record NvidiaComputeApp(int Pid, string ProcessName, long? UsedMemoryMiB, string GpuUuid);

/// <summary>One row of <c>nvidia-smi --query-gpu=index,uuid,name,memory.total,driver_version</c>.</summary>
internal sealed record NvidiaGpu(int Index, string Uuid, string Name, long? MemoryTotalMiB, string? DriverVersion);

/// <summary>Rows parsed from one CSV output, and how many lines were not rows.</summary>
internal sealed record NvidiaSmiRows<T>(IReadOnlyList<T> Rows, int MalformedLines);

/// <summary>What running nvidia-smi gave: rows, or the reason there are none.</summary>
internal sealed record NvidiaSmiResult
{
    /// <summary>Null when it ran; else one of <see cref="NvidiaSmi"/>'s <c>Failure*</c> codes.</summary>
    public string? Failure { get; init; }
    public string? FailureDetail { get; init; }
    public string? ExecutablePath { get; init; }
    public IReadOnlyList<NvidiaGpu> Gpus { get; init; } = [];
    public IReadOnlyList<NvidiaComputeApp> ComputeApps { get; init; } = [];
    public int MalformedLines { get; init; }
}

/// <summary>Runs and parses <c>nvidia-smi</c> (discovery.md §4, "Linux, NVIDIA").</summary>
internal static class NvidiaSmi
{
    public const string FailureAbsent = "absent";
    public const string FailureNoDriver = "no-driver";
    public const string FailureTimeout = "timeout";
    public const string FailureError = "failed";

    public const string ComputeAppsArguments = "--query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid --format=csv,noheader,nounits";
    public const string GpuListArguments = "--query-gpu=index,uuid,name,memory.total,driver_version --format=csv,noheader,nounits";

    // Even a 16-GPU box with hundreds of contexts prints a few tens of KiB; 1 MiB bounds a runaway tool.
    internal const int MaxOutputBytes = 1024 * 1024;
    internal const int MaxRows = 4096;
    internal const int MaxLineLength = 4096;
    internal const int MaxPathEntries = 256;

    public static NvidiaSmiRows<NvidiaComputeApp> ParseComputeApps(string csv)
    {
        var rows = new List<NvidiaComputeApp>();
        int malformed = 0;
        foreach (string line in Lines(csv, ref malformed))
        {
            // The process name can hold commas (nvidia-smi does not quote): pid first, memory and uuid last.
            string[] f = line.Split(',');
            if (f.Length < 4
                || !int.TryParse(f[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                || !TryParseOptionalNumber(f[^2].Trim(), out long? memory))
            {
                malformed++;
                continue;
            }
            string name = string.Join(',', f[1..^2]).Trim();
            rows.Add(new NvidiaComputeApp(pid, name, memory, f[^1].Trim()));
        }
        return new NvidiaSmiRows<NvidiaComputeApp>(rows, malformed);
    }

    public static NvidiaSmiRows<NvidiaGpu> ParseGpuList(string csv)
    {
        var rows = new List<NvidiaGpu>();
        int malformed = 0;
        foreach (string line in Lines(csv, ref malformed))
        {
            string[] f = line.Split(',');
            if (f.Length < 5
                || !int.TryParse(f[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                || !TryParseOptionalNumber(f[^2].Trim(), out long? memory))
            {
                malformed++;
                continue;
            }
            string driver = f[^1].Trim();
            rows.Add(new NvidiaGpu(index, f[1].Trim(), string.Join(',', f[2..^2]).Trim(), memory, IsNotAvailable(driver) ? null : driver));
        }
        return new NvidiaSmiRows<NvidiaGpu>(rows, malformed);
    }

    /// <summary>
    /// Runs nvidia-smi twice (GPU list, compute apps) with a shared timeout and bounded output. Never throws
    /// for an absent tool, a missing driver or a hang: those are the result's <see cref="NvidiaSmiResult.Failure"/>.
    /// </summary>
    /// <param name="exePath">An explicit path, or null to look on PATH and the platform's default location.</param>
    public static async Task<NvidiaSmiResult> RunAsync(string? exePath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string? exe = exePath ?? Locate();
        if (exe is null || !File.Exists(exe))
        {
            return new NvidiaSmiResult { Failure = FailureAbsent, FailureDetail = "nvidia-smi was not found on PATH or in its default location." };
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(timeout);
        ToolOutput gpuOutput = await RunToolAsync(exe, GpuListArguments, budget.Token, cancellationToken).ConfigureAwait(false);
        if (gpuOutput.Failure is not null)
        {
            return new NvidiaSmiResult { Failure = gpuOutput.Failure, FailureDetail = gpuOutput.Detail, ExecutablePath = exe };
        }
        ToolOutput appsOutput = await RunToolAsync(exe, ComputeAppsArguments, budget.Token, cancellationToken).ConfigureAwait(false);
        NvidiaSmiRows<NvidiaGpu> gpus = ParseGpuList(gpuOutput.Text);
        if (appsOutput.Failure is not null)
        {
            return new NvidiaSmiResult
            {
                Failure = appsOutput.Failure,
                FailureDetail = appsOutput.Detail,
                ExecutablePath = exe,
                Gpus = gpus.Rows,
                MalformedLines = gpus.MalformedLines,
            };
        }
        NvidiaSmiRows<NvidiaComputeApp> apps = ParseComputeApps(appsOutput.Text);
        return new NvidiaSmiResult
        {
            ExecutablePath = exe,
            Gpus = gpus.Rows,
            ComputeApps = apps.Rows,
            MalformedLines = checked(gpus.MalformedLines + apps.MalformedLines),
        };
    }

    /// <summary>nvidia-smi on PATH, else <c>/usr/bin/nvidia-smi</c> or <c>C:\Windows\System32\nvidia-smi.exe</c>.</summary>
    internal static string? Locate()
    {
        string fileName = OperatingSystem.IsWindows() ? "nvidia-smi.exe" : "nvidia-smi";
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (!string.IsNullOrEmpty(path))
        {
            foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Take(MaxPathEntries))
            {
                try
                {
                    string candidate = Path.Combine(dir.Trim('"'), fileName);
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
                catch (ArgumentException)
                {
                    // A PATH entry with invalid characters: skip it.
                }
            }
        }
        string fallback = OperatingSystem.IsWindows() ? @"C:\Windows\System32\nvidia-smi.exe" : "/usr/bin/nvidia-smi";
        return File.Exists(fallback) ? fallback : null;
    }

    private readonly record struct ToolOutput(string Text, string? Failure, string? Detail);

    private static async Task<ToolOutput> RunToolAsync(string exe, string arguments, CancellationToken budget, CancellationToken caller)
    {
        var start = new ProcessStartInfo(exe, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        using var process = new Process { StartInfo = start };
        try
        {
            if (!process.Start())
            {
                return new ToolOutput(string.Empty, FailureError, "nvidia-smi did not start.");
            }
        }
        catch (Win32Exception e)
        {
            return new ToolOutput(string.Empty, FailureAbsent, $"nvidia-smi could not be started: {e.Message}");
        }

        try
        {
            Task<(byte[] Bytes, bool Cut)> stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, MaxOutputBytes, budget);
            Task<(byte[] Bytes, bool Cut)> stderr = ReadBoundedAsync(process.StandardError.BaseStream, 64 * 1024, budget);
            (byte[] outBytes, bool outCut) = await stdout.ConfigureAwait(false);
            if (outCut)
            {
                // Kill before draining stderr: a runaway writer would otherwise keep stderr open until the budget ends.
                Kill(process);
                return new ToolOutput(string.Empty, FailureError, $"nvidia-smi wrote more than {MaxOutputBytes} bytes.");
            }
            (byte[] errBytes, _) = await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(budget).ConfigureAwait(false);
            string text = Encoding.UTF8.GetString(outBytes);
            if (process.ExitCode != 0)
            {
                string message = BoundedText.Clip((text + " " + Encoding.UTF8.GetString(errBytes)).Trim(), 300);
                // Exit code 9 and this wording mean the tool is installed but the kernel driver is not loaded.
                bool noDriver = process.ExitCode == 9 || message.Contains("driver", StringComparison.OrdinalIgnoreCase);
                return new ToolOutput(string.Empty, noDriver ? FailureNoDriver : FailureError,
                    $"nvidia-smi exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {message}");
            }
            return new ToolOutput(text, null, null);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            Kill(process);
            return new ToolOutput(string.Empty, FailureTimeout, "nvidia-smi did not finish in time.");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Not ours to kill any more (exited and reaped).
        }
    }

    private static async Task<(byte[] Bytes, bool Cut)> ReadBoundedAsync(Stream stream, int max, CancellationToken cancellationToken)
    {
        using var collected = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (collected.ToArray(), false);
            }
            if (collected.Length + read > max)
            {
                return (collected.ToArray(), true);
            }
            collected.Write(buffer, 0, read);
        }
    }

    private static IEnumerable<string> Lines(string csv, ref int malformed)
    {
        List<string> lines = BoundedText.SplitLines(csv, MaxRows, MaxLineLength, out int overlong, out bool truncated);
        malformed = checked(malformed + overlong + (truncated ? 1 : 0));
        return lines.Select(l => l.Trim()).Where(l => l.Length > 0);
    }

    private static bool IsNotAvailable(string value) =>
        value.Length == 0 || (value.StartsWith('[') && value.EndsWith(']'));

    private static bool TryParseOptionalNumber(string value, out long? number)
    {
        number = null;
        if (IsNotAvailable(value) || value.Equals("N/A", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
        {
            number = parsed;
            return true;
        }
        return false;
    }
}
