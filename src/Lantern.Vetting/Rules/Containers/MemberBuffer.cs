namespace Lantern.Vetting.Rules.Containers;

/// <summary>How copying a member into a bounded buffer ended.</summary>
internal enum BufferOutcome
{
    Complete,

    /// <summary>The archive's total inflation budget (VettingLimits.MaxInflatedBytes) ran out.</summary>
    OverBudget,

    /// <summary>Output outgrew input by more than VettingLimits.MaxCompressionRatio: a bomb.</summary>
    OverRatio,
}

/// <summary>
/// What an archive may still inflate: one budget per container file (VettingLimits.MaxInflatedBytes), shared
/// by all its members, plus the per-member ratio (VettingLimits.MaxCompressionRatio).
/// </summary>
internal sealed class InflationBudget(long totalBytes, int maxRatio)
{
    public long Remaining { get; set; } = totalBytes;

    public int MaxRatio { get; } = maxRatio;
}

/// <summary>
/// A member's bytes in a seekable buffer: memory up to <see cref="InMemoryLimit"/>, a temp file opened with
/// DeleteOnClose above it, never unbounded (vetting.md: the engine needs seekable members).
/// </summary>
internal sealed class MemberBuffer : IDisposable
{
    /// <summary>Members up to 64 MiB stay in memory; pickles and npy headers are far smaller.</summary>
    public const long InMemoryLimit = 64L * 1024 * 1024;

    /// <summary>Ratios are only judged once this much came out: tiny members compress "infinitely" without harm.</summary>
    public const long RatioFloorBytes = 1024 * 1024;

    private MemberBuffer(Stream content, long length, BufferOutcome outcome, uint crc)
    {
        Content = content;
        Length = length;
        Outcome = outcome;
        Crc = crc;
    }

    public Stream Content { get; }

    public long Length { get; }

    public BufferOutcome Outcome { get; }

    /// <summary>CRC-32 of the bytes copied.</summary>
    public uint Crc { get; }

    /// <summary>
    /// Copies <paramref name="source"/> (an inflating stream) into a buffer, charging <paramref name="budget"/>.
    /// <paramref name="compressedSize"/> (or -1) drives the ratio check. Decoder exceptions propagate to the caller.
    /// </summary>
    public static MemberBuffer Fill(Stream source, InflationBudget budget, long compressedSize, CancellationToken cancellation)
    {
        Stream target = new MemoryStream();
        long total = 0;
        uint crc = 0;
        BufferOutcome outcome = BufferOutcome.Complete;
        byte[] chunk = new byte[81920];
        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                int want = (int)Math.Min(chunk.Length, budget.Remaining + 1);
                int n = want <= 0 ? 0 : source.Read(chunk, 0, want);
                if (n == 0)
                {
                    if (want <= 0 && source.ReadByte() >= 0)
                    {
                        outcome = BufferOutcome.OverBudget;
                    }
                    break;
                }
                if (n > budget.Remaining)
                {
                    budget.Remaining = 0;
                    outcome = BufferOutcome.OverBudget;
                    break;
                }
                budget.Remaining -= n;
                total += n;
                if (compressedSize >= 0 && total > RatioFloorBytes && total / Math.Max(1, compressedSize) > budget.MaxRatio)
                {
                    outcome = BufferOutcome.OverRatio;
                    break;
                }
                if (target is MemoryStream ms && ms.Length + n > InMemoryLimit)
                {
                    target = SpillToFile(ms);
                }
                target.Write(chunk, 0, n);
                crc = Crc32.Append(crc, chunk.AsSpan(0, n));
            }
            target.Position = 0;
            return new MemberBuffer(target, total, outcome, crc);
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static FileStream SpillToFile(MemoryStream memory)
    {
        string path = Path.Combine(Path.GetTempPath(), $"lantern-member-{Guid.NewGuid():N}.tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        memory.Position = 0;
        memory.CopyTo(file);
        memory.Dispose();
        return file;
    }

    public void Dispose() => Content.Dispose();
}
