using System.Security.Cryptography;

namespace Lantern.Gateway.Audit;

/// <summary>
/// Incremental RFC 6962 §2.1 Merkle tree hash over SHA-256, kept as a compact range: the roots of the perfect subtrees
/// that make up the tree, one per set bit of the size, so memory is O(log n) however many records the log holds.
/// </summary>
/// <remarks>
/// Leaf entries of the audit log are the 32-byte record hashes (SHA-256 of the canonical line), so the leaf hash is
/// <c>SHA-256(0x00 ‖ SHA-256(line))</c>: anyone holding the record hashes (a SIEM, an auditor) can rebuild the tree.
/// </remarks>
public sealed class MerkleTree
{
    /// <summary>Size of a hash in bytes.</summary>
    public const int HashSize = 32;

    // Roots of perfect subtrees, left to right, each larger than the next (sizes follow the bits of Size, high first).
    private readonly List<byte[]> _subtrees = [];

    /// <summary>Number of leaves.</summary>
    public long Size { get; private set; }

    /// <summary>RFC 6962 MTH of the empty tree: SHA-256 of the empty string.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>RFC 6962 leaf hash: SHA-256(0x00 ‖ entry).</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> entry)
    {
        if (entry.Length <= 256)
        {
            // The log's leaves are 32-byte record hashes: one one-shot hash, no hashing context to create and free.
            Span<byte> prefixed = stackalloc byte[1 + entry.Length];
            prefixed[0] = 0x00;
            entry.CopyTo(prefixed[1..]);
            return SHA256.HashData(prefixed);
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x00]);
        hash.AppendData(entry);
        return hash.GetHashAndReset();
    }

    /// <summary>RFC 6962 interior node: SHA-256(0x01 ‖ left ‖ right).</summary>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>Appends a leaf by its leaf hash (already <see cref="HashLeaf"/>ed).</summary>
    public void AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != HashSize)
        {
            throw new ArgumentException("a leaf hash is 32 bytes", nameof(leafHash));
        }
        byte[] node = leafHash.ToArray();
        // Each trailing 1-bit of the old size is a perfect subtree of the same height as the one being completed.
        for (long bits = Size; (bits & 1) == 1; bits >>= 1)
        {
            byte[] left = _subtrees[^1];
            _subtrees.RemoveAt(_subtrees.Count - 1);
            node = HashChildren(left, node);
        }
        _subtrees.Add(node);
        Size = checked(Size + 1);
    }

    /// <summary>Appends a leaf by its entry bytes.</summary>
    public void AppendEntry(ReadOnlySpan<byte> entry) => AppendLeafHash(HashLeaf(entry));

    /// <summary>The tree head: RFC 6962's split at the largest power of two equals folding the subtrees from the right.</summary>
    public byte[] Root()
    {
        if (_subtrees.Count == 0)
        {
            return EmptyRoot();
        }
        byte[] root = _subtrees[^1];
        for (int i = _subtrees.Count - 2; i >= 0; i--)
        {
            root = HashChildren(_subtrees[i], root);
        }
        return root;
    }
}
