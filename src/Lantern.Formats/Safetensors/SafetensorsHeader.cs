namespace Lantern.Formats.Safetensors;

/// <summary>The JSON header of a safetensors file and what follows from it.</summary>
public sealed record SafetensorsHeader
{
    /// <summary>N, the JSON header's length in bytes; the buffer starts at 8 + N.</summary>
    public ulong HeaderLength { get; init; }

    /// <summary><c>__metadata__</c> string entries (e.g. <c>format: pt</c>, <c>format: mlx</c>).</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    public required IReadOnlyList<SafetensorsTensor> Tensors { get; init; }

    /// <summary>Sum of element counts (saturates with an issue on overflow).</summary>
    public ulong ParameterCount { get; init; }

    public required IReadOnlyDictionary<string, ulong> ParametersByDtype { get; init; }

    /// <summary>The dtype holding the most parameters, or null with no tensors.</summary>
    public string? PredominantDtype { get; init; }

    /// <summary>Size of the byte buffer the offsets describe (largest end offset).</summary>
    public ulong BufferLength { get; init; }

    public required IReadOnlyList<FormatIssue> Issues { get; init; }
}
