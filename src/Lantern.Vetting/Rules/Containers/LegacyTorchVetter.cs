using Lantern.Core.Findings;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// Legacy <c>torch.save</c> (before 1.6; formats.md §4): pickles back to back — magic, protocol version, sys_info,
/// the object, the storage keys — then raw storages. <c>torch.load</c> unpickles each with a fresh unpickler, so
/// each stream is split off (<see cref="PickleStreamScanner"/>) and handed to the pickle vetter as its own member
/// (<c>file!pickle[0]</c> …). Every stream is judged, not the first five: after the fifth, any further bytes that
/// open like a pickle are judged too (§9.6 A3), and more than five streams is itself suspicious.
/// </summary>
public sealed class LegacyTorchVetter : IFormatVetter
{
    /// <summary>torch.load reads exactly five pickles before the storages.</summary>
    private const int TorchStreams = 5;

    /// <summary>Streams judged per file; legacy checkpoints have five.</summary>
    private const int MaxStreams = 1024;

    public string Id => "pytorch-legacy";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.PyTorchLegacy };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Profile ??= "pytorch";
        Stream content = context.Content.Position == 0 ? context.Content : new SubStream(context.Content, context.Content.Position, context.Length);
        int streams = VetStreams(context, content, 0, context.Length, "pickle", TorchStreams);
        if (streams < TorchStreams)
        {
            context.Add(ContainerRules.Finding(ContainerRules.TorchLegacyTooFewPickles, Verdict.Malformed, Severity.Medium,
                $"Legacy checkpoint with {streams} pickle streams; torch.save writes {TorchStreams}.", ("streams", ContainerRules.Str(streams))));
        }
        else if (streams > TorchStreams)
        {
            context.Add(ContainerRules.Finding(ContainerRules.TorchLegacyExtraPickles, Verdict.Suspicious, Severity.High,
                $"Legacy checkpoint with {streams} pickle streams; torch.save writes {TorchStreams} (scanners that stop early miss the rest).", ("streams", ContainerRules.Str(streams))));
        }
        return Verdict.Safe;
    }

    /// <summary>
    /// Splits and vets consecutive pickles from <paramref name="start"/>. The first <paramref name="required"/> are
    /// taken whatever they look like; later ones only while the bytes open like a pickle. Returns how many were found.
    /// </summary>
    internal static int VetStreams(VetContext context, Stream content, long start, long end, string prefix, int required)
    {
        long at = start;
        int index = 0;
        while (at < end)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (index >= required && !OpensLikePickle(content, at, end))
            {
                break;
            }
            if (index >= MaxStreams || context.OutOfTime)
            {
                context.Add(ContainerRules.Finding(ContainerRules.TorchStreamLimit, Verdict.Incomplete, Severity.Low,
                    $"More than {MaxStreams} pickle streams (or out of time); the rest were not judged.", ("offset", ContainerRules.Str(at))));
                break;
            }
            long limit = Math.Min(end, checked(at + context.Limits.MaxPickleBytes));
            long? streamEnd = PickleStreamScanner.FindEnd(content, at, limit, context.Limits.MaxPickleOpcodes, context.Cancellation);
            string member = $"{prefix}[{index}]";
            if (streamEnd is null)
            {
                // Hand the rest to the pickle vetter, which says precisely what is wrong; nothing after it is read.
                context.VetMemberAs(ModelFormatId.Pickle, member, new SubStream(content, at, limit - at), limit - at);
                context.Add(ContainerRules.Finding(ContainerRules.TorchPickleBoundary, Verdict.Incomplete, Severity.Low,
                    $"Pickle stream {index} has no findable end (unknown opcode, truncation or a limit); anything after it was not judged.",
                    ("offset", ContainerRules.Str(at)), ("member", member)));
                return index + 1;
            }
            long length = streamEnd.Value - at;
            context.VetMemberAs(ModelFormatId.Pickle, member, new SubStream(content, at, length), length);
            at = streamEnd.Value;
            index++;
        }
        return index;
    }

    private static bool OpensLikePickle(Stream content, long at, long end)
    {
        Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
        int want = (int)Math.Min(head.Length, end - at);
        content.Position = at;
        int got = content.ReadAtLeast(head[..want], want, throwOnEndOfStream: false);
        return FormatSniffer.Sniff(head[..got], end - at) is ModelFormatId.Pickle or ModelFormatId.PyTorchLegacy;
    }
}
