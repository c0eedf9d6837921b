using System.Security.Cryptography;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Tests.Audit;

public class MerkleTreeTests
{
    // Certificate Transparency reference leaves and roots for sizes 1..8 (transparency-dev/merkle testonly).
    private static readonly string[] CtLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] CtRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void Root_CertificateTransparencyVectors_Match()
    {
        var tree = new MerkleTree();
        Assert.Equal(CtRoots[0], Convert.ToHexStringLower(tree.Root()));
        for (int i = 0; i < CtLeaves.Length; i++)
        {
            tree.AppendEntry(Convert.FromHexString(CtLeaves[i]));
            Assert.Equal(CtRoots[i + 1], Convert.ToHexStringLower(tree.Root()));
        }
    }

    [Fact]
    public void Root_Sizes0To70_MatchNaiveRecursiveReference()
    {
        var leaves = new List<byte[]>();
        var tree = new MerkleTree();
        for (int n = 0; n <= 70; n++)
        {
            Assert.Equal(Convert.ToHexStringLower(NaiveRoot(leaves, 0, leaves.Count)), Convert.ToHexStringLower(tree.Root()));
            Assert.Equal(n, tree.Size);
            byte[] leaf = MerkleTree.HashLeaf(SHA256.HashData(BitConverter.GetBytes(n)));
            leaves.Add(leaf);
            tree.AppendLeafHash(leaf);
        }
    }

    [Fact]
    public void Root_MidpointSplitWouldDiffer_UsesLargestPowerOfTwo()
    {
        // For 3 leaves RFC 6962 is H(H(a,b),c); a midpoint split of a different shape must not agree.
        byte[] a = MerkleTree.HashLeaf([1]), b = MerkleTree.HashLeaf([2]), c = MerkleTree.HashLeaf([3]);
        var tree = new MerkleTree();
        tree.AppendLeafHash(a);
        tree.AppendLeafHash(b);
        tree.AppendLeafHash(c);
        Assert.Equal(MerkleTree.HashChildren(MerkleTree.HashChildren(a, b), c), tree.Root());
        Assert.NotEqual(MerkleTree.HashChildren(a, MerkleTree.HashChildren(b, c)), tree.Root());
    }

    private static byte[] NaiveRoot(List<byte[]> leaves, int start, int count)
    {
        if (count == 0)
        {
            return SHA256.HashData([]);
        }
        if (count == 1)
        {
            return leaves[start];
        }
        int k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }
        return MerkleTree.HashChildren(NaiveRoot(leaves, start, k), NaiveRoot(leaves, start + k, count - k));
    }
}
