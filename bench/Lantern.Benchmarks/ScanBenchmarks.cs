using BenchmarkDotNet.Attributes;
using Lantern.Core.Model;
using Lantern.Discovery;
using Lantern.Discovery.Engine;

namespace Lantern.Benchmarks;

/// <summary>
/// The scan itself, without process start-up: a first scan of 1 GiB of model files (hashing) against
/// a re-scan that finds every digest in the cache (target ≥ 10× faster).
/// </summary>
public class ScanBenchmarks
{
    private string _root = string.Empty;
    private string _cache = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "lantern-scan-bench");
        _cache = Path.Combine(_root, "cache", "digests.tsv");
        string models = Path.Combine(_root, "models");
        if (!Directory.Exists(models))
        {
            TreeGenerator.GenerateModels(models, 1024);
        }
        DropCache();
        Scan(); // leaves a warm cache behind for the warm benchmark
    }

    [IterationSetup(Target = nameof(FirstScanCold))]
    public void DropCache()
    {
        if (File.Exists(_cache))
        {
            File.Delete(_cache);
        }
    }

    [Benchmark(Baseline = true)]
    public Inventory FirstScanCold() => Scan();

    [Benchmark]
    public Inventory RescanWarm() => Scan();

    private Inventory Scan()
    {
        var options = new ScanOptions
        {
            SweepHomes = false,
            InspectHost = false,
            RunBinaries = false,
            ExtraRoots = [Path.Combine(_root, "models")],
            DigestCachePath = _cache,
        };
        var environment = new ScanEnvironment(HostOs.Linux, [], new Dictionary<string, string>(), [Path.Combine(_root, "no-system")]);
        return new DiscoveryEngine(DetectorRegistry.All, options).ScanAsync(environment, CancellationToken.None).GetAwaiter().GetResult();
    }
}
