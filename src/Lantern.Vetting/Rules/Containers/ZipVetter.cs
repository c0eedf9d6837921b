using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Sniffing;
using Lantern.Formats.Zip;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// Zip-based containers: PyTorch zip (<c>torch.save</c> ≥ 1.6), TorchScript, NumPy <c>.npz</c>, llamafile and plain
/// zips (formats.md §4, §6, §9.6 A1/A4/A5). Reads both the central directory and the local headers itself
/// (<see cref="ZipReader"/>), reports where they disagree, and vets every member — hidden ones included — through
/// the engine, as PyTorch would read it: central sizes and method, local data offset, CRC and flags ignored.
/// </summary>
public sealed partial class ZipVetter : IFormatVetter
{
    private const int MaxRepeatedFindings = 20;

    public string Id => "zip";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId>
    {
        ModelFormatId.PyTorchZip, ModelFormatId.TorchScript, ModelFormatId.Zip, ModelFormatId.Llamafile, ModelFormatId.Npz,
    };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Stream content = context.Content.Position == 0 ? context.Content : new SubStream(context.Content, context.Content.Position, context.Length);
        var options = new ZipReaderOptions { MaxEntries = context.Limits.MaxArchiveMembers };
        ZipDirectory directory = ZipReader.Read(content, options);
        // A zip the classifier could only call "zip" (ZipArchive refused it) is still a PyTorch archive when its own
        // directory says so: PyTorch's reader is more lenient than ZipArchive.
        bool torch = context.Format is ModelFormatId.PyTorchZip or ModelFormatId.TorchScript
            || (context.Format == ModelFormatId.Zip && directory.Entries.Any(e => e.InCentralDirectory && DataPkl().IsMatch(e.Name)));
        if (torch)
        {
            context.Profile ??= "pytorch";
        }
        ReportIssues(context, directory);

        string? root = torch ? RootOf(directory) : null;
        var budget = new InflationBudget(context.Limits.MaxInflatedBytes, context.Limits.MaxCompressionRatio);
        int outsideRoot = 0;
        int vetted = 0;
        bool codeReported = false;
        foreach (ZipEntry entry in directory.Entries)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (context.OutOfTime)
            {
                return Verdict.Incomplete;
            }
            if (entry.IsDirectory)
            {
                continue;
            }
            if (torch && !IsUnderRoot(entry.Name, root) && ++outsideRoot <= MaxRepeatedFindings)
            {
                context.Add(ContainerRules.Finding(ContainerRules.TorchOutsideRoot, Verdict.Suspicious, Severity.Medium,
                    root is null
                        ? $"'{entry.Name}' is not inside a top-level folder; PyTorch expects every entry under one and never reads it, other tools may."
                        : $"'{entry.Name}' is outside the archive's root folder '{root}/'; PyTorch never reads it, other tools may.", ("member", entry.Name)));
            }
            if (torch && entry.InCentralDirectory && IsStorage(entry.Name))
            {
                // Raw tensor bytes: torch reads them as numbers, never unpickles them; sniffing float data for
                // pickle openings would only produce false alarms. Bounds were checked by the reader.
                continue;
            }
            if (++vetted > context.Limits.MaxArchiveMembers)
            {
                context.Add(ContainerRules.Finding(ContainerRules.ZipLimit, Verdict.Incomplete, Severity.Low,
                    $"More than {context.Limits.MaxArchiveMembers} members; the rest were not judged."));
                break;
            }
            string memberName = entry.InCentralDirectory ? entry.Name : $"{entry.Name}@{ContainerRules.Str(entry.LocalHeaderOffset)}";
            if (IsTorchScriptCode(context.Format, entry.Name))
            {
                if (!codeReported)
                {
                    codeReported = true;
                    context.Add(ContainerRules.Finding(ContainerRules.TorchScriptCode, Verdict.Suspicious, Severity.Medium,
                        "TorchScript archive: its code/ folder holds program source that torch.jit.load compiles and runs; code cannot be proven harmless statically.",
                        ("member", entry.Name)));
                }
            }
            VetEntry(context, content, entry, memberName, budget);
        }
        return Verdict.Safe;
    }

    private static void VetEntry(VetContext context, Stream content, ZipEntry entry, string memberName, InflationBudget budget)
    {
        if (entry.DataOffset < 0)
        {
            context.Add(ContainerRules.Finding(ContainerRules.ZipMemberUnreadable, Verdict.Malformed, Severity.Medium,
                $"'{entry.Name}' cannot be located in the file; it was not judged.", ("member", entry.Name), ("offset", ContainerRules.Str(entry.LocalHeaderOffset))));
            return;
        }
        using MemberContent? member = Open(context, content, entry, budget);
        if (member is null)
        {
            return;
        }
        if (entry.IsEncrypted)
        {
            context.Add(ContainerRules.Finding(ContainerRules.ZipFakeEncryption, Verdict.Suspicious, Severity.High,
                $"'{entry.Name}' is flagged as encrypted but its bytes are plaintext: Python's zipfile refuses it, PyTorch ignores the flag and loads it.",
                ("member", entry.Name), ("flags", $"0x{entry.Flags:x4}")));
        }
        Route(context, entry, memberName, member.Stream, member.Length);
    }

    private static void Route(VetContext context, ZipEntry entry, string memberName, Stream stream, long length)
    {
        Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
        stream.Position = 0;
        int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        ModelFormatId sniffed = FormatSniffer.Sniff(head[..got], length);
        bool pickleName = IsPickleName(entry.Name) || (entry.LocalName is { } local && IsPickleName(local));
        if (IsTorchScriptCode(context.Format, entry.Name))
        {
            JudgeCode(context, memberName, stream, length);
            return;
        }
        if (pickleName || sniffed == ModelFormatId.Pickle)
        {
            if (!pickleName)
            {
                context.Add(ContainerRules.Finding(ContainerRules.ZipPickleMisnamed, Verdict.Suspicious, Severity.High,
                    $"'{entry.Name}' holds a pickle under a name that does not say so (scanners that route by extension skip it).", ("member", entry.Name)));
            }
            context.VetMemberAs(ModelFormatId.Pickle, memberName, stream, length);
            return;
        }
        if (context.Format == ModelFormatId.Npz && sniffed != ModelFormatId.Numpy)
        {
            context.Add(ContainerRules.Finding(ContainerRules.NpzMemberNotNpy, Verdict.Suspicious, Severity.Medium,
                $"'{entry.Name}' in an .npz archive is not a .npy array (no \\x93NUMPY magic).", ("member", entry.Name)));
        }
        else if (context.Format == ModelFormatId.Npz && !entry.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            context.Add(ContainerRules.Finding(ContainerRules.NpzMemberNotNpy, Verdict.Suspicious, Severity.Low,
                $"'{entry.Name}' in an .npz archive holds an array under a name without .npy.", ("member", entry.Name)));
        }
        context.VetMember(memberName, stream, length);
    }

    /// <summary>A member's content as the loader sees it, or null when it cannot be read (a finding says why).</summary>
    private static MemberContent? Open(VetContext context, Stream content, ZipEntry entry, InflationBudget budget)
    {
        var raw = new SubStream(content, entry.DataOffset, entry.CompressedSize);
        bool encrypted = entry.IsEncrypted;
        switch (entry.Method)
        {
            case ZipLayout.MethodStored:
                if (encrypted && entry.CompressedSize != entry.UncompressedSize)
                {
                    // Traditional PKWARE encryption prepends a 12-byte header, so the sizes differ: really encrypted.
                    Encrypted(context, entry);
                    return null;
                }
                if (entry.CompressedSize != entry.UncompressedSize)
                {
                    context.Add(ContainerRules.Finding(ContainerRules.ZipHeaderMismatch, Verdict.Suspicious, Severity.Medium,
                        $"'{entry.Name}' is stored but claims {entry.CompressedSize} bytes stored and {entry.UncompressedSize} bytes of content.", ("member", entry.Name)));
                }
                if (entry.CompressedSize <= MemberBuffer.InMemoryLimit)
                {
                    CheckCrc(context, entry, Crc(raw));
                }
                return new MemberContent(raw, entry.CompressedSize, null);
            case ZipLayout.MethodDeflate:
                MemberBuffer buffer;
                try
                {
                    raw.Position = 0;
                    using var inflate = new DeflateStream(raw, CompressionMode.Decompress, leaveOpen: true);
                    buffer = MemberBuffer.Fill(inflate, budget, entry.CompressedSize, context.Cancellation);
                }
                catch (InvalidDataException ex)
                {
                    if (encrypted)
                    {
                        Encrypted(context, entry);
                        return null;
                    }
                    context.Add(ContainerRules.Finding(ContainerRules.ZipMemberUnreadable, Verdict.Malformed, Severity.Medium,
                        $"'{entry.Name}' does not inflate: {ex.Message}", ("member", entry.Name)));
                    return null;
                }
                if (buffer.Outcome != BufferOutcome.Complete)
                {
                    buffer.Dispose();
                    context.Add(ContainerRules.Finding(ContainerRules.ZipInflationLimit, Verdict.Incomplete, Severity.Medium,
                        buffer.Outcome == BufferOutcome.OverRatio
                            ? $"'{entry.Name}' inflates more than {budget.MaxRatio}:1 (a decompression bomb); it was not judged."
                            : $"Inflating '{entry.Name}' passed the archive's budget of {context.Limits.MaxInflatedBytes} bytes; it was not judged.",
                        ("member", entry.Name)));
                    return null;
                }
                if (encrypted && buffer.Crc != entry.Crc32)
                {
                    buffer.Dispose();
                    Encrypted(context, entry);
                    return null;
                }
                CheckCrc(context, entry, buffer.Crc);
                if (buffer.Length != entry.UncompressedSize)
                {
                    context.Add(ContainerRules.Finding(ContainerRules.ZipHeaderMismatch, Verdict.Suspicious, Severity.Medium,
                        $"'{entry.Name}' inflates to {buffer.Length} bytes; the directory claims {entry.UncompressedSize}.", ("member", entry.Name)));
                }
                return new MemberContent(buffer.Content, buffer.Length, buffer);
            default:
                context.Add(ContainerRules.Finding(entry.Method == ZipLayout.MethodAes ? ContainerRules.ZipEncrypted : ContainerRules.ZipUnsupportedMethod, Verdict.Incomplete, Severity.Low,
                    entry.Method == ZipLayout.MethodAes
                        ? $"'{entry.Name}' is AES-encrypted; its content cannot be judged."
                        : $"'{entry.Name}' uses compression method {entry.Method}, which neither PyTorch nor this vetter reads; it was not judged.",
                    ("member", entry.Name), ("method", ContainerRules.Str(entry.Method))));
                return null;
        }
    }

    private static void Encrypted(VetContext context, ZipEntry entry) =>
        context.Add(ContainerRules.Finding(ContainerRules.ZipEncrypted, Verdict.Incomplete, Severity.Low,
            $"'{entry.Name}' is encrypted; its content cannot be judged.", ("member", entry.Name)));

    private static void CheckCrc(VetContext context, ZipEntry entry, uint actual)
    {
        if (actual != entry.Crc32)
        {
            context.Add(ContainerRules.Finding(ContainerRules.ZipCrcMismatch, Verdict.Malformed, Severity.Medium,
                $"'{entry.Name}' fails its CRC (0x{actual:x8}, directory says 0x{entry.Crc32:x8}): Python's zipfile refuses it, PyTorch ignores CRCs; its content was judged anyway.",
                ("member", entry.Name)));
        }
    }

    private static uint Crc(Stream stream)
    {
        stream.Position = 0;
        uint crc = 0;
        byte[] chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            crc = Crc32.Append(crc, chunk.AsSpan(0, n));
        }
        stream.Position = 0;
        return crc;
    }

    private static void ReportIssues(VetContext context, ZipDirectory directory)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (FormatIssue issue in directory.Issues)
        {
            (string Rule, Verdict Implies, Severity Severity)? rule = issue.Code switch
            {
                "zip.local-name-mismatch" => (ContainerRules.ZipNameMismatch, Verdict.Suspicious, Severity.High),
                "zip.local-method-mismatch" or "zip.local-size-mismatch" or "zip.local-crc-mismatch" or "zip.local-flags-mismatch"
                    => (ContainerRules.ZipHeaderMismatch, Verdict.Suspicious, Severity.Medium),
                "zip.patched-data-flag" => (ContainerRules.ZipPatchedFlag, Verdict.Suspicious, Severity.Low),
                "zip.duplicate-name" => (ContainerRules.ZipDuplicateName, Verdict.Suspicious, Severity.Medium),
                "zip.hidden-local-header" => (ContainerRules.ZipHiddenMember, Verdict.Suspicious, Severity.High),
                "zip.prepended-data" when context.Format == ModelFormatId.Llamafile => null,
                "zip.prepended-data" => (ContainerRules.ZipPrependedData, Verdict.Suspicious, Severity.Medium),
                "zip.appended-data" or "zip.multiple-end-records" or "zip.extra-end-record" or "zip.comment-truncated"
                    => (ContainerRules.ZipAppendedData, Verdict.Suspicious, Severity.Medium),
                "zip.unsafe-path" => (ContainerRules.ZipUnsafePath, Verdict.Suspicious, Severity.Medium),
                "zip.gap-scan-limit" => (ContainerRules.ZipLimit, Verdict.Incomplete, Severity.Low),
                // Encryption flags are judged per member (plaintext behind the flag, or really encrypted).
                "zip.encrypted-flag" or "zip.strong-encryption-flag" => null,
                _ => (ContainerRules.ZipMemberUnreadable, Verdict.Malformed, Severity.Medium),
            };
            if (rule is not { } r)
            {
                continue;
            }
            int seen = counts.GetValueOrDefault(issue.Code) + 1;
            counts[issue.Code] = seen;
            if (seen > MaxRepeatedFindings)
            {
                continue;
            }
            context.Add(ContainerRules.Finding(r.Rule, r.Implies, r.Severity, issue.Message, ("code", issue.Code), ("offset", ContainerRules.Str(issue.Offset))));
        }
    }

    /// <summary>PyTorch's reader takes the archive name from the first entry (caffe2/serialize/inline_container.cc).</summary>
    private static string? RootOf(ZipDirectory directory)
    {
        ZipEntry? first = directory.Entries.FirstOrDefault(e => e.InCentralDirectory);
        if (first is null)
        {
            return null;
        }
        int slash = first.Name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? first.Name[..slash] : null;
    }

    private static bool IsUnderRoot(string name, string? root) =>
        root is not null && name.Length > root.Length + 1 && name.StartsWith(root, StringComparison.Ordinal) && name[root.Length] == '/';

    private static bool IsStorage(string name) => StorageName().IsMatch(name);

    private static bool IsPickleName(string name) => name.EndsWith(".pkl", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".pickle", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".debug_pkl", StringComparison.OrdinalIgnoreCase);

    private static bool IsTorchScriptCode(ModelFormatId format, string name) =>
        format == ModelFormatId.TorchScript && name.Contains("/code/", StringComparison.Ordinal) && name.EndsWith(".py", StringComparison.Ordinal);

    /// <summary>
    /// TorchScript source runs under the TorchScript interpreter on load (<c>__setstate__</c>) and on call. It cannot
    /// import Python modules, but tokens reaching the OS, process creation, dynamic evaluation or I/O have no place
    /// in exported model code: they make the member malicious. Any code at all is suspicious (LNT-PTH-002).
    /// </summary>
    private static void JudgeCode(VetContext context, string memberName, Stream stream, long length)
    {
        long take = Math.Min(length, context.Limits.MaxConfigBytes);
        byte[] bytes = new byte[take];
        stream.Position = 0;
        stream.ReadExactly(bytes);
        string text = Encoding.UTF8.GetString(bytes);
        Verdict verdict = take < length ? Verdict.Incomplete : Verdict.Suspicious;
        var findings = new List<VetFinding>();
        Match m = DangerousCode().Match(text);
        if (m.Success)
        {
            verdict = Verdict.Malicious;
            findings.Add(ContainerRules.Finding(ContainerRules.TorchScriptDangerousCode, Verdict.Malicious, Severity.Critical,
                $"TorchScript code uses '{m.Value.Trim()}', which reaches the operating system, processes, dynamic code or files.",
                ("member", memberName), ("token", m.Value.Trim()), ("offset", ContainerRules.Str(Encoding.UTF8.GetByteCount(text.AsSpan(0, m.Index))))));
        }
        context.AddMember(new VetResult { Path = $"{context.Path}!{memberName}", Format = "torchscript-code", Verdict = verdict, Findings = findings });
    }

    [GeneratedRegex(@"^[^/]+/data\.pkl$", RegexOptions.CultureInvariant)]
    private static partial Regex DataPkl();

    [GeneratedRegex(@"^[^/]+/(data|constants)/\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex StorageName();

    [GeneratedRegex(@"\b(os|posix|nt|subprocess|sys|builtins|importlib|socket|shutil|pty|ctypes|pickle|runpy)\s*\.\s*\w+|__import__|\b(eval|exec|compile|open|system|popen)\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex DangerousCode();

    private sealed class MemberContent(Stream stream, long length, IDisposable? owner) : IDisposable
    {
        public Stream Stream { get; } = stream;

        public long Length { get; } = length;

        public void Dispose() => owner?.Dispose();
    }
}
