using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using Lantern.Core.Model;

namespace Lantern.Discovery.Host;

/// <summary>
/// Ties the host view together: listeners → owning process (socket inode) → runtime; loopback probes;
/// bind scope and exposure; inference processes with their GPU use (discovery.md §3, §4).
/// </summary>
public static class HostInspector
{
    private const string ProblemSource = "host";

    // A handful of inference processes is normal; the cap stops a fork bomb from growing the report.
    internal const int MaxInferenceProcesses = 1024;
    internal const int MaxServers = 1024;

    public static async Task<HostInspection> InspectAsync(HostInspectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ScanProblem>();
        bool procfs = options.ProcRoot is not null || OperatingSystem.IsLinux();
        string procRoot = options.ProcRoot ?? "/proc";

        IReadOnlyList<ListeningSocket> listeners = ReadListeners(procfs, procRoot, problems);
        ProcessTableSnapshot processes = procfs ? ReadProcesses(procRoot, options.PasswdPath, problems) : ProcessTableSnapshot.Empty;
        if (!procfs)
        {
            problems.Add(new ScanProblem
            {
                Subject = "host",
                Code = ProblemCodes.Unsupported,
                Message = $"Per-process attribution (listener owners, command lines, per-process GPU use) is implemented for Linux only; on {Environment.OSVersion.Platform} listeners are reported without owners.",
                Source = ProblemSource,
            });
        }

        // Classify every process once; ancestry lookups read the same snapshot.
        var runtimeByPid = new Dictionary<int, string>();
        foreach (ProcessInfo process in processes.ByPid.Values)
        {
            if (InferenceProcessClassifier.Classify(process, processes) is string runtime)
            {
                runtimeByPid[process.Pid] = runtime;
            }
        }

        List<InferenceServer> servers = await InspectListenersAsync(options, listeners, processes, runtimeByPid, problems, cancellationToken).ConfigureAwait(false);

        GpuInspection gpu;
        if (options.InspectGpu)
        {
            gpu = await GpuInspector.InspectAsync(new GpuInspectionOptions
            {
                ProcRoot = procRoot,
                DevRoot = options.DevRoot,
                SysRoot = options.SysRoot,
                LinuxDeviceTree = procfs,
                RunNvidiaSmi = options.RunNvidiaSmi,
                NvidiaSmiPath = options.NvidiaSmiPath,
                NvidiaSmiTimeout = options.NvidiaSmiTimeout,
            }, processes, cancellationToken).ConfigureAwait(false);
            problems.AddRange(gpu.Problems);
        }
        else
        {
            gpu = new GpuInspection(new GpuSummary { State = GpuInspector.StateUnknown, Note = "GPU inspection was turned off." }, new Dictionary<int, IReadOnlyList<GpuUse>>(), []);
        }

        var inferenceProcesses = new List<InferenceProcess>();
        var environments = new SortedDictionary<int, IReadOnlyDictionary<string, string>>();
        var executables = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach ((int pid, string runtime) in runtimeByPid.OrderBy(p => p.Key))
        {
            if (inferenceProcesses.Count >= MaxInferenceProcesses)
            {
                problems.Add(new ScanProblem { Subject = "host", Code = ProblemCodes.OverLimit, Message = $"More than {MaxInferenceProcesses} inference processes; the rest are not listed.", Source = ProblemSource });
                break;
            }
            ProcessInfo process = processes.ByPid[pid];
            inferenceProcesses.Add(InferenceProcessClassifier.ToInferenceProcess(process, runtime, gpu.ForPid(pid)));
            IReadOnlyDictionary<string, string> environment = ProcessTable.ReadSelectedEnvironment(procRoot, pid);
            if (environment.Count > 0)
            {
                environments[pid] = environment;
            }
            if (process.Executable is string exe)
            {
                if (!executables.TryGetValue(runtime, out SortedSet<string>? set))
                {
                    set = new SortedSet<string>(StringComparer.Ordinal);
                    executables[runtime] = set;
                }
                set.Add(exe);
            }
        }

        var probedVersions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (InferenceServer server in servers)
        {
            if (server.Runtime is string runtime && server.Version is string version && server.IdentifiedBy is not ("process" or "port"))
            {
                probedVersions.TryAdd(runtime, version);
            }
        }
        var executablesByRuntime = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach ((string runtime, SortedSet<string> set) in executables)
        {
            executablesByRuntime[runtime] = [.. set];
        }

        return new HostInspection
        {
            Servers = servers,
            Processes = inferenceProcesses,
            Gpu = gpu.Summary,
            Problems = problems,
            ProbedVersions = probedVersions,
            ExecutablesByRuntime = executablesByRuntime,
            ProcessEnvironment = environments,
            ProcessesNotReadable = processes.PermissionDenied,
            ListenersSeen = listeners.Count,
        };
    }

    private static IReadOnlyList<ListeningSocket> ReadListeners(bool procfs, string procRoot, List<ScanProblem> problems)
    {
        try
        {
            if (!procfs)
            {
                return ListeningSocketReader.ReadPortable();
            }
            IReadOnlyList<ListeningSocket> sockets = ListeningSocketReader.ReadLinux(procRoot, out int rejected);
            if (rejected > 0)
            {
                problems.Add(new ScanProblem
                {
                    Subject = Path.Combine(procRoot, "net", "tcp"),
                    Code = ProblemCodes.Malformed,
                    Message = $"{rejected.ToString(CultureInfo.InvariantCulture)} line(s) of the TCP socket table could not be read.",
                    Source = ProblemSource,
                });
            }
            return sockets;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NetworkInformationException or PlatformNotSupportedException)
        {
            problems.Add(new ScanProblem { Subject = procfs ? Path.Combine(procRoot, "net", "tcp") : "tcp-listeners", Code = ProblemCodes.Unreadable, Message = $"Listening sockets could not be read: {e.Message}", Source = ProblemSource });
            return [];
        }
    }

    private static ProcessTableSnapshot ReadProcesses(string procRoot, string passwdPath, List<ScanProblem> problems)
    {
        try
        {
            ProcessTableSnapshot snapshot = ProcessTable.ReadLinux(procRoot, passwdPath);
            if (snapshot.Truncated)
            {
                problems.Add(new ScanProblem { Subject = procRoot, Code = ProblemCodes.OverLimit, Message = $"More than {ProcessTable.MaxProcesses} processes; the rest were not read.", Source = ProblemSource });
            }
            return snapshot;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ScanProblem { Subject = procRoot, Code = ProblemCodes.Unreadable, Message = $"The process table could not be read: {e.Message}", Source = ProblemSource });
            return ProcessTableSnapshot.Empty;
        }
    }

    private sealed record Candidate(ListeningSocket Socket, ProcessInfo? Owner, string? ProcessRuntime, IPAddress? ProbeTarget);

    private static async Task<List<InferenceServer>> InspectListenersAsync(HostInspectionOptions options, IReadOnlyList<ListeningSocket> listeners,
        ProcessTableSnapshot processes, Dictionary<int, string> runtimeByPid, List<ScanProblem> problems, CancellationToken cancellationToken)
    {
        var candidates = new List<Candidate>();
        var seen = new HashSet<(IPAddress, int)>();
        foreach (ListeningSocket socket in listeners)
        {
            if (!seen.Add((socket.Address, socket.Port)))
            {
                continue;
            }
            ProcessInfo? owner = socket.Inode is long inode && processes.PidBySocketInode.TryGetValue(inode, out int pid) ? processes.Find(pid) : null;
            string? processRuntime = owner is not null && runtimeByPid.TryGetValue(owner.Pid, out string? r) ? r : null;
            if (processRuntime is null && !options.KnownPorts.Contains(socket.Port))
            {
                continue;
            }
            if (candidates.Count >= MaxServers)
            {
                problems.Add(new ScanProblem { Subject = "host", Code = ProblemCodes.OverLimit, Message = $"More than {MaxServers} candidate listeners; the rest were not examined.", Source = ProblemSource });
                break;
            }
            candidates.Add(new Candidate(socket, owner, processRuntime, options.Probe ? ProbeTargetFor(socket) : null));
        }

        var results = new ProbeResult?[candidates.Count];
        using (var prober = new ServerProber(new ServerProberOptions { ConnectTimeout = options.ProbeRequestTimeout, RequestTimeout = options.ProbeRequestTimeout }))
        using (var gate = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentProbes)))
        {
            var tasks = new List<Task>();
            for (int i = 0; i < candidates.Count; i++)
            {
                if (candidates[i].ProbeTarget is not IPAddress target)
                {
                    continue;
                }
                int index = i;
                tasks.Add(ProbeOneAsync(prober, gate, target, candidates[i].Socket.Port, result => results[index] = result, cancellationToken));
            }
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        var servers = new List<InferenceServer>();
        for (int i = 0; i < candidates.Count; i++)
        {
            Candidate candidate = candidates[i];
            ProbeResult? probe = results[i];
            if (probe is not null)
            {
                problems.AddRange(probe.Problems);
            }
            InferenceServer? server = ToServer(candidate, probe);
            if (server is not null)
            {
                servers.Add(server);
            }
        }
        return servers;
    }

    private static async Task ProbeOneAsync(ServerProber prober, SemaphoreSlim gate, IPAddress target, int port, Action<ProbeResult> store, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            store(await prober.ProbeAsync(target, port, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Loopback listeners are probed where they are; wildcards through loopback of the same family; a
    /// specific non-loopback address is never sent traffic (discovery.md §0.2) and is judged by its owner.
    /// Binary-protocol ports are never probed.
    /// </summary>
    internal static IPAddress? ProbeTargetFor(ListeningSocket socket)
    {
        if (HostInspectionOptions.NeverProbePorts.Contains(socket.Port))
        {
            return null;
        }
        return socket.BindScope switch
        {
            BindScopes.Loopback => socket.Address.IsIPv4MappedToIPv6 ? socket.Address.MapToIPv4() : socket.Address,
            BindScopes.Wildcard => socket.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !socket.Address.IsIPv4MappedToIPv6
                ? IPAddress.IPv6Loopback
                : IPAddress.Loopback,
            _ => null,
        };
    }

    /// <summary>Runtimes whose protocol others emulate or embed: the owning process then names the real runtime.</summary>
    private static readonly HashSet<string> EmulatedProtocols = new(StringComparer.Ordinal)
    {
        RuntimeIds.Ollama, RuntimeIds.LlamaCpp, RuntimeIds.OpenAiCompatible,
    };

    internal static InferenceServer? ToServer(ListeningSocket socket, ProcessInfo? owner, string? processRuntime, ProbeResult? probe) =>
        ToServer(new Candidate(socket, owner, processRuntime, null), probe);

    private static InferenceServer? ToServer(Candidate candidate, ProbeResult? probe)
    {
        string? runtime;
        string? version = null;
        string? identifiedBy;
        if (probe?.Runtime is string probed)
        {
            if (candidate.ProcessRuntime is string owned && owned != probed && EmulatedProtocols.Contains(probed))
            {
                // e.g. Ollama's own llama-server child, Msty answering Ollama's API: the owner is the runtime, and
                // the version the protocol reported is the embedded engine's, not the owner's.
                runtime = owned;
                identifiedBy = $"process ({probe.IdentifiedBy} answered as {probed})";
            }
            else
            {
                runtime = probed;
                version = probe.Version;
                identifiedBy = probe.IdentifiedBy;
            }
        }
        else if (candidate.ProcessRuntime is string owned)
        {
            runtime = owned;
            identifiedBy = "process";
        }
        else if (probe is not null && probe.Answered)
        {
            // It spoke HTTP on a well-known port and named no runtime we know: not an inference server.
            return null;
        }
        else
        {
            runtime = null;
            identifiedBy = "port";
        }

        string scope = candidate.Socket.BindScope;
        bool? unauthenticated = probe?.Answered == true ? probe.Unauthenticated : null;
        return new InferenceServer
        {
            Address = candidate.Socket.Address.ToString(),
            Port = candidate.Socket.Port,
            BindScope = scope,
            Runtime = runtime,
            Version = version,
            IdentifiedBy = identifiedBy,
            Pid = candidate.Owner?.Pid,
            ProcessName = candidate.Owner?.Name,
            Unauthenticated = unauthenticated,
            ExposedBeyondLoopback = scope != BindScopes.Loopback && unauthenticated != false,
            Models = probe?.Models ?? [],
        };
    }
}
