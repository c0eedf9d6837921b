using Lantern.NetLog.Attribution;

namespace Lantern.NetLog.Analysis;

/// <summary>Options of <see cref="NetLogAnalyzer"/>; the limits keep memory flat on 90 days of logs (docs/netlog.md, "Joins and windows").</summary>
public sealed record NetLogAnalysisOptions
{
    /// <summary>Records before this time are dropped (inclusive bound); records without time are kept.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Records at or after this time are dropped (exclusive bound); records without time are kept.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>IP → hostname/user over time, for records whose proxy logged no user (and for every hostname).</summary>
    public AttributionTable? Attribution { get; init; }

    /// <summary>
    /// Largest gap between two records of one download that still joins them. Squid logs a transfer when it
    /// ends, so the CDN 200 of a 20 GB file arrives long after its 302: two hours covers ~3 MB/s.
    /// </summary>
    public TimeSpan JoinWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Open joins kept at once; past it the least recently touched quarter is closed (each is well under 4 KiB).</summary>
    public int MaxOpenJoins { get; init; } = 20_000;

    /// <summary>Tunnels to one hub host from one client closer together than this form one hub transfer (10 min).</summary>
    public TimeSpan TransferIdleWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>An installer's redirect and its asset download are joined within this time (30 min).</summary>
    public TimeSpan RuntimeJoinWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Acquisitions kept in the report; a crafted log cannot grow it without bound.</summary>
    public int MaxAcquisitions { get; init; } = 200_000;

    /// <summary>Distinct (client, user, hostname, hub, model) access entries kept.</summary>
    public int MaxHubAccess { get; init; } = 200_000;

    /// <summary><c>file:line</c> references kept per acquisition.</summary>
    public int MaxEvidence { get; init; } = 20;

    /// <summary>Blob digests kept per Ollama pull (a model has a handful; crafted pulls are cut here).</summary>
    public int MaxBlobs { get; init; } = 64;

    /// <summary>Bytes above which a tunnel or unnamed transfer to a weight host is a likely model download (compliance.md §8).</summary>
    public long LikelyModelBytes { get; init; } = 100_000_000;

    /// <summary>Managed-heap size past which the analyzer compacts (48 MiB): open joins and hub access fit well below it.</summary>
    public long ManagedHeapBudgetBytes { get; init; } = 24L << 20;

    /// <summary>
    /// When set, each acquisition is handed here as soon as its join closes and is NOT kept in the report
    /// (<see cref="NetLogReport.Acquisitions"/> stays empty; the count is in the stats). This is how the CLI keeps
    /// memory flat on months of logs: acquisitions stream to the output in the order they complete.
    /// </summary>
    public Action<Acquisition>? OnAcquisition { get; init; }
}
