using Lantern.Core.Findings;

namespace Lantern.Core.Model;

/// <summary>The whole result of <c>lantern scan</c>: the JSON report is this, serialised.</summary>
public sealed record Inventory
{
    /// <summary>Bumped on any breaking change to the JSON shape; see docs/schema/inventory.schema.json.</summary>
    public const string CurrentSchemaVersion = "1.0";

    public string SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Host { get; init; }
    public required string User { get; init; }
    public required DateTimeOffset ScannedAt { get; init; }
    public string? Os { get; init; }
    public string? LanternVersion { get; init; }

    /// <summary>True when every root was swept and nothing failed to read.</summary>
    public bool Complete { get; init; } = true;

    public IReadOnlyList<RuntimeInstall> Runtimes { get; init; } = [];
    public IReadOnlyList<ModelArtifact> Artifacts { get; init; } = [];
    public IReadOnlyList<InferenceServer> Servers { get; init; } = [];
    public IReadOnlyList<InferenceProcess> Processes { get; init; } = [];
    public GpuSummary? Gpu { get; init; }
    public IReadOnlyList<Finding> Findings { get; init; } = [];
    public IReadOnlyList<ScanProblem> Problems { get; init; } = [];
    public ScanStats Stats { get; init; } = new();
}

/// <summary>Counters that let a reader judge how thorough the scan was.</summary>
public sealed record ScanStats
{
    public IReadOnlyList<string> Roots { get; init; } = [];
    public long FilesSeen { get; init; }
    public long DirectoriesSeen { get; init; }
    public long BytesHashed { get; init; }
    public long DigestCacheHits { get; init; }
    public long DurationMs { get; init; }
}
