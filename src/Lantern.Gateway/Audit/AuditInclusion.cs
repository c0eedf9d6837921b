using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lantern.Gateway.Audit;

/// <summary>
/// A self-contained proof that one record is in the audit log under a signed checkpoint (docs/audit-log.md,
/// "Inclusion proofs"): the record's canonical line, its RFC 6962 inclusion path and the checkpoint note. An auditor
/// holding only this file and the gateway's verifier key can check it, without the log.
/// </summary>
public sealed record AuditInclusionProof
{
    public const string FormatName = "lantern-audit-inclusion/v1";

    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    [JsonPropertyName("seq")]
    public required long Seq { get; init; }

    /// <summary>The record's canonical line, exactly as in the segment (its SHA-256 is the record hash).</summary>
    [JsonPropertyName("record")]
    public required string Record { get; init; }

    [JsonPropertyName("treeSize")]
    public required long TreeSize { get; init; }

    /// <summary>Lower-case hex sibling hashes, bottom first (RFC 9162 §2.1.3).</summary>
    [JsonPropertyName("inclusionPath")]
    public required IReadOnlyList<string> InclusionPath { get; init; }

    /// <summary>The signed checkpoint note whose tree size and root the path leads to.</summary>
    [JsonPropertyName("checkpoint")]
    public required string Checkpoint { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, IndentedOptions);

    /// <exception cref="InvalidDataException">Not a proof document.</exception>
    public static AuditInclusionProof Parse(string json)
    {
        try
        {
            AuditInclusionProof? proof = JsonSerializer.Deserialize<AuditInclusionProof>(json, ReadOptions);
            if (proof is null || proof.Format != FormatName)
            {
                throw new InvalidDataException($"not a {FormatName} document");
            }
            return proof;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException("not a proof document: " + e.Message, e);
        }
    }

    private static readonly JsonSerializerOptions IndentedOptions = new() { WriteIndented = true };
    // Nulls where the document needs values are refused while parsing, not met later as null references.
    private static readonly JsonSerializerOptions ReadOptions = new() { MaxDepth = 8, RespectNullableAnnotations = true };
}

/// <summary>Makes and checks <see cref="AuditInclusionProof"/>s.</summary>
public static class AuditInclusion
{
    /// <summary>
    /// Proves record <paramref name="seq"/> under the newest checkpoint in <paramref name="directory"/> that covers it
    /// (or the one of exactly <paramref name="treeSize"/>). One pass over the segments, O(log n) memory.
    /// </summary>
    /// <exception cref="InvalidDataException">No such record or checkpoint, or the log does not match its checkpoint.</exception>
    public static AuditInclusionProof Prove(string directory, long seq, long? treeSize = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        (AuditCheckpoint checkpoint, string note) = FindCheckpoint(directory, seq, treeSize);
        string? line = null;
        byte[]? leaf = null;
        IEnumerable<byte[]> Leaves()
        {
            long position = 0;
            foreach ((long _, string path) in AuditLogLayout.ListSegments(directory))
            {
                using var reader = new SegmentLineReader(path, AuditLogVerifier.DefaultMaxLineBytes);
                while (reader.ReadLine())
                {
                    if (reader.Kind != LineKind.Complete)
                    {
                        throw new InvalidDataException($"{Path.GetFileName(path)} line {reader.LineNumber} is not a whole record: run 'lantern audit verify'");
                    }
                    position++;
                    byte[] hash = MerkleTree.HashLeaf(SHA256.HashData(reader.Line));
                    if (position == seq)
                    {
                        line = Encoding.UTF8.GetString(reader.Line);
                        leaf = hash;
                    }
                    yield return hash;
                }
            }
        }
        IReadOnlyList<byte[]> path = MerkleInclusionProof.Build(Leaves(), seq - 1, checkpoint.TreeSize);
        if (line is null || leaf is null || !MerkleInclusionProof.Verify(leaf, seq - 1, checkpoint.TreeSize, path, checkpoint.RootHash))
        {
            throw new InvalidDataException($"the records do not match the checkpoint of tree size {checkpoint.TreeSize}: run 'lantern audit verify'");
        }
        return new AuditInclusionProof
        {
            Seq = seq,
            Record = line,
            TreeSize = checkpoint.TreeSize,
            InclusionPath = [.. path.Select(Convert.ToHexStringLower)],
            Checkpoint = note,
        };
    }

    /// <summary>Checks a proof with the gateway's verifier key(s); the message says what holds or what failed.</summary>
    public static (bool Ok, string Message) Check(AuditInclusionProof proof, IReadOnlyList<AuditVerifierKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(proof);
        CheckpointOpenResult opened = AuditCheckpoint.Open(proof.Checkpoint, trusted);
        if (opened.Checkpoint is not { } checkpoint)
        {
            return (false, "checkpoint: " + opened.Error);
        }
        if (checkpoint.TreeSize != proof.TreeSize)
        {
            return (false, $"the checkpoint is of tree size {checkpoint.TreeSize}, the proof claims {proof.TreeSize}");
        }
        AuditRecord record;
        try
        {
            record = AuditRecord.Parse(Encoding.UTF8.GetBytes(proof.Record));
        }
        catch (InvalidDataException e)
        {
            return (false, "record: " + e.Message);
        }
        if (record.Seq != proof.Seq)
        {
            return (false, $"the record is seq {record.Seq}, the proof claims {proof.Seq}");
        }
        var path = new List<byte[]>(proof.InclusionPath.Count);
        foreach (string hex in proof.InclusionPath)
        {
            if (hex is null || hex.Length != 2 * MerkleTree.HashSize || !IsLowerHex(hex))
            {
                return (false, "the inclusion path holds a value that is not a 32-byte hex hash");
            }
            path.Add(Convert.FromHexString(hex));
        }
        byte[] leaf = MerkleTree.HashLeaf(SHA256.HashData(Encoding.UTF8.GetBytes(proof.Record)));
        if (!MerkleInclusionProof.Verify(leaf, proof.Seq - 1, proof.TreeSize, path, checkpoint.RootHash))
        {
            return (false, $"the inclusion path does not lead from record {proof.Seq} to the signed root");
        }
        return (true, $"record {proof.Seq} ({record.Id}) is in the log '{checkpoint.Origin}' at tree size {checkpoint.TreeSize}, signed by {string.Join(", ", checkpoint.VerifiedBy)}");
    }

    private static (AuditCheckpoint Checkpoint, string Note) FindCheckpoint(string directory, long seq, long? treeSize)
    {
        string file = Path.Combine(directory, AuditLogLayout.CheckpointsFile);
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"{file} does not exist");
        }
        (AuditCheckpoint, string)? found = null;
        using (var reader = new CheckpointLogReader(file))
        {
            while (reader.ReadNote())
            {
                if (reader.Note is not { } note || AuditCheckpoint.ParseUnverified(note).Checkpoint is not { } checkpoint)
                {
                    continue;
                }
                bool fits = treeSize is long wanted ? checkpoint.TreeSize == wanted : checkpoint.TreeSize >= seq;
                if (fits && checkpoint.TreeSize >= seq)
                {
                    found = (checkpoint, note);
                }
            }
        }
        return found ?? throw new InvalidDataException(treeSize is long size
            ? $"no checkpoint of tree size {size} covers record {seq}"
            : $"no checkpoint covers record {seq} yet (checkpoints follow every 1000 records, every minute and at shutdown)");
    }

    private static bool IsLowerHex(string text)
    {
        foreach (char c in text)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return true;
    }
}
