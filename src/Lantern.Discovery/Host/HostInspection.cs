using Lantern.Core.Model;

namespace Lantern.Discovery.Host;

/// <summary>What <see cref="HostInspector"/> looks at and how hard. Every root can point at a fake tree.</summary>
public sealed record HostInspectionOptions
{
    /// <summary>
    /// Well-known inference ports (discovery.md §1, §3). A listener on one of these, or owned by a
    /// recognised inference process, is examined; 50052 (llama.cpp RPC) is binary and never HTTP-probed.
    /// </summary>
    public static IReadOnlySet<int> DefaultKnownPorts { get; } = new HashSet<int>
    {
        11434, 1234, 8080, 9931, 8000, 5001, 4891, 1337, 6767, 5000, 7860, 3000, 3001, 12434, 30000, 5273, 50052,
    };

    /// <summary>Ports that speak a binary protocol: identified from the owning process only.</summary>
    public static IReadOnlySet<int> NeverProbePorts { get; } = new HashSet<int> { 50052 };

    /// <summary>procfs root; null means <c>/proc</c> on Linux and the portable (owner-less) listener API elsewhere.</summary>
    public string? ProcRoot { get; init; }

    public string PasswdPath { get; init; } = "/etc/passwd";
    public string DevRoot { get; init; } = "/dev";
    public string SysRoot { get; init; } = "/sys";

    /// <summary>Ask loopback listeners what they are. Off: classify from processes and ports only.</summary>
    public bool Probe { get; init; } = true;

    public TimeSpan ProbeRequestTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Probes running at once; each is bounded, this bounds the sockets we open together.</summary>
    public int MaxConcurrentProbes { get; init; } = 4;

    public IReadOnlySet<int> KnownPorts { get; init; } = DefaultKnownPorts;

    public bool InspectGpu { get; init; } = true;
    public bool RunNvidiaSmi { get; init; } = true;
    public string? NvidiaSmiPath { get; init; }
    public TimeSpan NvidiaSmiTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Listening inference servers, inference processes and accelerators of this host.</summary>
public sealed record HostInspection
{
    public IReadOnlyList<InferenceServer> Servers { get; init; } = [];

    /// <summary>Only processes classified as an inference runtime, with their GPU use.</summary>
    public IReadOnlyList<InferenceProcess> Processes { get; init; } = [];

    public required GpuSummary Gpu { get; init; }
    public IReadOnlyList<ScanProblem> Problems { get; init; } = [];

    /// <summary>Runtime id → version a server reported about itself (<c>/api/version</c>, <c>/props</c>…), for the runtime detectors.</summary>
    public IReadOnlyDictionary<string, string> ProbedVersions { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Runtime id → executables of its running processes, for the runtime detectors.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExecutablesByRuntime { get; init; } = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// pid → the allow-listed environment of inference processes (<c>OLLAMA_HOST</c>, <c>OLLAMA_ORIGINS</c>,
    /// <c>OLLAMA_MODELS</c>, <c>HF_HOME</c>, <c>LLAMA_CACHE</c>); nothing else is ever read into memory as text.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> ProcessEnvironment { get; init; } = new SortedDictionary<int, IReadOnlyDictionary<string, string>>();

    /// <summary>Processes (or parts of them) the scan was not allowed to read: normal without root, so counted rather than reported.</summary>
    public int ProcessesNotReadable { get; init; }

    /// <summary>All TCP listeners seen, inference or not.</summary>
    public int ListenersSeen { get; init; }
}
