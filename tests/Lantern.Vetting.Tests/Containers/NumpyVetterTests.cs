using Lantern.Formats;
using Lantern.Formats.Numpy;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Containers;

namespace Lantern.Vetting.Tests.Containers;

public class NumpyVetterTests
{
    private const string ObjectHeader = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";

    [Fact]
    public void Vet_PlainIntArray_Safe()
    {
        VetResult r = FakePickleVetter.Vet(NpyWriter.Int32Vector(1, 2, 3));
        Assert.Equal("numpy", r.Format);
        Assert.Equal(Verdict.Safe, r.Verdict);
    }

    [Theory]
    [InlineData((byte)1)]
    [InlineData((byte)2)]
    [InlineData((byte)3)]
    public void Vet_ObjectArrayAnyVersion_PickleJudged(byte major)
    {
        VetResult r = FakePickleVetter.Vet(NpyWriter.Write(ObjectHeader, PickleSamples.PosixSystem(), major));
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.True(r.Has(ContainerRules.NumpyObjectArray));
        Assert.Contains(r.Members, m => m.Path == "model.bin!pickle");
    }

    [Fact]
    public void Vet_StructuredObjectField_PickleJudged()
    {
        string header = "{'descr': [('a', '<i4'), ('b', [('c', '|O')], (2,))], 'fortran_order': False, 'shape': (1,), }";
        VetResult r = FakePickleVetter.Vet(NpyWriter.Write(header, PickleSamples.PosixSystem()));
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Fact]
    public void Vet_BenignObjectArray_FollowsPickleVerdict()
    {
        Assert.Equal(Verdict.Safe, FakePickleVetter.Vet(NpyWriter.Write(ObjectHeader, PickleSamples.EmptyDict)).Verdict);
    }

    [Fact]
    public void Vet_LyingHeaderLength_Malformed()
    {
        byte[] npy = NpyWriter.Write("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", [1, 0, 0, 0], claimedHeaderLength: 30);
        Assert.Equal(Verdict.Malformed, FakePickleVetter.Vet(npy).Verdict);
        byte[] longer = NpyWriter.Write("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", [1, 0, 0, 0], claimedHeaderLength: 5000);
        Assert.Equal(Verdict.Malformed, FakePickleVetter.Vet(longer).Verdict);
    }

    [Fact]
    public void Vet_ShortData_Malformed()
    {
        byte[] npy = NpyWriter.Write("{'descr': '<f8', 'fortran_order': False, 'shape': (10, 10), }", new byte[799]);
        VetResult r = FakePickleVetter.Vet(npy);
        Assert.True(r.Has(ContainerRules.NumpyDataLength));
        Assert.Equal(Verdict.Malformed, r.Verdict);
    }

    [Fact]
    public void Vet_PickleAfterArray_TrailingDataJudged()
    {
        byte[] npy = NpyWriter.Write("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", [1, 0, 0, 0, .. PickleSamples.PosixSystem()]);
        VetResult r = FakePickleVetter.Vet(npy);
        Assert.True(r.Has(ContainerRules.NumpyTrailingData));
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Theory]
    [InlineData("{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }")]
    [InlineData("{'descr': '<i4', 'shape': (1,), }")]
    [InlineData("{'descr': '<i4', 'fortran_order': 0, 'shape': (1,), }")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (-1,), }")]
    [InlineData("{'descr': '<q9', 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("['descr']")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }")]
    public void Vet_BadHeader_Malformed(string header)
    {
        Assert.Equal(Verdict.Malformed, FakePickleVetter.Vet(NpyWriter.Write(header, [0, 0, 0, 0])).Verdict);
    }

    [Fact]
    public void Read_DeepNesting_RejectedWithoutRecursion()
    {
        string header = "{'descr': " + new string('[', 10_000) + ", 'fortran_order': False, 'shape': (1,), }";
        byte[] npy = NpyWriter.Write(header, [], major: 2);
        ModelFormatException ex = Assert.Throws<ModelFormatException>(() => NpyReader.Read(new MemoryStream(npy)));
        Assert.Equal("npy.header-too-deep", ex.Code);
    }

    [Fact]
    public void Read_Python2LongShape_Parsed()
    {
        NpyHeader h = NpyReader.Read(new MemoryStream(NpyWriter.Write("{'descr': '<f4', 'fortran_order': True, 'shape': (3L, 2L), }", new byte[24])));
        Assert.Equal([3L, 2L], h.Shape);
        Assert.Equal(24, h.DataLength);
        Assert.True(h.FortranOrder);
    }

    [Fact]
    public void Vet_NpzOfIntArrays_Safe()
    {
        byte[] npz = new ZipBuilder().Add("a.npy", NpyWriter.Int32Vector(1, 2)).Add("b.npy", NpyWriter.Int32Vector(3), deflate: true).Build();
        VetResult r = FakePickleVetter.Vet(npz);
        Assert.Equal("npz", r.Format);
        Assert.Equal(Verdict.Safe, r.Verdict);
        Assert.Equal(2, r.Members.Count);
    }

    [Fact]
    public void Vet_NpzWithObjectArray_Malicious()
    {
        byte[] npz = new ZipBuilder().Add("a.npy", NpyWriter.Int32Vector(1)).Add("b.npy", NpyWriter.Write(ObjectHeader, PickleSamples.PosixSystem())).Build();
        Assert.Equal(Verdict.Malicious, FakePickleVetter.Vet(npz).Verdict);
    }

    [Fact]
    public void Vet_NpzMemberNotNpy_Suspicious()
    {
        byte[] npz = new ZipBuilder().Add("a.npy", NpyWriter.Int32Vector(1)).Add("b.npy", "just text, not an array"u8.ToArray()).Build();
        VetResult r = FakePickleVetter.Vet(npz);
        Assert.True(r.Has(ContainerRules.NpzMemberNotNpy));
        Assert.Equal(Verdict.Suspicious, r.Verdict);
    }

    [Fact]
    public void Vet_TruncatedAtEveryOffset_NeverSafeNeverThrows()
    {
        byte[] npy = NpyWriter.Write(ObjectHeader, PickleSamples.PosixSystem(), major: 2);
        byte[] plain = NpyWriter.Int32Vector(1, 2, 3);
        (ModelVetter vetter, _) = FakePickleVetter.Create();
        for (int n = 0; n < npy.Length - PickleSamples.PosixSystem().Length + 8; n++)
        {
            VetResult r = vetter.VetStream("t.npy", new MemoryStream(npy, 0, n), n);
            Assert.NotEqual(Verdict.Safe, r.Verdict);
        }
        for (int n = 0; n < plain.Length; n++)
        {
            VetResult r = vetter.VetStream("p.npy", new MemoryStream(plain, 0, n), n);
            Assert.NotEqual(Verdict.Safe, r.Verdict);
        }
    }
}
