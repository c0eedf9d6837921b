using Lantern.Core.Findings;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using SharpCompress.Archives;
using SharpCompress.Archives.SevenZip;
using SharpCompress.Readers;

namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// 7z archives (formats.md §9.2 "nullifAI", §9.6 A6) through SharpCompress: every member is inflated with the
/// archive budget into a bounded buffer and vetted by the engine (sniffed by content, never by name). Encrypted
/// members or headers, and methods SharpCompress cannot decode, are incomplete.
/// </summary>
public sealed class SevenZipVetter : IFormatVetter
{
    public string Id => "7z";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.SevenZip };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Stream content = context.Content.Position == 0 ? context.Content : new SubStream(context.Content, context.Content.Position, context.Length);
        content.Position = 0;
        var budget = new InflationBudget(context.Limits.MaxInflatedBytes, context.Limits.MaxCompressionRatio);
        try
        {
            using IArchive archive = SevenZipArchive.OpenArchive(content, new ReaderOptions { LeaveStreamOpen = true });
            int count = 0;
            foreach (IArchiveEntry entry in archive.Entries)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (entry.IsDirectory)
                {
                    continue;
                }
                string name = entry.Key ?? $"#{count}";
                if (++count > context.Limits.MaxArchiveMembers || context.OutOfTime)
                {
                    context.Add(ContainerRules.Finding(ContainerRules.ArchiveLimit, Verdict.Incomplete, Severity.Low,
                        $"More than {context.Limits.MaxArchiveMembers} members (or out of time); the rest were not judged."));
                    break;
                }
                if (entry.IsEncrypted)
                {
                    context.Add(ContainerRules.Finding(ContainerRules.ArchiveUnreadableMember, Verdict.Incomplete, Severity.Low,
                        $"'{name}' is encrypted; its content cannot be judged.", ("member", name)));
                    continue;
                }
                VetEntry(context, entry, name, budget);
            }
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            bool encrypted = ex is SharpCompress.Common.CryptographicException || ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("encrypt", StringComparison.OrdinalIgnoreCase);
            context.Add(ContainerRules.Finding(encrypted ? ContainerRules.ArchiveUnreadableMember : ContainerRules.ArchiveMalformed,
                encrypted ? Verdict.Incomplete : Verdict.Malformed, encrypted ? Severity.Low : Severity.Medium,
                encrypted ? $"The 7z archive is encrypted: {ex.Message}" : $"The 7z archive cannot be read: {ex.Message}"));
        }
        return Verdict.Safe;
    }

    private static void VetEntry(VetContext context, IArchiveEntry entry, string name, InflationBudget budget)
    {
        MemberBuffer buffer;
        try
        {
            using Stream stream = entry.OpenEntryStream();
            buffer = MemberBuffer.Fill(stream, budget, entry.CompressedSize > 0 ? entry.CompressedSize : -1, context.Cancellation);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            context.Add(ContainerRules.Finding(ContainerRules.ArchiveUnreadableMember, Verdict.Incomplete, Severity.Low,
                $"'{name}' cannot be decoded ({ex.Message}); it was not judged.", ("member", name)));
            return;
        }
        using (buffer)
        {
            if (buffer.Outcome != BufferOutcome.Complete)
            {
                context.Add(ContainerRules.Finding(ContainerRules.ArchiveLimit, Verdict.Incomplete, Severity.Medium,
                    $"'{name}' passes the inflation budget or ratio; it was not judged.", ("member", name)));
                return;
            }
            context.VetMember(name, buffer.Content, buffer.Length);
        }
    }

    /// <summary>SharpCompress reports damaged, encrypted and unsupported input with these.</summary>
    internal static bool IsDecoderFailure(Exception ex) => ex is SharpCompress.Common.SharpCompressException or InvalidDataException or IOException
        or FormatException or ArgumentException or InvalidOperationException or NotSupportedException or NotImplementedException
        or IndexOutOfRangeException or OverflowException or NullReferenceException;
}
