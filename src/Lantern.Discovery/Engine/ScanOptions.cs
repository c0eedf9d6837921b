namespace Lantern.Discovery.Engine;

/// <summary>Knobs of one scan, as the CLI flags set them.</summary>
public sealed record ScanOptions
{
    /// <summary>Extra sweep roots (<c>--path</c>).</summary>
    public IReadOnlyList<string> ExtraRoots { get; init; } = [];

    /// <summary>Sweep the homes completely for model files by content (default on).</summary>
    public bool SweepHomes { get; init; } = true;

    /// <summary>Wall-clock budget for the sweep (<c>--time-budget</c>).</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Compute SHA-256 identities (off with <c>--no-hash</c>).</summary>
    public bool Hash { get; init; } = true;

    /// <summary>Re-hash blobs the runtime names by digest and compare (<c>--verify-digests</c>).</summary>
    public bool VerifyDigests { get; init; }

    /// <summary>Digest cache file; null keeps the cache in memory only.</summary>
    public string? DigestCachePath { get; init; }

    /// <summary>Run runtime binaries with their version flag.</summary>
    public bool RunBinaries { get; init; } = true;

    /// <summary>Time allowed for one binary's version flag.</summary>
    public TimeSpan VersionTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Time allowed for one detector.</summary>
    public TimeSpan DetectorBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Inspect sockets, processes and GPUs of this host (off for fixture scans in tests).</summary>
    public bool InspectHost { get; init; } = true;

    /// <summary>Probe loopback listeners over HTTP to identify inference servers.</summary>
    public bool ProbeServers { get; init; } = true;

    /// <summary>Where /proc lives (tests point it at a fixture).</summary>
    public string ProcRoot { get; init; } = "/proc";

    /// <summary>The user's cache directory for the digest cache (XDG on Linux, Library/Caches on macOS, LocalAppData on Windows).</summary>
    public static string DefaultDigestCachePath()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Lantern", "Cache", "digests-v1.tsv");
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(home, "Library", "Caches", "Lantern", "digests-v1.tsv");
        }
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "lantern", "digests-v1.tsv");
    }

    /// <summary>Progress reports for a terminal display; null on a pipe.</summary>
    public IProgress<ScanProgress>? Progress { get; init; }
}

/// <summary>A progress tick: the phase and how far it got.</summary>
public sealed record ScanProgress(string Phase, long Done, long Total, string? Current = null);
