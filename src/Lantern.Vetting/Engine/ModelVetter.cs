using System.Diagnostics;
using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Sniffing;

namespace Lantern.Vetting.Engine;

/// <summary>
/// The vetting engine: sniffs content, dispatches to the format's vetter, turns every failure
/// into a finding, and folds member results into the container's verdict. The same engine runs
/// in <c>lantern vet</c> and inside <c>lantern scan</c>.
/// </summary>
public sealed class ModelVetter
{
    private readonly IReadOnlyList<IFormatVetter> _vetters;

    public ModelVetter(VettingLimits? limits = null, IReadOnlyList<IFormatVetter>? vetters = null)
    {
        Limits = limits ?? new VettingLimits();
        _vetters = vetters ?? VetterRegistry.All;
    }

    public VettingLimits Limits { get; }

    /// <summary>Vets one file on disk.</summary>
    public VetResult VetFile(string path, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            // FIFOs, sockets and devices report size 0 and can block an open forever; empty files hold no model.
            if (new FileInfo(path).Length == 0)
            {
                return new VetResult { Path = path, Format = "unknown", Verdict = Verdict.NotAModel };
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.RandomAccess);
            return VetNested(path, stream, stream.Length, depth: 0, clock, cancellation);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Unjudged(path, "unknown", VetRules.Unreadable, $"Could not read the file: {ex.Message}");
        }
    }

    /// <summary>Vets content from a stream (an archive member, a decompressed payload).</summary>
    public VetResult VetStream(string path, Stream content, long length, CancellationToken cancellation = default) =>
        VetNested(path, content, length, depth: 0, Stopwatch.StartNew(), cancellation);

    internal VetResult VetNested(string path, Stream content, long length, int depth, Stopwatch clock, CancellationToken cancellation, ModelFormatId? forcedFormat = null)
    {
        if (depth > Limits.MaxNestingDepth)
        {
            return Unjudged(path, "unknown", VetRules.NestingLimit, $"Containers nested more than {Limits.MaxNestingDepth} deep; the innermost content was not judged.");
        }
        ModelFormatId format;
        try
        {
            format = forcedFormat ?? Sniff(content, length);
        }
        catch (IOException ex)
        {
            return Unjudged(path, "unknown", VetRules.Unreadable, $"Could not read the file: {ex.Message}");
        }
        string formatId = FormatSniffer.ToReportId(format);
        IFormatVetter? vetter = _vetters.FirstOrDefault(v => v.Formats.Contains(format));
        if (vetter is null)
        {
            if (format == ModelFormatId.Unknown)
            {
                return new VetResult { Path = path, Format = "unknown", Verdict = Verdict.NotAModel };
            }
            return Unjudged(path, formatId, VetRules.UnsupportedFormat, $"No vetter for {formatId} content yet; it cannot be judged safe.");
        }

        var context = new VetContext(path, content, length, format, Limits, depth, clock, this, cancellation);
        Verdict verdict;
        try
        {
            verdict = vetter.Vet(context);
        }
        catch (ModelFormatException ex)
        {
            context.Add(new VetFinding
            {
                RuleId = VetRules.Malformed,
                Implies = Verdict.Malformed,
                Severity = Severity.Medium,
                Message = $"Malformed {formatId}: {ex.Message}",
                Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["offset"] = ex.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture), ["code"] = ex.Code },
            });
            verdict = Verdict.Malformed;
        }
        catch (EndOfStreamException)
        {
            context.Add(new VetFinding { RuleId = VetRules.Malformed, Implies = Verdict.Malformed, Severity = Severity.Medium, Message = $"Truncated {formatId}: the content ends early." });
            verdict = Verdict.Malformed;
        }
        catch (IOException ex)
        {
            context.Add(new VetFinding { RuleId = VetRules.Unreadable, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = $"Read failed: {ex.Message}" });
            verdict = Verdict.Incomplete;
        }
        if (context.OutOfTime)
        {
            context.Add(new VetFinding { RuleId = VetRules.TimeLimit, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = $"Vetting ran past {Limits.TimePerFile.TotalSeconds:0} s; not judged completely." });
        }

        foreach (VetFinding finding in context.Findings)
        {
            verdict = VerdictNames.Worst(verdict, finding.Implies);
        }
        foreach (VetResult member in context.Members)
        {
            verdict = VerdictNames.Worst(verdict, member.Verdict == Verdict.NotAModel ? Verdict.Safe : member.Verdict);
        }
        return new VetResult
        {
            Path = path,
            Format = formatId,
            Verdict = verdict,
            Findings = context.Findings,
            Members = context.Members,
            Profile = context.Profile,
        };
    }

    private static ModelFormatId Sniff(Stream content, long length)
    {
        Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
        int read = 0;
        long start = content.CanSeek ? content.Position : 0;
        while (read < head.Length)
        {
            int n = content.Read(head[read..]);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        if (!content.CanSeek)
        {
            throw new IOException("Vetting needs a seekable stream; the engine spills non-seekable members to a bounded buffer first.");
        }
        content.Position = start;
        ModelFormatId sniffed = FormatSniffer.Sniff(head[..read], length);
        bool zipBehind = sniffed == ModelFormatId.Zip || (sniffed == ModelFormatId.Unknown && FormatSniffer.MayHaveAppendedZip(head[..read]));
        return zipBehind ? Refine(content, sniffed) : sniffed;
    }

    /// <summary>Zips say what they hold only in their central directory: PyTorch, Keras, NumPy, llamafile or plain.</summary>
    private static ModelFormatId Refine(Stream content, ModelFormatId sniffed)
    {
        long start = content.Position;
        try
        {
            ModelFormatId refined = ZipModelClassifier.ClassifyZip(content);
            // An unknown head with no zip behind it stays unknown; a zip the classifier cannot place stays a zip.
            return sniffed == ModelFormatId.Unknown && refined == ModelFormatId.Zip ? sniffed : refined;
        }
        catch (ModelFormatException)
        {
            return sniffed;
        }
        catch (InvalidDataException)
        {
            return sniffed;
        }
        finally
        {
            content.Position = start;
        }
    }

    private static VetResult Unjudged(string path, string format, string ruleId, string message) => new()
    {
        Path = path,
        Format = format,
        Verdict = Verdict.Incomplete,
        Findings = [new VetFinding { RuleId = ruleId, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = message }],
    };
}
