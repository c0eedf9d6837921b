namespace Lantern.Core.Model;

/// <summary>A running process that belongs to an inference runtime.</summary>
public sealed record InferenceProcess
{
    public required int Pid { get; init; }
    public int? ParentPid { get; init; }
    public string? User { get; init; }
    public required string Name { get; init; }
    public string? Executable { get; init; }
    public string? CommandLine { get; init; }
    public string? Runtime { get; init; }

    /// <summary>Model files named on the command line (<c>-m</c>, <c>--model</c>).</summary>
    public IReadOnlyList<string> ModelPaths { get; init; } = [];

    public IReadOnlyList<GpuUse> Gpu { get; init; } = [];
}

/// <summary>GPU use by one process on one device.</summary>
public sealed record GpuUse
{
    /// <summary>Device identity: GPU UUID, PCI address or DRM driver name.</summary>
    public required string Device { get; init; }
    public long? MemoryBytes { get; init; }

    /// <summary><c>nvidia-smi</c>, <c>drm-fdinfo</c>, <c>device-fd</c>.</summary>
    public required string Source { get; init; }
}

/// <summary>What the scan could tell about accelerators on the machine as a whole.</summary>
public sealed record GpuSummary
{
    /// <summary><c>available</c>, <c>absent</c> (no GPU found) or <c>unknown</c> (could not tell).</summary>
    public required string State { get; init; }
    public IReadOnlyList<string> Devices { get; init; } = [];
    public IReadOnlyList<string> Sources { get; init; } = [];
    public string? Note { get; init; }
}
