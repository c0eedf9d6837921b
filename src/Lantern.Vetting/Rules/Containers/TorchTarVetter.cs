using System.Buffers.Binary;
using System.Formats.Tar;
using Lantern.Core.Findings;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// PyTorch 0.1.1 tar checkpoints (formats.md §1, §4; torch/serialization.py <c>legacy_load</c>): members
/// <c>sys_info</c> (pickle), <c>pickle</c> (the object pickle), <c>storages</c> (a count pickle, then per storage an
/// args pickle followed by a u64 element count and raw bytes) and <c>tensors</c> (a count pickle, then per tensor an
/// args pickle followed by i32 ndim, 4 pad bytes, ndim × i64 sizes, ndim × i64 strides, i64 offset). Every pickle
/// in every member is judged; any other member is vetted by content and reported.
/// </summary>
public sealed class TorchTarVetter : IFormatVetter
{
    private static readonly int[] ElementSizes = [1, 2, 4, 8, 16];

    /// <summary>Tensor rank bound for the tensors member (NumPy/PyTorch allow 64).</summary>
    private const int MaxRank = 64;

    public string Id => "pytorch-tar";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.PyTorchTar };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Profile ??= "pytorch";
        Stream content = context.Content.Position == 0 ? context.Content : new SubStream(context.Content, context.Content.Position, context.Length);
        content.Position = 0;
        var budget = new InflationBudget(context.Limits.MaxInflatedBytes, context.Limits.MaxCompressionRatio);
        int count = 0;
        try
        {
            using var reader = new TarReader(content, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }
                if (++count > context.Limits.MaxArchiveMembers || context.OutOfTime)
                {
                    context.Add(ContainerRules.Finding(ContainerRules.ArchiveLimit, Verdict.Incomplete, Severity.Low,
                        $"More than {context.Limits.MaxArchiveMembers} members (or out of time); the rest were not judged."));
                    break;
                }
                using MemberBuffer buffer = MemberBuffer.Fill(entry.DataStream, budget, -1, context.Cancellation);
                if (buffer.Outcome != BufferOutcome.Complete)
                {
                    context.Add(ContainerRules.Finding(ContainerRules.ArchiveLimit, Verdict.Incomplete, Severity.Medium,
                        $"'{entry.Name}' passes the archive's byte budget; it was not judged.", ("member", entry.Name)));
                    continue;
                }
                VetMember(context, entry.Name, buffer.Content, buffer.Length);
            }
        }
        catch (InvalidDataException ex)
        {
            context.Add(ContainerRules.Finding(ContainerRules.ArchiveMalformed, Verdict.Malformed, Severity.Medium, $"The tar cannot be read: {ex.Message}"));
        }
        return Verdict.Safe;
    }

    private static void VetMember(VetContext context, string name, Stream stream, long length)
    {
        switch (name)
        {
            case "sys_info" or "pickle":
                context.VetMemberAs(ModelFormatId.Pickle, name, stream, length);
                return;
            case "storages":
                WalkRecords(context, name, stream, length, storages: true);
                return;
            case "tensors":
                WalkRecords(context, name, stream, length, storages: false);
                return;
            default:
                context.Add(ContainerRules.Finding(ContainerRules.TorchTarUnexpectedMember, Verdict.Suspicious, Severity.Medium,
                    $"'{name}' is not one of the four members a PyTorch tar checkpoint holds.", ("member", name)));
                context.VetMember(name, stream, length);
                return;
        }
    }

    /// <summary>Count pickle, then records of (args pickle, raw tail) as legacy_load reads them.</summary>
    private static void WalkRecords(VetContext context, string name, Stream stream, long length, bool storages)
    {
        long at = 0;
        int index = 0;
        Span<byte> word = stackalloc byte[8];
        while (at < length)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (index > context.Limits.MaxArchiveMembers || context.OutOfTime)
            {
                context.Add(ContainerRules.Finding(ContainerRules.TorchStreamLimit, Verdict.Incomplete, Severity.Low,
                    $"'{name}': too many records (or out of time); the rest were not judged.", ("member", name)));
                return;
            }
            long? end = PickleStreamScanner.FindEnd(stream, at, length, context.Limits.MaxPickleOpcodes, context.Cancellation);
            string member = $"{name}[{index}]";
            if (end is null)
            {
                context.VetMemberAs(ModelFormatId.Pickle, member, new SubStream(stream, at, length - at), length - at);
                Layout(context, name, at, "a pickle has no findable end");
                return;
            }
            context.VetMemberAs(ModelFormatId.Pickle, member, new SubStream(stream, at, end.Value - at), end.Value - at);
            at = end.Value;
            if (index++ == 0 || at == length)
            {
                continue;
            }
            // The raw tail after an args pickle.
            if (storages)
            {
                if (!ReadAt(stream, at, word))
                {
                    Layout(context, name, at, "a storage's element count is cut off");
                    return;
                }
                long numel = BinaryPrimitives.ReadInt64LittleEndian(word);
                long? next = null;
                foreach (int size in ElementSizes)
                {
                    if (numel < 0 || numel > (length - at - 8) / size)
                    {
                        continue;
                    }
                    long candidate = at + 8 + (numel * size);
                    if (candidate == length || OpensLikePickle(stream, candidate, length))
                    {
                        next = candidate;
                        break;
                    }
                }
                if (next is null)
                {
                    Layout(context, name, at, "no element size makes the storage end where a record or the member ends");
                    return;
                }
                at = next.Value;
            }
            else
            {
                if (!ReadAt(stream, at, word))
                {
                    Layout(context, name, at, "a tensor's rank is cut off");
                    return;
                }
                int rank = BinaryPrimitives.ReadInt32LittleEndian(word);
                if (rank is < 0 or > MaxRank)
                {
                    Layout(context, name, at, $"tensor rank {rank} is impossible");
                    return;
                }
                long next = at + 8 + (16L * rank) + 8;
                if (next > length)
                {
                    Layout(context, name, at, "a tensor's sizes run past the member");
                    return;
                }
                at = next;
            }
        }
    }

    private static void Layout(VetContext context, string name, long at, string why) =>
        context.Add(ContainerRules.Finding(ContainerRules.TorchTarLayout, Verdict.Incomplete, Severity.Low,
            $"'{name}': {why}; the rest of the member was not judged.", ("member", name), ("offset", ContainerRules.Str(at))));

    private static bool ReadAt(Stream stream, long at, Span<byte> into)
    {
        stream.Position = at;
        return stream.ReadAtLeast(into, into.Length, throwOnEndOfStream: false) == into.Length;
    }

    private static bool OpensLikePickle(Stream stream, long at, long end)
    {
        Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
        int want = (int)Math.Min(head.Length, end - at);
        stream.Position = at;
        int got = stream.ReadAtLeast(head[..want], want, throwOnEndOfStream: false);
        return FormatSniffer.Sniff(head[..got], end - at) == ModelFormatId.Pickle;
    }
}
