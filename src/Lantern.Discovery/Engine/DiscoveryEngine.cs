using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Lantern.Core.Model;
using Lantern.Formats.Sniffing;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Runs a scan: detectors say where runtimes keep things, the sweep finds model files by
/// content, headers and digests are read, host inspection adds servers and processes, and it
/// all comes back as one <see cref="Inventory"/>. Every failure becomes a <see cref="ScanProblem"/>.
/// </summary>
public sealed partial class DiscoveryEngine
{
    private readonly IReadOnlyList<IRuntimeDetector> _detectors;
    private readonly ScanOptions _options;

    public DiscoveryEngine(IReadOnlyList<IRuntimeDetector> detectors, ScanOptions options)
    {
        _detectors = detectors;
        _options = options;
    }

    public async Task<Inventory> ScanAsync(ScanEnvironment environment, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var clock = Stopwatch.StartNew();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        var problems = new List<ScanProblem>();
        var runtimes = new List<RuntimeInstall>();
        var claims = new List<ArtifactClaim>();
        var stores = new List<ModelStore>();

        // 1. Detectors: installs, stores and claims from each runtime's own layout.
        var versionProbe = new VersionProbe(_options.VersionTimeout, _options.RunBinaries);
        int index = 0;
        foreach (IRuntimeDetector detector in _detectors)
        {
            _options.Progress?.Report(new ScanProgress("detectors", index++, _detectors.Count, detector.DisplayName));
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            budget.CancelAfter(_options.DetectorBudget);
            var context = new DetectorContext(detector, environment, versionProbe, budget.Token);
            try
            {
                detector.Detect(context);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                context.AddProblem(detector.Id, ProblemCodes.Timeout, $"Detector '{detector.Id}' ran past its {_options.DetectorBudget.TotalSeconds:0} s budget; its results may be partial.");
            }
#pragma warning disable CA1031 // A detector's bug must cost its own results only, never the scan (STYLE.md, Errors).
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                context.AddProblem(detector.Id, ProblemCodes.DetectorFailed, $"Detector '{detector.Id}' failed: {ex.GetType().Name}: {ex.Message}");
            }
            runtimes.AddRange(context.Runtimes);
            claims.AddRange(context.Claims);
            stores.AddRange(context.Stores);
            problems.AddRange(context.Problems);
        }

        // 2. Sweep homes, stores and --path roots by content.
        var roots = new List<string>();
        if (_options.SweepHomes)
        {
            roots.AddRange(environment.Homes.Select(h => h.Path));
        }
        roots.AddRange(stores.Select(s => s.Root));
        roots.AddRange(_options.ExtraRoots);
        var orderedRoots = roots.Select(FileSweeper.RealPath).Distinct(StringComparer.Ordinal).OrderBy(r => r.Length).ToList();
        var pythonDistributions = BuildDistributionIndex();
        var sweeper = new FileSweeper(MountTable.PseudoMountPoints(_options.ProcRoot), name => IsDistInfo(name, pythonDistributions), clock, _options.TimeBudget);
        _options.Progress?.Report(new ScanProgress("sweep", 0, orderedRoots.Count));
        SweepResult sweep = sweeper.Sweep(orderedRoots, cancellation);
        problems.AddRange(sweep.Problems);

        // 3. Python distributions seen during the sweep are installs too.
        runtimes.AddRange(RuntimesFromDistInfo(sweep.InterestingDirectories, pythonDistributions));

        // 4. Artifacts: merge claims and swept files by real path, read headers, hash.
        var builder = new ArtifactAssembler(_options, stores, problems);
        List<ModelArtifact> artifacts = builder.Assemble(claims, sweep.Candidates.OrderBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.LinkedFrom, StringComparer.Ordinal).ToList(), cancellation, out long bytesHashed, out long cacheHits);

        // 5. The live host: sockets, processes, GPUs, servers.
        HostFacts host = _options.InspectHost
            ? await HostFacts.InspectAsync(_options, cancellation).ConfigureAwait(false)
            : HostFacts.None;
        problems.AddRange(host.Problems);
        runtimes = HostFacts.MergeIntoRuntimes(runtimes, host);

        return new Inventory
        {
            Host = Environment.MachineName,
            User = environment.Homes.Where(h => h.IsCurrentUser).Select(h => h.User).FirstOrDefault() ?? Environment.UserName,
            ScannedAt = startedAt,
            Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            LanternVersion = typeof(DiscoveryEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0],
            Complete = problems.Count == 0,
            Runtimes = runtimes.OrderBy(r => r.Id, StringComparer.Ordinal).ThenBy(r => r.Executable ?? (r.Paths.Count > 0 ? r.Paths[0].Path : null), StringComparer.Ordinal).ToList(),
            Artifacts = artifacts,
            Servers = host.Servers,
            Processes = host.Processes,
            Gpu = host.Gpu,
            Problems = problems.OrderBy(p => p.Code, StringComparer.Ordinal).ThenBy(p => p.Subject, StringComparer.Ordinal).ToList(),
            Stats = new ScanStats
            {
                Roots = orderedRoots,
                FilesSeen = sweep.FilesSeen,
                DirectoriesSeen = sweep.DirectoriesSeen,
                BytesHashed = bytesHashed,
                DigestCacheHits = cacheHits,
                DurationMs = clock.ElapsedMilliseconds,
            },
        };
    }

    private Dictionary<string, IRuntimeDetector> BuildDistributionIndex()
    {
        var index = new Dictionary<string, IRuntimeDetector>(StringComparer.Ordinal);
        foreach (IRuntimeDetector detector in _detectors)
        {
            foreach (string dist in detector.PythonDistributions)
            {
                index[dist] = detector;
            }
        }
        return index;
    }

    /// <summary><c>vllm-0.8.4.dist-info</c> → ("vllm", "0.8.4"). Names are normalised per PEP 503/427.</summary>
    private static (string Name, string Version)? ParseDistInfo(string directoryName)
    {
        Match match = DistInfoPattern().Match(directoryName);
        if (!match.Success)
        {
            return null;
        }
        string name = match.Groups["name"].Value.ToLowerInvariant().Replace('-', '_').Replace('.', '_');
        return (name, match.Groups["version"].Value);
    }

    private static bool IsDistInfo(string name, Dictionary<string, IRuntimeDetector> index) =>
        name.EndsWith(".dist-info", StringComparison.Ordinal) && ParseDistInfo(name) is { } parsed && index.ContainsKey(parsed.Name);

    private static IEnumerable<RuntimeInstall> RuntimesFromDistInfo(IEnumerable<string> directories, Dictionary<string, IRuntimeDetector> index)
    {
        foreach (string dir in directories.Order(StringComparer.Ordinal))
        {
            if (ParseDistInfo(Path.GetFileName(dir)) is not { } parsed || !index.TryGetValue(parsed.Name, out IRuntimeDetector? detector))
            {
                continue;
            }
            string sitePackages = Path.GetDirectoryName(dir)!;
            yield return new RuntimeInstall
            {
                Id = detector.Id,
                Name = detector.DisplayName,
                Version = parsed.Version,
                VersionSource = "dist-info",
                Paths = [new RuntimePath("package", dir), new RuntimePath("site-packages", sitePackages)],
                Properties = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["python.distribution"] = parsed.Name },
            };
        }
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9][A-Za-z0-9._-]*?)-(?<version>[0-9][A-Za-z0-9.+!_-]*)\.dist-info$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex DistInfoPattern();
}
