using System.Security.Cryptography;

namespace Lantern.Gateway.Audit;

/// <summary>
/// RFC 6962 §2.1.1 / RFC 9162 §2.1.3 inclusion proofs over the audit log's Merkle tree: the hashes of the sibling
/// subtrees on the way from one leaf to the root, bottom first. Made in one streaming pass over the leaves with
/// O(log n) memory (each sibling subtree is folded with its own <see cref="MerkleTree"/>), so a log of any size can
/// be proven without holding its leaves.
/// </summary>
public static class MerkleInclusionProof
{
    /// <summary>The sibling subtrees <c>[start, end)</c> of leaf <paramref name="index"/> in a tree of <paramref name="size"/>, bottom first.</summary>
    public static IReadOnlyList<(long Start, long End)> SiblingRanges(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        // PATH(m, D[lo:hi]) from the top: split at the largest power of two below the width; the half without the
        // leaf is the sibling at this level. Top-down order, reversed at the end.
        var ranges = new List<(long, long)>();
        long lo = 0;
        long hi = size;
        while (hi - lo > 1)
        {
            long k = LargestPowerOfTwoBelow(hi - lo);
            if (index < lo + k)
            {
                ranges.Add((lo + k, hi));
                hi = lo + k;
            }
            else
            {
                ranges.Add((lo, lo + k));
                lo += k;
            }
        }
        ranges.Reverse();
        return ranges;
    }

    /// <summary>
    /// Folds <paramref name="leafHashes"/> (leaf hashes in log order, at least the first <paramref name="size"/>)
    /// into the inclusion proof of leaf <paramref name="index"/>; leaves at or after <paramref name="size"/> are ignored.
    /// </summary>
    public static IReadOnlyList<byte[]> Build(IEnumerable<byte[]> leafHashes, long index, long size)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        IReadOnlyList<(long Start, long End)> ranges = SiblingRanges(index, size);
        var trees = new MerkleTree[ranges.Count];
        for (int i = 0; i < trees.Length; i++)
        {
            trees[i] = new MerkleTree();
        }
        long position = 0;
        foreach (byte[] leaf in leafHashes)
        {
            if (position >= size)
            {
                break;
            }
            // The sibling ranges and the leaf itself partition [0, size): at most one range holds this position.
            for (int i = 0; i < ranges.Count; i++)
            {
                if (position >= ranges[i].Start && position < ranges[i].End)
                {
                    trees[i].AppendLeafHash(leaf);
                    break;
                }
            }
            position++;
        }
        if (position < size)
        {
            throw new InvalidDataException($"the log holds {position} records, fewer than the tree size {size}");
        }
        return [.. trees.Select(t => t.Root())];
    }

    /// <summary>RFC 9162 §2.1.3.2: does <paramref name="proof"/> lead from the leaf to <paramref name="root"/>?</summary>
    public static bool Verify(ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size || leafHash.Length != MerkleTree.HashSize || root.Length != MerkleTree.HashSize)
        {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash.ToArray();
        foreach (byte[] p in proof)
        {
            if (p is null || p.Length != MerkleTree.HashSize || sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.HashChildren(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = MerkleTree.HashChildren(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    private static long LargestPowerOfTwoBelow(long n)
    {
        // n ≥ 2: the largest power of two strictly less than n.
        long k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }
        return k;
    }
}
