using System.Security.Cryptography;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Tests.Audit;

public sealed class MerkleInclusionProofTests
{
    private static byte[] Leaf(int i) => MerkleTree.HashLeaf(BitConverter.GetBytes(i));

    [Fact]
    public void BuildThenVerify_EveryLeafOfEveryTreeUpTo70_ProvesAgainstTheTreeRoot()
    {
        for (int size = 1; size <= 70; size++)
        {
            var tree = new MerkleTree();
            byte[][] leaves = [.. Enumerable.Range(0, size).Select(Leaf)];
            foreach (byte[] leaf in leaves)
            {
                tree.AppendLeafHash(leaf);
            }
            byte[] root = tree.Root();
            for (int index = 0; index < size; index++)
            {
                IReadOnlyList<byte[]> proof = MerkleInclusionProof.Build(leaves, index, size);

                Assert.True(MerkleInclusionProof.Verify(leaves[index], index, size, proof, root), $"size {size} index {index}");
                Assert.Equal(MerkleInclusionProof.SiblingRanges(index, size).Count, proof.Count);
            }
        }
    }

    [Fact]
    public void Build_LeavesBeyondTheSize_AreIgnored()
    {
        byte[][] leaves = [.. Enumerable.Range(0, 40).Select(Leaf)];
        var tree = new MerkleTree();
        foreach (byte[] leaf in leaves.Take(23))
        {
            tree.AppendLeafHash(leaf);
        }

        IReadOnlyList<byte[]> proof = MerkleInclusionProof.Build(leaves, 7, 23);

        Assert.True(MerkleInclusionProof.Verify(leaves[7], 7, 23, proof, tree.Root()));
    }

    [Fact]
    public void Verify_AnyAlteration_Fails()
    {
        byte[][] leaves = [.. Enumerable.Range(0, 13).Select(Leaf)];
        var tree = new MerkleTree();
        foreach (byte[] leaf in leaves)
        {
            tree.AppendLeafHash(leaf);
        }
        byte[] root = tree.Root();
        IReadOnlyList<byte[]> proof = MerkleInclusionProof.Build(leaves, 5, 13);

        Assert.False(MerkleInclusionProof.Verify(leaves[6], 5, 13, proof, root));
        Assert.False(MerkleInclusionProof.Verify(leaves[5], 6, 13, proof, root));
        Assert.False(MerkleInclusionProof.Verify(leaves[5], 5, 6, proof, root)); // (the size itself is bound by the signed checkpoint)
        Assert.False(MerkleInclusionProof.Verify(leaves[5], 5, 13, [.. proof.Take(proof.Count - 1)], root));
        Assert.False(MerkleInclusionProof.Verify(leaves[5], 5, 13, [.. proof, proof[0]], root));
        byte[][] flipped = [.. proof.Select(p => (byte[])p.Clone())];
        flipped[1][0] ^= 1;
        Assert.False(MerkleInclusionProof.Verify(leaves[5], 5, 13, flipped, root));
        Assert.False(MerkleInclusionProof.Verify(leaves[5], 13, 13, proof, root));
        Assert.False(MerkleInclusionProof.Verify(leaves[5], -1, 13, proof, root));
        Assert.False(MerkleInclusionProof.Verify(leaves[5], 5, 13, proof, SHA256.HashData(root)));
    }

    [Fact]
    public void Build_FewerLeavesThanTheSize_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => MerkleInclusionProof.Build([.. Enumerable.Range(0, 5).Select(Leaf)], 2, 9));
    }

    [Fact]
    public void SiblingRanges_Rfc6962Example_MatchesThePathOfLeafThreeInSeven()
    {
        // RFC 6962 §2.1.3: the path for d (index 3) in a tree of seven leaves is [c, g, l] = [2,3), [0,2), [4,7).
        Assert.Equal([(2L, 3L), (0L, 2L), (4L, 7L)], MerkleInclusionProof.SiblingRanges(3, 7));
        // and for a (index 0): [b, h, l] = [1,2), [2,4), [4,7).
        Assert.Equal([(1L, 2L), (2L, 4L), (4L, 7L)], MerkleInclusionProof.SiblingRanges(0, 7));
    }
}
