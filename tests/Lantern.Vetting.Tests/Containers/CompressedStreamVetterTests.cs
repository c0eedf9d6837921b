using System.IO.Compression;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Containers;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.LZMA;

namespace Lantern.Vetting.Tests.Containers;

public class CompressedStreamVetterTests
{
    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    private static byte[] Zlib(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    private static byte[] Bz2(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = BZip2Stream.Create(ms, SharpCompress.Compressors.CompressionMode.Compress, false, leaveOpen: true, tolerateTruncatedStream: false))
        {
            z.Write(data);
            z.Finish();
        }
        return ms.ToArray();
    }

    /// <summary>LZMA-alone as Python's lzma.FORMAT_ALONE writes it: 5 property bytes, u64 size, data.</summary>
    private static byte[] LzmaAlone(byte[] data)
    {
        using var payload = new MemoryStream();
        byte[] props;
        using (LzmaStream z = LzmaStream.Create(new LzmaEncoderProperties(), false, payload))
        {
            z.Write(data);
            props = z.Properties;
        }
        return [.. props, .. BitConverter.GetBytes((long)data.Length), .. payload.ToArray()];
    }

    private static byte[] Lz4(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = K4os.Compression.LZ4.Streams.LZ4Stream.Encode(ms, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    private static byte[] Zstd(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new SharpCompress.Compressors.ZStandard.CompressionStream(ms, 3, 0, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    public static TheoryData<string> Codecs => new() { "gzip", "zlib", "bz2", "lzma", "lz4", "zstd" };

    private static byte[] Compress(string codec, byte[] data) => codec switch
    {
        "gzip" => Gzip(data),
        "zlib" => Zlib(data),
        "bz2" => Bz2(data),
        "lz4" => Lz4(data),
        "zstd" => Zstd(data),
        _ => LzmaAlone(data),
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Vet_CompressedMaliciousPickle_Malicious(string codec)
    {
        VetResult r = FakePickleVetter.Vet(Compress(codec, PickleSamples.PosixSystem()), path: "model.joblib");
        Assert.Equal("compressed", r.Format);
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.Contains(r.Members, m => m.Path == $"model.joblib!{codec}" && m.Format == "pickle");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Vet_CompressedBenignPickle_Safe(string codec)
    {
        Assert.Equal(Verdict.Safe, FakePickleVetter.Vet(Compress(codec, PickleSamples.EmptyDict)).Verdict);
    }

    [Fact]
    public void Vet_GzipBomb_Incomplete()
    {
        byte[] bomb = Gzip(new byte[16 * 1024 * 1024]);
        VetResult r = FakePickleVetter.Vet(bomb, new VettingLimits { MaxCompressionRatio = 100 });
        Assert.True(r.Has(ContainerRules.CompressionLimit));
        Assert.Equal(Verdict.Incomplete, r.Verdict);
    }

    [Fact]
    public void Vet_CorruptLz4_NotSafe()
    {
        VetResult r = FakePickleVetter.Vet([0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, 0xA7, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0]);
        Assert.NotEqual(Verdict.Safe, r.Verdict);
    }

    [Fact]
    public void Vet_GzipInTorchZip_NestedJudged()
    {
        byte[] zip = new ZipBuilder().Add("model.joblib", Gzip(PickleSamples.PosixSystem())).Build();
        Assert.Equal(Verdict.Malicious, FakePickleVetter.Vet(zip).Verdict);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Vet_TruncatedAtEveryOffset_NeverSafeNeverThrows(string codec)
    {
        byte[] data = Compress(codec, PickleSamples.PosixSystem());
        (ModelVetter vetter, _) = FakePickleVetter.Create();
        for (int n = 0; n < data.Length; n++)
        {
            VetResult r = vetter.VetStream("t.joblib", new MemoryStream(data, 0, n), n);
            Assert.NotEqual(Verdict.Safe, r.Verdict);
        }
    }
}
