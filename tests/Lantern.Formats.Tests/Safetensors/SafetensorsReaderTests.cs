using System.Buffers.Binary;
using System.Text;
using Lantern.Formats.Safetensors;
using Lantern.Formats.Tests.Gguf;
using Lantern.Testing.Fixtures;

namespace Lantern.Formats.Tests.Safetensors;

public sealed class SafetensorsReaderTests
{
    private static SafetensorsWriter Sample() => new SafetensorsWriter()
        .AddMetadata("format", "pt")
        .AddTensor("model.embed_tokens.weight", "BF16", [32, 8])
        .AddTensor("model.norm.weight", "F32", [8])
        .AddTensor("lm_head.weight", "BF16", [32, 8]);

    private static SafetensorsHeader Read(byte[] bytes, SafetensorsReaderOptions? options = null) =>
        SafetensorsReader.Read(new MemoryStream(bytes), bytes.Length, options);

    private static string Fails(byte[] bytes, SafetensorsReaderOptions? options = null) =>
        Assert.Throws<ModelFormatException>(() => Read(bytes, options)).Code;

    private static string[] IssueCodes(SafetensorsWriter writer) => Read(writer.Build()).Issues.Select(i => i.Code).ToArray();

    [Fact]
    public void Read_WellFormedFile_ReturnsTensorsMetadataAndCounts()
    {
        byte[] bytes = Sample().PadHeader(5).Build();
        SafetensorsHeader h = Read(bytes);
        Assert.Equal("pt", h.Metadata["format"]);
        Assert.Equal(3, h.Tensors.Count);
        Assert.Equal(32ul * 8 * 2 + 8, h.ParameterCount);
        Assert.Equal(512ul, h.ParametersByDtype["BF16"]);
        Assert.Equal(8ul, h.ParametersByDtype["F32"]);
        Assert.Equal("BF16", h.PredominantDtype);
        Assert.Equal([32ul, 8ul], h.Tensors[0].Shape);
        Assert.Equal((ulong)(bytes.Length - 8) - h.BufferLength, h.HeaderLength);
        Assert.Empty(h.Issues);
    }

    [Fact]
    public void Read_UnknownFileLengthOnNonSeekableStream_SkipsEndChecks()
    {
        byte[] bytes = Sample().BufferLength(3).Build();
        SafetensorsHeader h = SafetensorsReader.Read(new NonSeekableStream(bytes), -1);
        Assert.Equal(3, h.Tensors.Count);
        Assert.Empty(h.Issues);
    }

    [Fact]
    public void Read_HeaderLengthOverLimit_Throws()
    {
        Assert.Equal("safetensors.header-over-limit", Fails(Sample().ClaimHeaderLength(200_000_000).Build()));
        Assert.Equal("safetensors.header-over-limit", Fails(Sample().ClaimHeaderLength(ulong.MaxValue).Build()));
    }

    [Fact]
    public void Read_HeaderLengthPastFile_Throws()
    {
        Assert.Equal("safetensors.header-exceeds-file", Fails(Sample().ClaimHeaderLength(50_000).Build()));
    }

    [Fact]
    public void Read_HeaderLengthTooSmallOrNotObject_Throws()
    {
        Assert.Equal("safetensors.header-empty", Fails(Sample().ClaimHeaderLength(0).Build()));
        Assert.Equal("safetensors.bad-header-start", Fails(new SafetensorsWriter().RawHeader("[1, 2]").Build()));
    }

    [Theory]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}} x")]
    [InlineData("{\"a\": {\"dtype\": \"F32\" \"shape\": [1]}}")]
    public void Read_InvalidJson_Throws(string json)
    {
        Assert.Equal("safetensors.invalid-json", Fails(new SafetensorsWriter().RawHeader(json).BufferLength(4).Build()));
    }

    [Fact]
    public void Read_DeepNesting_ThrowsInvalidJson()
    {
        string json = "{\"a\": {\"extra\": " + new string('[', 100) + new string(']', 100) + "}}";
        Assert.Equal("safetensors.invalid-json", Fails(new SafetensorsWriter().RawHeader(json).Build()));
    }

    [Theory]
    [InlineData("{\"a\": 5}", "safetensors.tensor-not-object")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", "safetensors.tensor-missing-field")]
    [InlineData("{\"a\": {\"dtype\": 1, \"shape\": [1], \"data_offsets\": [0, 4]}}", "safetensors.bad-dtype")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "safetensors.bad-number")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "safetensors.bad-number")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": 1, \"data_offsets\": [0, 4]}}", "safetensors.bad-shape")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "safetensors.bad-offsets")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4, 8]}}", "safetensors.bad-offsets")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1], \"data_offsets\": [0, 4]}}", "safetensors.dims-over-limit")]
    public void Read_StructuralErrors_Throw(string json, string code)
    {
        Assert.Equal(code, Fails(new SafetensorsWriter().RawHeader(json).BufferLength(4).Build()));
    }

    [Fact]
    public void Read_TooManyTensors_Throws()
    {
        var w = new SafetensorsWriter();
        for (int i = 0; i < 10; i++)
        {
            w.AddTensor($"t{i}", "U8", [1]);
        }
        Assert.Equal("safetensors.tensor-count-over-limit", Fails(w.Build(), new SafetensorsReaderOptions { MaxTensors = 5 }));
    }

    [Fact]
    public void Read_SizeMismatch_IsIssue()
    {
        Assert.Contains("safetensors.size-mismatch", IssueCodes(new SafetensorsWriter().AddTensor("a", "F32", [4], 0, 12)));
    }

    [Fact]
    public void Read_OverlapAndGap_AreIssues()
    {
        Assert.Contains("safetensors.overlap", IssueCodes(new SafetensorsWriter()
            .AddTensor("a", "U8", [8], 0, 8).AddTensor("b", "U8", [8], 4, 12)));
        Assert.Contains("safetensors.gap", IssueCodes(new SafetensorsWriter()
            .AddTensor("a", "U8", [8], 0, 8).AddTensor("b", "U8", [8], 16, 24)));
        Assert.Contains("safetensors.gap", IssueCodes(new SafetensorsWriter().AddTensor("a", "U8", [8], 8, 16)));
    }

    [Fact]
    public void Read_OutOfBoundsAndBufferMismatch_AreIssues()
    {
        string[] shortFile = IssueCodes(Sample().BufferLength(100));
        Assert.Contains("safetensors.out-of-bounds", shortFile);
        Assert.Contains("safetensors.buffer-size-mismatch", shortFile);
        string[] longFile = IssueCodes(Sample().BufferLength(5000));
        Assert.DoesNotContain("safetensors.out-of-bounds", longFile);
        Assert.Contains("safetensors.buffer-size-mismatch", longFile);
    }

    [Fact]
    public void Read_DuplicateTensor_IsIssue()
    {
        string json = "{\"a\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]}, \"a\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [1, 2]}}";
        Assert.Contains("safetensors.duplicate-tensor", IssueCodes(new SafetensorsWriter().RawHeader(json).BufferLength(2)));
    }

    [Fact]
    public void Read_UnknownDtypeAndReversedOffsets_AreIssues()
    {
        Assert.Contains("safetensors.dtype-unknown", IssueCodes(new SafetensorsWriter().AddTensor("a", "Q9", [4], 0, 4)));
        Assert.Contains("safetensors.offsets-reversed", IssueCodes(new SafetensorsWriter().AddTensor("a", "U8", [4], 8, 4).BufferLength(8)));
    }

    [Fact]
    public void Read_ShapeOverflow_IsIssue()
    {
        Assert.Contains("safetensors.size-overflow", IssueCodes(new SafetensorsWriter().AddTensor("a", "F32", [ulong.MaxValue / 2, 3], 0, 4)));
    }

    [Fact]
    public void Read_MetadataNonString_IsIssueAndOthersKept()
    {
        string json = "{\"__metadata__\": {\"format\": \"mlx\", \"n\": 5, \"o\": {\"x\": [1]}}, \"a\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]}}";
        SafetensorsHeader h = Read(new SafetensorsWriter().RawHeader(json).BufferLength(1).Build());
        Assert.Equal("mlx", h.Metadata["format"]);
        Assert.Equal(2, h.Issues.Count(i => i.Code == "safetensors.metadata-non-string"));
        Assert.Single(h.Tensors);
    }

    [Fact]
    public void Read_MetadataNotObject_IsIssue()
    {
        string json = "{\"__metadata__\": [1, 2], \"a\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]}}";
        SafetensorsHeader h = Read(new SafetensorsWriter().RawHeader(json).BufferLength(1).Build());
        Assert.Contains(h.Issues, i => i.Code == "safetensors.metadata-not-object");
    }

    [Fact]
    public void Read_ScalarAndSubByteDtypes_SizeCorrectly()
    {
        SafetensorsHeader h = Read(new SafetensorsWriter()
            .AddTensor("scalar", "F32", [], 0, 4)
            .AddTensor("f4", "F4", [16], 4, 12)
            .Build());
        Assert.Empty(h.Issues);
        Assert.Equal(17ul, h.ParameterCount);
    }

    [Fact]
    public void Read_EveryTruncatedPrefix_ParsesOrThrowsModelFormatException()
    {
        byte[] full = Sample().Build();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(full);
        for (int length = 0; length <= full.Length; length++)
        {
            byte[] prefix = full.AsSpan(0, length).ToArray();
            GgufReaderTests.AssertParsesOrFormatError(() => SafetensorsReader.Read(new MemoryStream(prefix), prefix.Length));
            GgufReaderTests.AssertParsesOrFormatError(() => SafetensorsReader.Read(new NonSeekableStream(prefix), -1));
            if (length < headerEnd)
            {
                Assert.Throws<ModelFormatException>(() => SafetensorsReader.Read(new NonSeekableStream(prefix), -1));
            }
        }
    }

    [Fact]
    public void Read_EveryTruncatedHeaderText_ParsesOrThrowsModelFormatException()
    {
        string json = new SafetensorsWriter().AddMetadata("format", "pt").AddTensor("a", "F32", [2, 2]).HeaderJson();
        byte[] jsonBytes = Encoding.UTF8.GetBytes(json);
        for (int length = 2; length < jsonBytes.Length; length++)
        {
            string cut = Encoding.UTF8.GetString(jsonBytes, 0, length);
            byte[] bytes = new SafetensorsWriter().RawHeader(cut).BufferLength(16).Build();
            Assert.Throws<ModelFormatException>(() => Read(bytes));
        }
    }
}
