namespace Lantern.Discovery.Host;

/// <summary>One process as read from <c>/proc/&lt;pid&gt;</c>. Anything that could not be read is null or empty.</summary>
internal sealed record ProcessInfo
{
    public required int Pid { get; init; }
    public int? ParentPid { get; init; }
    public int? Uid { get; init; }
    public string? User { get; init; }

    /// <summary>The kernel's <c>comm</c> (status <c>Name:</c>), at most 15 characters.</summary>
    public required string Name { get; init; }

    /// <summary>Target of <c>/proc/&lt;pid&gt;/exe</c>; null when it could not be read (often other users' processes).</summary>
    public string? Executable { get; init; }

    /// <summary>Target of <c>/proc/&lt;pid&gt;/cwd</c>, when readable.</summary>
    public string? WorkingDirectory { get; init; }

    public IReadOnlyList<string> Argv { get; init; } = [];
    public IReadOnlyList<long> SocketInodes { get; init; } = [];

    /// <summary>Accelerator device nodes the process holds open (<c>/dev/nvidia0</c>, <c>/dev/dri/renderD128</c>…).</summary>
    public IReadOnlyList<string> GpuDevices { get; init; } = [];

    /// <summary>DRM clients from <c>fdinfo</c> of the process's DRM fds.</summary>
    public IReadOnlyList<DrmClientInfo> DrmClients { get; init; } = [];

    /// <summary>Only the allow-listed variables of <see cref="ProcessTable.EnvironmentKeys"/>; empty until read.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when some of this process's files (fd, exe, cmdline) were denied to us.</summary>
    public bool PartiallyReadable { get; init; }
}

/// <summary>All processes read in one pass, with the index from socket inode to owning pid.</summary>
internal sealed record ProcessTableSnapshot
{
    public static ProcessTableSnapshot Empty { get; } = new();

    public IReadOnlyDictionary<int, ProcessInfo> ByPid { get; init; } = new Dictionary<int, ProcessInfo>();

    /// <summary>Socket inode → pid. A socket shared by several processes maps to the lowest pid (the parent, usually).</summary>
    public IReadOnlyDictionary<long, int> PidBySocketInode { get; init; } = new Dictionary<long, int>();

    /// <summary>Processes (or parts of them) we were not allowed to read: counted, because it is normal for a non-root scan.</summary>
    public int PermissionDenied { get; init; }

    /// <summary>Processes that exited while we read them: normal, counted for diagnostics only.</summary>
    public int Vanished { get; init; }

    /// <summary>True when the process count hit <see cref="ProcessTable.MaxProcesses"/>.</summary>
    public bool Truncated { get; init; }

    public ProcessInfo? Find(int pid) => ByPid.TryGetValue(pid, out ProcessInfo? p) ? p : null;
}
