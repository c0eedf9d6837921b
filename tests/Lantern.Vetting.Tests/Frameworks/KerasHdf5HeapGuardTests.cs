using System.Buffers.Binary;
using System.Text;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Keras;
using PureHDF;
using Xunit;
using static Lantern.Testing.Fixtures.KerasBuilder;

namespace Lantern.Vetting.Tests.Frameworks;

public sealed class KerasHdf5HeapGuardTests
{
    private static byte[] Hdf5(string modelConfig)
    {
        var file = new H5File();
        file.Attributes["model_config"] = modelConfig;
        file.Attributes["keras_version"] = "2.15.0";
        file["model_weights"] = new H5Group();
        using var ms = new MemoryStream();
        file.Write(ms);
        return ms.ToArray();
    }

    private static VetResult Vet(byte[] bytes, VettingLimits? limits = null) =>
        new ModelVetter(limits).VetStream("model.h5", new MemoryStream(bytes), bytes.Length);

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what)
    {
        int at = bytes.AsSpan().IndexOf(what);
        Assert.True(at >= 0, "fixture lacks the expected bytes");
        return at;
    }

    private static void AssertHeapRefused(VetResult result, Verdict verdict)
    {
        Assert.Equal(verdict, result.Verdict);
        Assert.Contains(result.Findings, f => f.RuleId == KerasRules.HeapSizeRefused && f.Implies == verdict);
    }

    [Fact]
    public void Vet_Hdf5WrittenByPureHdf_SafeThroughGuard()
    {
        byte[] bytes = Hdf5(BenignSequential());
        IndexOf(bytes, "GCOL"u8); // the config really lives in a global heap collection the guard walks
        VetResult result = Vet(bytes);
        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.DoesNotContain(result.Findings, f => f.RuleId == KerasRules.HeapSizeRefused);
    }

    [Fact]
    public void Vet_Hdf5CollectionDeclaresMoreThanFile_Malformed()
    {
        byte[] bytes = Hdf5(BenignSequential());
        int collection = IndexOf(bytes, "GCOL"u8);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(collection + 8), 0x0000_7FFF_FFFF_0000);
        AssertHeapRefused(Vet(bytes), Verdict.Malformed);
    }

    [Fact]
    public void Vet_Hdf5HeapObjectDeclares2GiB_MalformedWithoutAllocating()
    {
        // Without the guard PureHDF allocates new byte[0x7FFFFF00] for this object before reading it.
        string config = BenignSequential();
        byte[] bytes = Hdf5(config);
        int data = IndexOf(bytes, Encoding.UTF8.GetBytes(config).AsSpan(0, 32));
        Assert.Equal((ulong)Encoding.UTF8.GetByteCount(config), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(data - 8)));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(data - 8), 0x7FFF_FF00);
        AssertHeapRefused(Vet(bytes), Verdict.Malformed);
    }

    [Fact]
    public void Vet_Hdf5CollectionOverConfigLimit_Incomplete()
    {
        string config = Sequential(string.Join(", ", Enumerable.Range(0, 200).Select(i => Layer("Dense", $$"""{"name": "d{{i}}", "units": 8}"""))));
        Assert.True(Encoding.UTF8.GetByteCount(config) > 8192 + 4096, "fixture must be over the limit");
        AssertHeapRefused(Vet(Hdf5(config), new VettingLimits { MaxConfigBytes = 8192 }), Verdict.Incomplete);
    }

    [Fact]
    public void Read_SignatureSplitAcrossOneByteReads_GuardStillRefuses()
    {
        // A lying collection header ("GCOL", version 1, size far past the end) served one byte at a time.
        byte[] bytes = new byte[64];
        "GCOL"u8.CopyTo(bytes.AsSpan(20));
        bytes[24] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(28), 1UL << 40);
        using var inner = new MemoryStream(bytes);
        var guard = new GlobalHeapGuard(inner, 0, 1024);
        using var bounded = new BoundedReadStream(inner, 1 << 20, guard);
        byte[] one = new byte[1];
        Hdf5HeapException ex = Assert.Throws<Hdf5HeapException>(() =>
        {
            while (bounded.Read(one, 0, 1) > 0)
            {
            }
        });
        Assert.Equal(Verdict.Malformed, ex.Implies);
        Assert.Equal(20, ex.Offset);
    }

    [Fact]
    public void Read_CollectionWithinFileAndLimit_PassesAndKeepsPosition()
    {
        byte[] bytes = new byte[8192];
        "GCOL"u8.CopyTo(bytes.AsSpan(100));
        bytes[104] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(108), 4096);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(116), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(124), 100);
        using var inner = new MemoryStream(bytes);
        using var bounded = new BoundedReadStream(inner, 1 << 20, new GlobalHeapGuard(inner, 0, 1024));
        byte[] chunk = new byte[150];
        Assert.Equal(150, bounded.Read(chunk, 0, chunk.Length));
        Assert.Equal(150, bounded.Position);
    }
}
