namespace Lantern.Vetting.Engine;

/// <summary>
/// Every bound vetting keeps. Defaults fit real models with wide margins; past a bound the
/// result is <see cref="Verdict.Incomplete"/>, never a guess (ARCHITECTURE.md, "Fail closed").
/// </summary>
public sealed record VettingLimits
{
    /// <summary>Pickle opcodes decoded per pickle stream. Real state-dict pickles of 400B models stay under 10 M.</summary>
    public long MaxPickleOpcodes { get; init; } = 50_000_000;

    /// <summary>Pickle memo entries.</summary>
    public int MaxMemoEntries { get; init; } = 5_000_000;

    /// <summary>Pickle stack depth (items on the stack plus marks).</summary>
    public int MaxStackDepth { get; init; } = 1_000_000;

    /// <summary>Bytes one pickle stream may span (legacy checkpoints hold storages after the pickles).</summary>
    public long MaxPickleBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Total bytes inflated from one archive (deflate bombs stop here as incomplete).</summary>
    public long MaxInflatedBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Inflation ratio per member past which a member is treated as a bomb.</summary>
    public int MaxCompressionRatio { get; init; } = 1000;

    /// <summary>Members examined per archive.</summary>
    public int MaxArchiveMembers { get; init; } = 100_000;

    /// <summary>Containers nested in containers (zip in tar in zip…).</summary>
    public int MaxNestingDepth { get; init; } = 4;

    /// <summary>Wall-clock time per file.</summary>
    public TimeSpan TimePerFile { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>JSON/text configs read (Keras config.json, ONNX metadata, templates).</summary>
    public int MaxConfigBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Framework profile the user asked for (<c>lantern vet --profile NAME</c>): a hint to the pickle
    /// allowlist, which uses it instead of guessing. Null lets each vetter pick the profile that fits.
    /// </summary>
    public string? ProfileHint { get; init; }
}
