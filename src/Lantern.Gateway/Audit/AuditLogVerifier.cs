using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Lantern.Core.Reporting;

namespace Lantern.Gateway.Audit;

/// <summary>The <see cref="VerifyResult.Problem"/> values (docs/audit-log.md, "Verify").</summary>
public static class VerifyProblems
{
    public const string None = "none";
    public const string Changed = "changed";
    public const string Dropped = "dropped";
    public const string Reordered = "reordered";
    public const string Truncated = "truncated";
    public const string BadSignature = "bad-signature";
    public const string BadCheckpoint = "bad-checkpoint";
    public const string Malformed = "malformed";

    /// <summary>A file could not be read at all (permissions, I/O error): the verdict is incomplete, not "tampered".</summary>
    public const string Unreadable = "unreadable";
}

/// <summary>What to trust when verifying.</summary>
public sealed record VerifyOptions
{
    /// <summary>Verifier keys (<c>name+hash+base64</c>) whose checkpoint signatures are trusted. At least one.</summary>
    public required IReadOnlyList<AuditVerifierKey> VerifierKeys { get; init; }

    /// <summary>Checkpoint notes held outside the directory (the SIEM's copies): the defence against truncation and rewrite.</summary>
    public IReadOnlyList<string> TrustedCheckpoints { get; init; } = [];

    /// <summary>Expected checkpoint origin; null accepts the origin of the first checkpoint and requires it of the rest.</summary>
    public string? Origin { get; init; }

    public int MaxLineBytes { get; init; } = AuditLogVerifier.DefaultMaxLineBytes;
}

/// <summary>Verdict of <see cref="AuditLogVerifier.Verify"/>: the first problem found, in log order.</summary>
public sealed record VerifyResult
{
    public required bool Ok { get; init; }
    public required long RecordsChecked { get; init; }
    public long CheckpointsChecked { get; init; }
    public long? FirstBadSeq { get; init; }
    public string? FirstBadFile { get; init; }
    public long? FirstBadLine { get; init; }

    /// <summary>One of <see cref="VerifyProblems"/>.</summary>
    public required string Problem { get; init; }
    public required string Message { get; init; }

    /// <summary>Things that are not failures but an auditor should know (torn tail after a crash, uncovered records).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>0 verified, 1 tampered or malformed, 3 something could not be read (ARCHITECTURE.md exit codes).</summary>
    public int ExitCode => Ok ? ExitCodes.Ok : Problem == VerifyProblems.Unreadable ? ExitCodes.Incomplete : ExitCodes.Findings;
}

/// <summary>
/// Checks an audit directory: every line canonical, seq contiguous from 1, every <c>prev</c> the hash of the line
/// before, the RFC 6962 root at every checkpoint size equal to the signed root, every checkpoint signed by a trusted
/// key, and no checkpoint (local or trusted external) larger than the log. Streams: memory is one line plus
/// O(log n) tree state, whatever the log size. Never throws on file contents.
/// </summary>
public static class AuditLogVerifier
{
    /// <summary>Longest line accepted: a record with full-capture prompt and output text fits; larger is hostile.</summary>
    public const int DefaultMaxLineBytes = 8 * 1024 * 1024;

    public static VerifyResult Verify(string directory, VerifyOptions options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        if (options.VerifierKeys.Count == 0)
        {
            throw new ArgumentException("at least one verifier key is needed to check checkpoint signatures", nameof(options));
        }
        try
        {
            using var run = new Run(directory, options);
            return run.Execute();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new VerifyResult
            {
                Ok = false,
                RecordsChecked = 0,
                Problem = VerifyProblems.Unreadable,
                Message = $"cannot read {directory}: {ex.Message}",
            };
        }
    }

    private enum ItemKind
    {
        Record,
        NonCanonical,
        Malformed,
        Torn,
    }

    private sealed class Item
    {
        public ItemKind Kind { get; init; }
        public long Seq { get; init; }
        public string Prev { get; init; } = "";
        public byte[] Hash { get; init; } = [];
        public required string File { get; init; }
        public long Line { get; init; }
        public string Error { get; init; } = "";
    }

    private sealed class Run(string directory, VerifyOptions options) : IDisposable
    {
        private readonly MerkleTree _tree = new();
        private readonly List<string> _notes = [];
        private readonly List<AuditCheckpoint> _external = [];
        private CheckpointLogReader? _local;
        private AuditCheckpoint? _nextLocal;
        private long _lastLocalSize = -1;
        private string? _origin = options.Origin;
        private long _lastMatched;
        private long _checkpointsChecked;
        private bool _anyCheckpoint;

        public VerifyResult Execute()
        {
            if (!Directory.Exists(directory))
            {
                return Fail(VerifyProblems.Malformed, $"{directory} does not exist", null, null, null);
            }
            string checkpointPath = Path.Combine(directory, AuditLogLayout.CheckpointsFile);
            try
            {
                for (int i = 0; i < options.TrustedCheckpoints.Count; i++)
                {
                    CheckpointOpenResult opened = AuditCheckpoint.Open(options.TrustedCheckpoints[i], options.VerifierKeys);
                    string where = $"(trusted checkpoint #{i + 1})";
                    if (opened.Checkpoint is null)
                    {
                        return Fail(opened.Status == CheckpointOpenStatus.BadSignature ? VerifyProblems.BadSignature : VerifyProblems.BadCheckpoint,
                            $"trusted checkpoint #{i + 1}: {opened.Error}", null, where, null);
                    }
                    if (CheckOrigin(opened.Checkpoint) is string originError)
                    {
                        return Fail(VerifyProblems.BadCheckpoint, originError, null, where, null);
                    }
                    _external.Add(opened.Checkpoint);
                }
                _external.Sort((a, b) => a.TreeSize.CompareTo(b.TreeSize));
                if (File.Exists(checkpointPath))
                {
                    _local = new CheckpointLogReader(checkpointPath);
                }
                VerifyResult? failure = AdvanceLocal() ?? MatchCheckpoints();
                if (failure is not null)
                {
                    return failure;
                }
                List<(long FirstSeq, string Path)> segments = AuditLogLayout.ListSegments(directory);
                using IEnumerator<Item> items = ReadItems(segments).GetEnumerator();
                Item? current = items.MoveNext() ? items.Current : null;
                Item? previous = null;
                long expected = 1;
                byte[] prevHash = new byte[32];
                while (current is not null)
                {
                    Item? next = items.MoveNext() ? items.Current : null;
                    switch (current.Kind)
                    {
                        case ItemKind.Malformed:
                            return Fail(VerifyProblems.Malformed, $"{Where(current)}: {current.Error}", expected, current.File, current.Line);
                        case ItemKind.Torn:
                            _notes.Add($"{Where(current)}: incomplete last line ignored (a write cut short by a crash; the writer truncates it on restart)");
                            current = null;
                            continue;
                        case ItemKind.NonCanonical:
                            return Fail(VerifyProblems.Changed, $"{Where(current)}: record {current.Seq} is not in canonical form, so it was edited", current.Seq, current.File, current.Line);
                        default:
                            break;
                    }
                    if (current.Seq != expected)
                    {
                        if (current.Seq > expected && next is { Kind: ItemKind.Record } && next.Seq == expected)
                        {
                            return Fail(VerifyProblems.Reordered, $"{Where(current)}: record {expected} comes after record {current.Seq}", expected, current.File, current.Line);
                        }
                        if (current.Seq > expected)
                        {
                            string missing = current.Seq - 1 == expected ? $"record {expected} is" : $"records {expected}–{current.Seq - 1} are";
                            return Fail(VerifyProblems.Dropped, $"{Where(current)}: {missing} missing before record {current.Seq}", expected, current.File, current.Line);
                        }
                        return Fail(VerifyProblems.Reordered, $"{Where(current)}: record {current.Seq} appears where record {expected} should be", current.Seq, current.File, current.Line);
                    }
                    if (!string.Equals(current.Prev, Convert.ToHexStringLower(prevHash), StringComparison.Ordinal))
                    {
                        // One broken link: the record before changed. Two in a row: this record changed (its prev, or more).
                        bool nextLinkHolds = next is { Kind: ItemKind.Record } && string.Equals(next.Prev, Convert.ToHexStringLower(current.Hash), StringComparison.Ordinal);
                        if (previous is not null && nextLinkHolds)
                        {
                            return Fail(VerifyProblems.Changed, $"{Where(previous)}: record {previous.Seq} does not hash to the prev of record {current.Seq}: it was changed", previous.Seq, previous.File, previous.Line);
                        }
                        return Fail(VerifyProblems.Changed, $"{Where(current)}: record {current.Seq} does not link to the record before it: it was changed (or a record before it was dropped and the rest renumbered)", current.Seq, current.File, current.Line);
                    }
                    _tree.AppendLeafHash(MerkleTree.HashLeaf(current.Hash));
                    prevHash = current.Hash;
                    expected++;
                    failure = MatchCheckpoints();
                    if (failure is not null)
                    {
                        return failure;
                    }
                    previous = current;
                    current = next;
                }
                AuditCheckpoint? pending = NextCheckpoint();
                if (pending is not null)
                {
                    string? lastFile = segments.Count > 0 ? Path.GetFileName(segments[^1].Path) : null;
                    return Fail(VerifyProblems.Truncated,
                        $"a signed checkpoint covers {pending.TreeSize} records but the log holds {_tree.Size}: records {_tree.Size + 1}–{pending.TreeSize} were removed",
                        _tree.Size + 1, lastFile, null);
                }
                if (!_anyCheckpoint)
                {
                    return Fail(VerifyProblems.BadCheckpoint,
                        segments.Count == 0 ? $"{directory} holds no audit log (no segments, no checkpoints)" : $"no signed checkpoint found ({AuditLogLayout.CheckpointsFile} missing or empty)",
                        null, AuditLogLayout.CheckpointsFile, null);
                }
                if (_tree.Size > _lastMatched)
                {
                    _notes.Add($"records {_lastMatched + 1}–{_tree.Size} are chained but not yet covered by a signed checkpoint");
                }
                return new VerifyResult
                {
                    Ok = true,
                    RecordsChecked = _tree.Size,
                    CheckpointsChecked = _checkpointsChecked,
                    Problem = VerifyProblems.None,
                    Message = $"{_tree.Size} records and {_checkpointsChecked} checkpoints verified",
                    Notes = _notes,
                };
            }
            finally
            {
                _local?.Dispose();
                _local = null;
            }
        }

        public void Dispose() => _local?.Dispose();

        private VerifyResult Fail(string problem, string message, long? seq, string? file, long? line) => new()
        {
            Ok = false,
            RecordsChecked = _tree.Size,
            CheckpointsChecked = _checkpointsChecked,
            FirstBadSeq = seq,
            FirstBadFile = file,
            FirstBadLine = line,
            Problem = problem,
            Message = message,
            Notes = _notes,
        };

        private static string Where(Item item) => $"{item.File} line {item.Line}";

        private string? CheckOrigin(AuditCheckpoint checkpoint)
        {
            _origin ??= checkpoint.Origin;
            return string.Equals(_origin, checkpoint.Origin, StringComparison.Ordinal)
                ? null
                : $"checkpoint of size {checkpoint.TreeSize} is for log '{checkpoint.Origin}', not '{_origin}'";
        }

        private AuditCheckpoint? NextCheckpoint()
        {
            AuditCheckpoint? external = _external.Count > 0 ? _external[0] : null;
            if (_nextLocal is null)
            {
                return external;
            }
            return external is not null && external.TreeSize < _nextLocal.TreeSize ? external : _nextLocal;
        }

        /// <summary>Compares every checkpoint whose size the tree has reached with the tree's root.</summary>
        private VerifyResult? MatchCheckpoints()
        {
            while (NextCheckpoint() is AuditCheckpoint checkpoint && checkpoint.TreeSize <= _tree.Size)
            {
                bool local = ReferenceEquals(checkpoint, _nextLocal);
                string source = local ? AuditLogLayout.CheckpointsFile : "trusted checkpoint";
                if (checkpoint.TreeSize < _tree.Size)
                {
                    // Only reachable for a size-0 external head after records: compare the empty root.
                    return Fail(VerifyProblems.BadCheckpoint, $"{source}: checkpoint of size {checkpoint.TreeSize} is out of order", null, source, null);
                }
                if (!CryptographicOperations.FixedTimeEquals(checkpoint.RootHash, _tree.Root()))
                {
                    return Fail(VerifyProblems.Changed,
                        $"records {_lastMatched + 1}–{checkpoint.TreeSize} do not reproduce the signed root of the {source} checkpoint of size {checkpoint.TreeSize}: at least one of them was changed and the chain re-linked",
                        _lastMatched + 1, source, null);
                }
                _lastMatched = checkpoint.TreeSize;
                _checkpointsChecked++;
                _anyCheckpoint = true;
                if (local)
                {
                    VerifyResult? failure = AdvanceLocal();
                    if (failure is not null)
                    {
                        return failure;
                    }
                }
                else
                {
                    _external.RemoveAt(0);
                }
            }
            return null;
        }

        private VerifyResult? AdvanceLocal()
        {
            _nextLocal = null;
            if (_local is null || !_local.ReadNote())
            {
                return null;
            }
            string file = AuditLogLayout.CheckpointsFile;
            if (_local.Torn)
            {
                _notes.Add($"{file} line {_local.StartLine}: incomplete last checkpoint ignored (cut short by a crash)");
                return null;
            }
            if (_local.Note is null)
            {
                return Fail(VerifyProblems.BadCheckpoint, $"{file} line {_local.StartLine}: {_local.Error}", null, file, _local.StartLine);
            }
            CheckpointOpenResult opened = AuditCheckpoint.Open(_local.Note, options.VerifierKeys);
            if (opened.Checkpoint is null)
            {
                return Fail(opened.Status == CheckpointOpenStatus.BadSignature ? VerifyProblems.BadSignature : VerifyProblems.BadCheckpoint,
                    $"{file} line {_local.StartLine}: {opened.Error}", null, file, _local.StartLine);
            }
            if (CheckOrigin(opened.Checkpoint) is string originError)
            {
                return Fail(VerifyProblems.BadCheckpoint, $"{file} line {_local.StartLine}: {originError}", null, file, _local.StartLine);
            }
            if (opened.Checkpoint.TreeSize < _lastLocalSize)
            {
                return Fail(VerifyProblems.BadCheckpoint,
                    $"{file} line {_local.StartLine}: checkpoint of size {opened.Checkpoint.TreeSize} follows one of size {_lastLocalSize}", null, file, _local.StartLine);
            }
            _lastLocalSize = opened.Checkpoint.TreeSize;
            _anyCheckpoint = true;
            _nextLocal = opened.Checkpoint;
            if (_nextLocal.TreeSize < _tree.Size)
            {
                return Fail(VerifyProblems.BadCheckpoint, $"{file} line {_local.StartLine}: checkpoint of size {_nextLocal.TreeSize} is out of order", null, file, _local.StartLine);
            }
            return null;
        }

        private IEnumerable<Item> ReadItems(List<(long FirstSeq, string Path)> segments)
        {
            for (int s = 0; s < segments.Count; s++)
            {
                string file = Path.GetFileName(segments[s].Path);
                bool lastSegment = s == segments.Count - 1;
                using var lines = new SegmentLineReader(segments[s].Path, options.MaxLineBytes);
                while (lines.ReadLine())
                {
                    yield return ToItem(lines, file, lastSegment);
                }
            }
        }

        private static Item ToItem(SegmentLineReader lines, string file, bool lastSegment)
        {
            ReadOnlySpan<byte> line = lines.Line;
            switch (lines.Kind)
            {
                case LineKind.Oversize:
                    return new Item { Kind = ItemKind.Malformed, File = file, Line = lines.LineNumber, Error = "line longer than the limit" };
                case LineKind.Torn:
                    // A crash can leave a prefix of a record, or zeros where the file grew before its data landed.
                    bool crashLike = lastSegment && line.Length > 0 && (line[0] == (byte)'{' || !line.ContainsAnyExcept((byte)0));
                    return crashLike
                        ? new Item { Kind = ItemKind.Torn, File = file, Line = lines.LineNumber }
                        : new Item { Kind = ItemKind.Malformed, File = file, Line = lines.LineNumber, Error = "incomplete line that is not a record" };
                default:
                    break;
            }
            if (line.Length == 0)
            {
                return new Item { Kind = ItemKind.Malformed, File = file, Line = lines.LineNumber, Error = "empty line" };
            }
            if (!Utf8.IsValid(line))
            {
                return new Item { Kind = ItemKind.Malformed, File = file, Line = lines.LineNumber, Error = "line is not valid UTF-8" };
            }
            JsonObject? o;
            long seq;
            string? prev;
            byte[] canonical;
            try
            {
                o = JsonNode.Parse(line, documentOptions: new JsonDocumentOptions { MaxDepth = JsonCanonicalizer.MaxDepth }) as JsonObject;
                if (o is null)
                {
                    return new Item { Kind = ItemKind.Malformed, File = file, Line = lines.LineNumber, Error = "line is not a JSON object" };
                }
                seq = o["seq"]?.GetValue<long>() ?? 0;
                prev = o["prev"]?.GetValue<string>();
                canonical = JsonCanonicalizer.Canonicalize(o);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException or InvalidDataException or OverflowException)
            {
                return new Item { Kind = ItemKind.Malformed, File = file, Line = lines.LineNumber, Error = "line is not an audit record: " + ex.Message };
            }
            if (seq < 1 || prev is null || prev.Length != 64 || !prev.All(char.IsAsciiHexDigitLower))
            {
                return new Item { Kind = ItemKind.Malformed, File = file, Line = lines.LineNumber, Error = "line has no valid seq and prev" };
            }
            return new Item
            {
                Kind = line.SequenceEqual(canonical) ? ItemKind.Record : ItemKind.NonCanonical,
                Seq = seq,
                Prev = prev,
                Hash = SHA256.HashData(line),
                File = file,
                Line = lines.LineNumber,
            };
        }
    }
}
