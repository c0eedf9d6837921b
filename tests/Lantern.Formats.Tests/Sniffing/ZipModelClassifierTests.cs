using System.IO.Compression;
using System.Text;
using Lantern.Formats.Sniffing;

namespace Lantern.Formats.Tests.Sniffing;

public sealed class ZipModelClassifierTests
{
    private static byte[] Zip(params (string Name, byte[] Content)[] members) => Zip(CompressionLevel.Optimal, members);

    private static byte[] Zip(CompressionLevel level, params (string Name, byte[] Content)[] members)
    {
        using var ms = new MemoryStream();
        using (var archive = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in members)
            {
                ZipArchiveEntry entry = archive.CreateEntry(name, level);
                using Stream s = entry.Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }

    private static (string, byte[]) M(string name, string content = "x") => (name, Encoding.UTF8.GetBytes(content));

    private static ModelFormatId Classify(byte[] bytes, ZipClassifierOptions? options = null) =>
        ZipModelClassifier.ClassifyZip(new MemoryStream(bytes), options);

    [Fact]
    public void ClassifyZip_TorchSave_IsPyTorchZip()
    {
        Assert.Equal(ModelFormatId.PyTorchZip, Classify(Zip(M("model/data.pkl"), M("model/data/0"), M("model/version", "3\n"), M("model/byteorder", "little"))));
    }

    [Fact]
    public void ClassifyZip_TorchScript_IsTorchScript()
    {
        Assert.Equal(ModelFormatId.TorchScript, Classify(Zip(M("m/data.pkl"), M("m/constants.pkl"), M("m/code/__torch__/model.py"))));
    }

    [Fact]
    public void ClassifyZip_AllNpyMembers_IsNpz()
    {
        Assert.Equal(ModelFormatId.Npz, Classify(Zip(M("w1.npy"), M("b1.npy"))));
    }

    [Theory]
    [InlineData("metadata.json")]
    [InlineData("model.weights.h5")]
    public void ClassifyZip_KerasArchive_IsKeras(string second)
    {
        Assert.Equal(ModelFormatId.Keras, Classify(Zip(M("config.json", "{}"), M(second))));
    }

    [Fact]
    public void ClassifyZip_GgufMember_IsLlamafile()
    {
        Assert.Equal(ModelFormatId.Llamafile, Classify(Zip(CompressionLevel.NoCompression, M(".args", "-m\nmodel.gguf"), ("model.gguf", [.. "GGUF"u8, 3, 0, 0, 0]))));
        Assert.Equal(ModelFormatId.Llamafile, Classify(Zip(M("weights.bin", "GGUF and more"))));
    }

    [Fact]
    public void ClassifyZip_ExecutableWithAppendedZip_IsLlamafile()
    {
        byte[] exe = [.. "MZ"u8, .. new byte[4000]];
        byte[] zip = Zip(CompressionLevel.NoCompression, ("model.gguf", [.. "GGUF"u8, 3, 0, 0, 0]));
        Assert.Equal(ModelFormatId.Llamafile, ZipModelClassifier.ClassifyZip(new MemoryStream([.. exe, .. zip])));
    }

    [Fact]
    public void ClassifyZip_OrdinaryArchive_IsZip()
    {
        Assert.Equal(ModelFormatId.Zip, Classify(Zip(M("readme.txt", "hello"), M("docs/a.md", "# a"))));
    }

    [Fact]
    public void ClassifyZip_NotAZip_IsUnknown()
    {
        Assert.Equal(ModelFormatId.Unknown, Classify(Encoding.UTF8.GetBytes(new string('a', 200))));
        Assert.Equal(ModelFormatId.Unknown, Classify([1, 2, 3]));
    }

    [Fact]
    public void ClassifyZip_TooManyEntries_Throws()
    {
        byte[] zip = Zip(M("a.npy"), M("b.npy"), M("c.npy"));
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => Classify(zip, new ZipClassifierOptions { MaxEntries = 2 }));
        Assert.Equal("zip.entry-count-over-limit", e.Code);
    }

    [Fact]
    public void ClassifyZip_NonSeekable_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ZipModelClassifier.ClassifyZip(new Lantern.Testing.Fixtures.NonSeekableStream(Zip(M("a")))));
    }

    [Fact]
    public void ClassifyZip_EveryTruncatedPrefix_ClassifiesOrThrowsModelFormatException()
    {
        byte[] full = Zip(M("model/data.pkl", "\u0080\u0002}q\u0000."), M("model/version", "3"));
        for (int length = 0; length <= full.Length; length++)
        {
            byte[] prefix = full.AsSpan(0, length).ToArray();
            Gguf.GgufReaderTests.AssertParsesOrFormatError(() => Classify(prefix));
        }
        Assert.Throws<ModelFormatException>(() => Classify(full.AsSpan(0, full.Length - 30).ToArray()));
    }

    [Fact]
    public void ClassifyZip_CorruptedCentralDirectory_ThrowsModelFormatException()
    {
        byte[] zip = Zip(M("model/data.pkl"), M("model/version", "3"));
        var random = new Random(42);
        for (int i = 0; i < 2000; i++)
        {
            byte[] copy = (byte[])zip.Clone();
            int at = random.Next(copy.Length);
            copy[at] = (byte)random.Next(256);
            Gguf.GgufReaderTests.AssertParsesOrFormatError(() => Classify(copy));
        }
    }
}
