using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Lantern.Gateway.Audit;

/// <summary>
/// A signed tree head in C2SP tlog-checkpoint form over a C2SP signed note (gateway.md §8):
/// <c>&lt;origin&gt;\n&lt;tree size&gt;\n&lt;base64 root&gt;\n</c>, a blank line, then one line per signature
/// <c>— &lt;key name&gt; &lt;base64(4-byte key hash ‖ Ed25519 signature)&gt;\n</c>. The signature covers the body
/// including its final newline.
/// </summary>
public sealed record AuditCheckpoint
{
    /// <summary>Bound on one note: a checkpoint body plus a handful of signatures is a few hundred bytes.</summary>
    public const int MaxNoteBytes = 16 * 1024;

    /// <summary>golang.org/x/mod/sumdb/note accepts at most 100 signatures per note.</summary>
    public const int MaxSignatures = 100;

    // C2SP tlog-checkpoint allows extension lines after the root; we write none and accept a few.
    private const int MaxBodyLines = 16;

    private const string SignaturePrefix = "\u2014 ";

    public required string Origin { get; init; }
    public required long TreeSize { get; init; }
    public required byte[] RootHash { get; init; }

    /// <summary>The whole note text (body, blank line, signature lines).</summary>
    public required string Text { get; init; }

    /// <summary>Names of the trusted keys whose signatures verified (empty for an unverified parse).</summary>
    public IReadOnlyList<string> VerifiedBy { get; init; } = [];

    /// <summary>Builds and signs a checkpoint note.</summary>
    public static AuditCheckpoint Create(string origin, long treeSize, ReadOnlySpan<byte> rootHash, AuditSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckOrigin(origin);
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        if (rootHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException("a root hash is 32 bytes", nameof(rootHash));
        }
        string body = $"{origin}\n{treeSize.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(rootHash)}\n";
        byte[] signature = key.Sign(Encoding.UTF8.GetBytes(body));
        byte[] blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, key.KeyHash);
        signature.CopyTo(blob, 4);
        string text = $"{body}\n{SignaturePrefix}{key.Name} {Convert.ToBase64String(blob)}\n";
        return new AuditCheckpoint { Origin = origin, TreeSize = treeSize, RootHash = rootHash.ToArray(), Text = text, VerifiedBy = [key.Name] };
    }

    /// <summary>
    /// Parses a note and checks its signatures against <paramref name="trusted"/>: at least one trusted key must have
    /// signed it, and no signature that names a trusted key (name and key hash) may be invalid. Signatures by unknown
    /// keys are ignored, as signed-note verifiers do.
    /// </summary>
    public static CheckpointOpenResult Open(string note, IReadOnlyList<AuditVerifierKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        return OpenCore(note, trusted, requireSignature: true);
    }

    /// <summary>Parses a note without checking signatures (the writer's resume, which trusts its own directory).</summary>
    internal static CheckpointOpenResult ParseUnverified(string note) => OpenCore(note, [], requireSignature: false);

    private static CheckpointOpenResult OpenCore(string note, IReadOnlyList<AuditVerifierKey> trusted, bool requireSignature)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (Encoding.UTF8.GetByteCount(note) > MaxNoteBytes)
        {
            return CheckpointOpenResult.Malformed($"checkpoint note is larger than {MaxNoteBytes} bytes");
        }
        for (int i = 0; i < note.Length; i++)
        {
            // signed-note: valid UTF-8 text with no control characters other than newline.
            char c = note[i];
            if (char.IsControl(c) && c != '\n')
            {
                return CheckpointOpenResult.Malformed("checkpoint note contains control characters");
            }
            if (char.IsHighSurrogate(c) && i + 1 < note.Length && char.IsLowSurrogate(note[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return CheckpointOpenResult.Malformed("checkpoint note is not valid Unicode");
            }
        }
        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            return CheckpointOpenResult.Malformed("checkpoint note has no signature block");
        }
        string body = note[..(split + 1)];
        string signatureBlock = note[(split + 2)..];
        string[] bodyLines = body[..^1].Split('\n');
        if (bodyLines.Length < 3 || bodyLines.Length > MaxBodyLines || bodyLines.Any(l => l.Length == 0))
        {
            return CheckpointOpenResult.Malformed("checkpoint body is not origin, size and root lines");
        }
        string origin = bodyLines[0];
        string sizeText = bodyLines[1];
        if (sizeText.Length == 0 || sizeText.Length > 19 || !sizeText.All(char.IsAsciiDigit) || (sizeText.Length > 1 && sizeText[0] == '0')
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out long size))
        {
            return CheckpointOpenResult.Malformed($"checkpoint tree size '{Truncate(sizeText)}' is not a decimal number");
        }
        byte[] root;
        try
        {
            root = Convert.FromBase64String(bodyLines[2]);
        }
        catch (FormatException)
        {
            return CheckpointOpenResult.Malformed("checkpoint root hash is not base64");
        }
        if (root.Length != MerkleTree.HashSize)
        {
            return CheckpointOpenResult.Malformed("checkpoint root hash is not 32 bytes");
        }
        byte[] signed = Encoding.UTF8.GetBytes(body);
        string[] signatureLines = signatureBlock[..^1].Split('\n');
        if (signatureLines.Length > MaxSignatures)
        {
            return CheckpointOpenResult.Malformed($"checkpoint note has more than {MaxSignatures} signatures");
        }
        var verifiedBy = new List<string>();
        foreach (string line in signatureLines)
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                return CheckpointOpenResult.Malformed("checkpoint signature line does not start with an em dash");
            }
            string[] fields = line[SignaturePrefix.Length..].Split(' ');
            if (fields.Length != 2 || fields[0].Length == 0)
            {
                return CheckpointOpenResult.Malformed("checkpoint signature line is not '— name signature'");
            }
            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(fields[1]);
            }
            catch (FormatException)
            {
                return CheckpointOpenResult.Malformed("checkpoint signature is not base64");
            }
            if (blob.Length < 5)
            {
                return CheckpointOpenResult.Malformed("checkpoint signature is too short");
            }
            uint hash = BinaryPrimitives.ReadUInt32BigEndian(blob);
            AuditVerifierKey? key = trusted.FirstOrDefault(k => k.KeyHash == hash && string.Equals(k.Name, fields[0], StringComparison.Ordinal));
            if (key is null)
            {
                continue;
            }
            if (!key.Verify(signed, blob.AsSpan(4)))
            {
                return CheckpointOpenResult.BadSignature($"checkpoint of size {size} has an invalid signature by {key.Name}");
            }
            verifiedBy.Add(key.Name);
        }
        if (requireSignature && verifiedBy.Count == 0)
        {
            return CheckpointOpenResult.BadSignature($"checkpoint of size {size} is not signed by any trusted key");
        }
        return new CheckpointOpenResult(new AuditCheckpoint
        {
            Origin = origin,
            TreeSize = size,
            RootHash = root,
            Text = note,
            VerifiedBy = verifiedBy,
        }, CheckpointOpenStatus.Ok, "");
    }

    internal static void CheckOrigin(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (origin.Length == 0 || origin.Length > 256 || origin.Any(char.IsControl))
        {
            throw new ArgumentException("a checkpoint origin is 1–256 characters on one line", nameof(origin));
        }
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>Outcome of <see cref="AuditCheckpoint.Open"/>.</summary>
public enum CheckpointOpenStatus
{
    Ok,
    Malformed,
    BadSignature,
}

/// <summary>A parsed and verified checkpoint, or why not.</summary>
public sealed record CheckpointOpenResult(AuditCheckpoint? Checkpoint, CheckpointOpenStatus Status, string Error)
{
    internal static CheckpointOpenResult Malformed(string error) => new(null, CheckpointOpenStatus.Malformed, error);

    internal static CheckpointOpenResult BadSignature(string error) => new(null, CheckpointOpenStatus.BadSignature, error);
}
