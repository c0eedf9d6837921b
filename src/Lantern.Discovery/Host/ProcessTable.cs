using System.Globalization;
using System.Text;

namespace Lantern.Discovery.Host;

/// <summary>
/// Reads the Linux process table from a procfs root. Processes come and go while we read; a process that
/// vanishes is skipped silently and one we may not read is counted, neither is an error.
/// </summary>
internal static class ProcessTable
{
    // pid_max defaults to 4194304 on 64-bit, but real hosts run a few thousand processes.
    internal const int MaxProcesses = 65_536;

    // Servers with many connections hold many fds; beyond this we stop looking for more sockets/devices.
    internal const int MaxFdsPerProcess = 16_384;

    // ARG_MAX is commonly 2 MiB, but the command lines we classify are short; model paths fit in 4 KiB.
    internal const int MaxCmdlineBytes = 128 * 1024;
    internal const int MaxArgs = 512;
    internal const int MaxArgLength = 4096;

    internal const int MaxStatusBytes = 64 * 1024;
    internal const int MaxEnvironBytes = 1024 * 1024;
    internal const int MaxEnvValueLength = 4096;
    internal const int MaxPasswdBytes = 4 * 1024 * 1024;
    internal const int MaxDrmClientsPerProcess = 64;

    /// <summary>
    /// The only environment variables we keep (discovery.md §2.1, §2.3, §2.4, §3). Others can hold
    /// secrets (tokens, keys) and are never retained, not even in memory past the parse.
    /// </summary>
    public static readonly IReadOnlySet<string> EnvironmentKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "OLLAMA_HOST", "OLLAMA_ORIGINS", "OLLAMA_MODELS", "HF_HOME", "LLAMA_CACHE",
    };

    public static ProcessTableSnapshot ReadLinux(string procRoot = "/proc", string passwdPath = "/etc/passwd")
    {
        IReadOnlyDictionary<int, string> users = ReadPasswd(passwdPath);
        var byPid = new Dictionary<int, ProcessInfo>();
        var bySocket = new Dictionary<long, int>();
        int denied = 0;
        int vanished = 0;
        bool truncated = false;

        foreach (string dir in Directory.EnumerateDirectories(procRoot))
        {
            string name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
            {
                continue;
            }
            if (byPid.Count >= MaxProcesses)
            {
                truncated = true;
                break;
            }
            ProcessReadOutcome outcome = TryReadProcess(dir, pid, users, out ProcessInfo? process);
            switch (outcome)
            {
                case ProcessReadOutcome.Vanished:
                    vanished++;
                    continue;
                case ProcessReadOutcome.Denied:
                    denied++;
                    continue;
            }
            if (process!.PartiallyReadable)
            {
                denied++;
            }
            byPid[pid] = process;
            foreach (long inode in process.SocketInodes)
            {
                if (!bySocket.TryGetValue(inode, out int owner) || pid < owner)
                {
                    bySocket[inode] = pid;
                }
            }
        }

        return new ProcessTableSnapshot
        {
            ByPid = byPid,
            PidBySocketInode = bySocket,
            PermissionDenied = denied,
            Vanished = vanished,
            Truncated = truncated,
        };
    }

    /// <summary>
    /// Reads <c>/proc/&lt;pid&gt;/environ</c> keeping only <see cref="EnvironmentKeys"/>. Call it for inference
    /// processes only. Returns an empty map when the process is gone or not ours to read.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadSelectedEnvironment(string procRoot, int pid)
    {
        var selected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        byte[] raw;
        try
        {
            raw = BoundedText.ReadBytes(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "environ"), MaxEnvironBytes, out _);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return selected;
        }
        int start = 0;
        while (start < raw.Length)
        {
            int end = Array.IndexOf(raw, (byte)0, start);
            if (end < 0)
            {
                end = raw.Length;
            }
            ReadOnlySpan<byte> entry = raw.AsSpan(start, end - start);
            int eq = entry.IndexOf((byte)'=');
            if (eq > 0)
            {
                // Decode only the key first: values of other variables are never turned into strings.
                string key = Encoding.UTF8.GetString(entry[..eq]);
                if (EnvironmentKeys.Contains(key))
                {
                    selected[key] = BoundedText.Clip(Encoding.UTF8.GetString(entry[(eq + 1)..]), MaxEnvValueLength);
                }
            }
            start = end + 1;
        }
        return selected;
    }

    internal enum ProcessReadOutcome
    {
        Read,
        Vanished,
        Denied,
    }

    private static ProcessReadOutcome TryReadProcess(string dir, int pid, IReadOnlyDictionary<int, string> users, out ProcessInfo? process)
    {
        process = null;
        string status;
        try
        {
            status = BoundedText.ReadText(Path.Combine(dir, "status"), MaxStatusBytes, out _);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ProcessReadOutcome.Vanished;
        }
        catch (UnauthorizedAccessException)
        {
            return ProcessReadOutcome.Denied;
        }
        catch (IOException)
        {
            // ESRCH surfaces as a plain IOException when the process exits between open and read.
            return ProcessReadOutcome.Vanished;
        }

        string? name = null;
        int? ppid = null;
        int? uid = null;
        foreach (string line in BoundedText.SplitLines(status, 256, 4096, out _, out _))
        {
            if (line.StartsWith("Name:", StringComparison.Ordinal))
            {
                name = line[5..].Trim();
            }
            else if (line.StartsWith("PPid:", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int parsedPpid))
            {
                ppid = parsedPpid;
            }
            else if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                // "Uid: real effective saved fs": the real uid owns the process.
                string[] ids = line[4..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                if (ids.Length > 0 && int.TryParse(ids[0], NumberStyles.None, CultureInfo.InvariantCulture, out int parsedUid))
                {
                    uid = parsedUid;
                }
            }
        }

        bool partial = false;
        string? exe = TryReadLink(Path.Combine(dir, "exe"), ref partial);
        string? cwd = TryReadLink(Path.Combine(dir, "cwd"), ref partial);
        IReadOnlyList<string> argv = ReadArgv(Path.Combine(dir, "cmdline"), ref partial);
        var sockets = new List<long>();
        var devices = new List<string>();
        var drm = new List<DrmClientInfo>();
        ReadFds(dir, sockets, devices, drm, ref partial);

        process = new ProcessInfo
        {
            Pid = pid,
            ParentPid = ppid,
            Uid = uid,
            User = uid is int u && users.TryGetValue(u, out string? user) ? user : null,
            Name = BoundedText.Clip(name ?? string.Empty, 256),
            Executable = exe,
            WorkingDirectory = cwd,
            Argv = argv,
            SocketInodes = sockets,
            GpuDevices = devices,
            DrmClients = drm,
            PartiallyReadable = partial,
        };
        return ProcessReadOutcome.Read;
    }

    private static string? TryReadLink(string path, ref bool denied)
    {
        try
        {
            string? target = new FileInfo(path).LinkTarget;
            return target is null ? null : BoundedText.Clip(target, MaxArgLength);
        }
        catch (UnauthorizedAccessException)
        {
            // Other users' exe/cwd links are unreadable without CAP_SYS_PTRACE: unknown, not an error.
            denied = true;
            return null;
        }
        catch (IOException)
        {
            // Kernel threads have no exe; a process may have just exited.
            return null;
        }
    }

    private static List<string> ReadArgv(string path, ref bool denied)
    {
        byte[] raw;
        try
        {
            raw = BoundedText.ReadBytes(path, MaxCmdlineBytes, out _);
        }
        catch (UnauthorizedAccessException)
        {
            denied = true;
            return [];
        }
        catch (IOException)
        {
            return [];
        }
        var argv = new List<string>();
        int start = 0;
        while (start < raw.Length && argv.Count < MaxArgs)
        {
            int end = Array.IndexOf(raw, (byte)0, start);
            if (end < 0)
            {
                end = raw.Length;
            }
            argv.Add(BoundedText.Clip(Encoding.UTF8.GetString(raw, start, end - start), MaxArgLength));
            start = end + 1;
        }
        return argv;
    }

    private static void ReadFds(string dir, List<long> sockets, List<string> devices, List<DrmClientInfo> drm, ref bool denied)
    {
        string fdDir = Path.Combine(dir, "fd");
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(fdDir);
        }
        catch (UnauthorizedAccessException)
        {
            denied = true;
            return;
        }
        catch (IOException)
        {
            return;
        }

        var seenClients = new HashSet<string>(StringComparer.Ordinal);
        int count = 0;
        try
        {
            foreach (string entry in entries)
            {
                if (++count > MaxFdsPerProcess)
                {
                    break;
                }
                string? target;
                try
                {
                    target = new FileInfo(entry).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                if (target is null)
                {
                    continue;
                }
                if (TryParseSocketInode(target, out long inode))
                {
                    sockets.Add(inode);
                    continue;
                }
                if (!IsGpuDevice(target))
                {
                    continue;
                }
                if (!devices.Contains(target, StringComparer.Ordinal))
                {
                    devices.Add(target);
                }
                if (drm.Count < MaxDrmClientsPerProcess && target.StartsWith("/dev/dri/", StringComparison.Ordinal))
                {
                    DrmClientInfo? client = TryReadDrmFdinfo(Path.Combine(dir, "fdinfo", Path.GetFileName(entry)));
                    // Several fds can share one DRM client; count its memory once (drm-usage-stats.rst, drm-client-id).
                    if (client is not null && seenClients.Add(client.ClientId ?? $"fd:{Path.GetFileName(entry)}"))
                    {
                        drm.Add(client);
                    }
                }
            }
        }
        catch (UnauthorizedAccessException)
        {
            denied = true;
        }
        catch (IOException)
        {
            // The fd directory vanished with its process mid-enumeration.
        }
    }

    private static DrmClientInfo? TryReadDrmFdinfo(string path)
    {
        try
        {
            return DrmFdinfo.Parse(BoundedText.ReadText(path, DrmFdinfo.MaxBytes, out _));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static bool TryParseSocketInode(string target, out long inode)
    {
        inode = 0;
        return target.StartsWith("socket:[", StringComparison.Ordinal)
            && target.EndsWith(']')
            && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out inode);
    }

    /// <summary>Device nodes of accelerators (discovery.md §4): NVIDIA, DRM render nodes, ROCm KFD, compute accelerators (NPUs).</summary>
    internal static bool IsGpuDevice(string target) =>
        target.StartsWith("/dev/nvidia", StringComparison.Ordinal)
        || target.StartsWith("/dev/dri/renderD", StringComparison.Ordinal)
        || target == "/dev/kfd"
        || target.StartsWith("/dev/accel/", StringComparison.Ordinal);

    /// <summary>uid → user name from a passwd file; empty when it cannot be read.</summary>
    internal static IReadOnlyDictionary<int, string> ReadPasswd(string passwdPath)
    {
        var users = new Dictionary<int, string>();
        string text;
        try
        {
            text = BoundedText.ReadText(passwdPath, MaxPasswdBytes, out _);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return users;
        }
        foreach (string line in BoundedText.SplitLines(text, 100_000, 4096, out _, out _))
        {
            string[] fields = line.Split(':');
            if (fields.Length >= 3 && fields[0].Length is > 0 and <= 256
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out int uid))
            {
                users.TryAdd(uid, fields[0]);
            }
        }
        return users;
    }
}
