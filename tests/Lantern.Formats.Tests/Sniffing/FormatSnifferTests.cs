using System.Text;
using Lantern.Formats.Sniffing;
using Lantern.Testing.Fixtures;

namespace Lantern.Formats.Tests.Sniffing;

public sealed class FormatSnifferTests
{
    private static byte[] B(params int[] bytes) => bytes.Select(b => (byte)b).ToArray();

    private static byte[] Pad(byte[] head) => head.Length >= 16 ? head : [.. head, .. new byte[16 - head.Length]];

    private static byte[] Ascii(string s) => Encoding.Latin1.GetBytes(s);

    public static TheoryData<string, byte[], long, ModelFormatId> Cases() => new()
    {
        { "gguf", new GgufWriter().AddString("general.architecture", "llama").Build(), 1000, ModelFormatId.Gguf },
        { "ggml", Pad(B(0x6C, 0x6D, 0x67, 0x67, 1, 0, 0, 0)), 1000, ModelFormatId.GgmlLegacy },
        { "ggjt", Pad(B(0x74, 0x6A, 0x67, 0x67, 3, 0, 0, 0)), 1000, ModelFormatId.GgmlLegacy },
        { "safetensors", new SafetensorsWriter().AddTensor("a", "F32", [2]).Build(), -1, ModelFormatId.Safetensors },
        { "zip", Pad(B(0x50, 0x4B, 0x03, 0x04, 20, 0)), 1000, ModelFormatId.Zip },
        { "empty zip", Pad(B(0x50, 0x4B, 0x05, 0x06)), 22, ModelFormatId.Zip },
        { "pytorch legacy", Pad(B(0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E, 0x80)), 1000, ModelFormatId.PyTorchLegacy },
        { "pytorch tar", Pad(Ascii("sys_info")), 10240, ModelFormatId.PyTorchTar },
        { "pickle proto 4", Pad(B(0x80, 0x04, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x7D, 0x94)), 100, ModelFormatId.Pickle },
        { "pickle proto 2", Pad(B(0x80, 0x02, 0x7D, 0x71, 0x00, 0x28)), 100, ModelFormatId.Pickle },
        { "pickle proto 0 dict", Ascii("(dp0\nS'a'\np1\nI1\ns."), 100, ModelFormatId.Pickle },
        { "pickle proto 0 global", Ascii("ccollections\nOrderedDict\n"), 100, ModelFormatId.Pickle },
        { "pickle proto 0 os.system", Ascii("cos\nsystem\n(S'id'\ntR."), 100, ModelFormatId.Pickle },
        { "pickle proto 0 inst", Ascii("(ios\nsystem\nS'id'\n"), 100, ModelFormatId.Pickle },
        { "pickle proto 1", Pad(Ascii("}q\0(X\u0001\0\0\0aq\u0001K\u0001u.")), 100, ModelFormatId.Pickle },
        { "gzip", Pad(B(0x1F, 0x8B, 0x08, 0)), 100, ModelFormatId.CompressedStream },
        { "bz2", Pad(B(0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)), 100, ModelFormatId.CompressedStream },
        { "xz", Pad(B(0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00)), 100, ModelFormatId.CompressedStream },
        { "zstd", Pad(B(0x28, 0xB5, 0x2F, 0xFD)), 100, ModelFormatId.CompressedStream },
        { "lz4", Pad(B(0x04, 0x22, 0x4D, 0x18)), 100, ModelFormatId.CompressedStream },
        { "zlib", Pad(B(0x78, 0x9C, 0x63, 0x60)), 100, ModelFormatId.CompressedStream },
        { "lzma", Pad(B(0x5D, 0, 0, 0x80, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)), 100, ModelFormatId.CompressedStream },
        { "npy", Pad([.. B(0x93), .. Ascii("NUMPY"), 1, 0]), 100, ModelFormatId.Numpy },
        { "hdf5", Pad(B(0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A)), 100, ModelFormatId.Hdf5 },
        { "onnx", Pad([0x08, 0x07, 0x12, 0x07, .. Ascii("pytorch"), 0x1A, 0x03]), 100, ModelFormatId.Onnx },
        { "onnx graph first", Pad(B(0x08, 0x09, 0x3A, 0xC5, 0x01, 0x0A)), 100, ModelFormatId.Onnx },
        { "ort", Pad([0x10, 0, 0, 0, .. Ascii("ORTM")]), 100, ModelFormatId.Ort },
        { "tflite", Pad([0x1C, 0, 0, 0, .. Ascii("TFL3")]), 100, ModelFormatId.TfLite },
        { "executorch", Pad([0x1C, 0, 0, 0, .. Ascii("ET12")]), 100, ModelFormatId.ExecuTorch },
        { "coreml", Pad(B(0x08, 0x04, 0x12, 0xB6, 0x02, 0x0A, 0x1F)), 1000, ModelFormatId.CoreMl },
        { "llamafile", Pad(Ascii("MZqFpD='\n\n")), 100000, ModelFormatId.Llamafile },
        { "7z", Pad(B(0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C)), 100, ModelFormatId.SevenZip },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sniff_KnownSignature_ReturnsFormat(string name, byte[] head, long fileLength, ModelFormatId expected)
    {
        Assert.True(name.Length > 0);
        ReadOnlySpan<byte> first = head.AsSpan(0, Math.Min(head.Length, FormatSniffer.HeadLength));
        Assert.Equal(expected, FormatSniffer.Sniff(first, fileLength));
    }

    [Theory]
    [InlineData("Hello, world! This is text.")]
    [InlineData("cat\ndog\nfish and more")]
    [InlineData("# README\n\nSome model")]
    [InlineData("{\"json\": true, \"x\": 1}")]
    [InlineData("](http://example.com)")]
    [InlineData("(define (f x) x)")]
    [InlineData("config: value\nname: x")]
    [InlineData("c:\\windows\\system32")]
    [InlineData("BZh9 is not bzip2")]
    [InlineData("x^2 + y^2 = z^2")]
    [InlineData("MZ plain exe......")]
    public void Sniff_OrdinaryText_IsUnknown(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(ModelFormatId.Unknown, FormatSniffer.Sniff(bytes.AsSpan(0, Math.Min(16, bytes.Length)), bytes.Length));
    }

    [Fact]
    public void Sniff_SafetensorsLengthPastFile_IsUnknown()
    {
        byte[] bytes = new SafetensorsWriter().AddTensor("a", "F32", [2]).Build();
        Assert.Equal(ModelFormatId.Unknown, FormatSniffer.Sniff(bytes.AsSpan(0, 16), 20));
    }

    [Fact]
    public void Sniff_ShortOrEmptyInput_IsUnknown()
    {
        Assert.Equal(ModelFormatId.Unknown, FormatSniffer.Sniff([], 0));
        Assert.Equal(ModelFormatId.Unknown, FormatSniffer.Sniff("GGU"u8, 3));
    }

    [Fact]
    public void Sniff_OnnxWithLowIrVersionOrControlBytes_IsUnknown()
    {
        Assert.Equal(ModelFormatId.Unknown, FormatSniffer.Sniff(Pad(B(0x08, 0x01, 0x12, 0x03, 0x61, 0x62, 0x63)), 100));
        Assert.Equal(ModelFormatId.Unknown, FormatSniffer.Sniff(Pad(B(0x08, 0x07, 0x12, 0x03, 0x01, 0x02, 0x03)), 100));
    }

    [Fact]
    public void Sniff_EveryRandomHead_NeverThrows()
    {
        var random = new Random(1234);
        byte[] head = new byte[16];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(head);
            int length = random.Next(0, 17);
            _ = FormatSniffer.Sniff(head.AsSpan(0, length), random.Next(-1, 100));
        }
    }

    [Fact]
    public void ToReportId_EveryId_IsDistinctLowercase()
    {
        string[] ids = Enum.GetValues<ModelFormatId>().Select(FormatSniffer.ToReportId).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(id.ToLowerInvariant(), id));
        Assert.Equal("pytorch-zip", FormatSniffer.ToReportId(ModelFormatId.PyTorchZip));
    }

    [Theory]
    [InlineData(ModelFormatId.Zip, false)]
    [InlineData(ModelFormatId.CompressedStream, false)]
    [InlineData(ModelFormatId.SevenZip, false)]
    [InlineData(ModelFormatId.Unknown, false)]
    [InlineData(ModelFormatId.Gguf, true)]
    [InlineData(ModelFormatId.PyTorchZip, true)]
    [InlineData(ModelFormatId.Pickle, true)]
    [InlineData(ModelFormatId.Llamafile, true)]
    public void IsModelFormat_ContainersAreNotModels(ModelFormatId id, bool expected)
    {
        Assert.Equal(expected, FormatSniffer.IsModelFormat(id));
    }

    [Fact]
    public void MayHaveAppendedZip_Executables_True()
    {
        Assert.True(FormatSniffer.MayHaveAppendedZip("MZ\x90\0"u8));
        Assert.True(FormatSniffer.MayHaveAppendedZip(B(0x7F, 0x45, 0x4C, 0x46)));
        Assert.False(FormatSniffer.MayHaveAppendedZip("GGUF"u8));
    }
}
