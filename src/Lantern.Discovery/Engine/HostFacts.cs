using Lantern.Core.Model;
using Lantern.Discovery.Host;

namespace Lantern.Discovery.Engine;

/// <summary>What the live host adds to the inventory: servers, processes, GPU use.</summary>
internal sealed record HostFacts(
    IReadOnlyList<InferenceServer> Servers,
    IReadOnlyList<InferenceProcess> Processes,
    GpuSummary? Gpu,
    IReadOnlyList<ScanProblem> Problems,
    IReadOnlyDictionary<string, string> ProbedVersions)
{
    public static HostFacts None { get; } = new([], [], null, [], new Dictionary<string, string>());

    public static async Task<HostFacts> InspectAsync(ScanOptions options, CancellationToken cancellation)
    {
        options.Progress?.Report(new ScanProgress("host", 0, 0, "sockets, processes, GPUs"));
        HostInspection inspection = await HostInspector.InspectAsync(
            new HostInspectionOptions { ProcRoot = options.ProcRoot, Probe = options.ProbeServers },
            cancellation).ConfigureAwait(false);
        return new HostFacts(inspection.Servers, inspection.Processes, inspection.Gpu, inspection.Problems, inspection.ProbedVersions);
    }

    /// <summary>Adds listening endpoints and server-reported versions to the runtimes found on disk.</summary>
    public static List<RuntimeInstall> MergeIntoRuntimes(List<RuntimeInstall> runtimes, HostFacts host)
    {
        var result = new List<RuntimeInstall>(runtimes.Count);
        foreach (RuntimeInstall runtime in runtimes)
        {
            var listening = host.Servers.Where(s => s.Runtime == runtime.Id).Select(s => $"{s.Address}:{s.Port}").ToList();
            RuntimeInstall merged = runtime;
            if (listening.Count > 0)
            {
                merged = merged with { Listening = runtime.Listening.Concat(listening).Distinct(StringComparer.Ordinal).ToList() };
            }
            if (merged.Version is null && host.ProbedVersions.TryGetValue(runtime.Id, out string? version))
            {
                merged = merged with { Version = version, VersionSource = "server" };
            }
            result.Add(merged);
        }
        // A server whose runtime has no install on disk (a container, a binary elsewhere) is still a runtime.
        foreach (var group in host.Servers.Where(s => s.Runtime is not null).GroupBy(s => s.Runtime!, StringComparer.Ordinal))
        {
            if (result.Any(r => r.Id == group.Key))
            {
                continue;
            }
            InferenceServer first = group.First();
            result.Add(new RuntimeInstall
            {
                Id = group.Key,
                Name = group.Key,
                Version = first.Version,
                VersionSource = first.Version is null ? null : "server",
                Listening = group.Select(s => $"{s.Address}:{s.Port}").ToList(),
                Executable = first.ProcessName,
            });
        }
        return result;
    }
}
