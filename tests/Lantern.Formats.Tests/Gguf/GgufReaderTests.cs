using System.Diagnostics;
using System.Text;
using Lantern.Formats.Gguf;
using Lantern.Testing.Fixtures;

namespace Lantern.Formats.Tests.Gguf;

public sealed class GgufReaderTests
{
    private static GgufWriter Sample() => new GgufWriter()
        .AddString("general.architecture", "llama")
        .AddString("general.name", "Tiny")
        .AddString("general.license", "apache-2.0")
        .AddUInt32("general.quantization_version", 2)
        .AddUInt32("general.file_type", 15)
        .AddUInt64("llama.context_length", 8192)
        .AddInt32("llama.block_count", 2)
        .AddFloat32("llama.rope.freq_base", 10000f)
        .AddBool("tokenizer.ggml.add_bos_token", true)
        .AddUInt8("tiny.u8", 9)
        .AddStringArray("general.tags", ["text-generation", "llama"])
        .AddString("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}")
        .AddString("tokenizer.chat_template.tool_use", "{{ tools }}")
        .AddTensor("token_embd.weight", [256, 4], GgufWriter.GgmlQ4_K, 0)
        .AddTensor("output_norm.weight", [256], GgufWriter.GgmlF32, 576);

    private static GgufHeader Read(byte[] bytes, GgufReaderOptions? options = null) =>
        GgufReader.Read(new MemoryStream(bytes), options);

    private static ModelFormatException Fails(byte[] bytes, GgufReaderOptions? options = null) =>
        Assert.Throws<ModelFormatException>(() => Read(bytes, options));

    private static byte[] WithData(GgufWriter writer, long dataBytes)
    {
        using var ms = new MemoryStream();
        writer.WriteTo(ms, dataBytes);
        return ms.ToArray();
    }

    [Fact]
    public void Read_WellFormedHeader_ReturnsKeysTensorsAndDerivedValues()
    {
        GgufHeader h = Read(WithData(Sample(), 576 + 1024));

        Assert.Equal(3u, h.Version);
        Assert.False(h.BigEndian);
        Assert.Equal(13ul, h.KeyValueCount);
        Assert.Equal(2ul, h.TensorCount);
        Assert.Equal("llama", h.GetString("general.architecture"));
        Assert.Equal(8192ul, h.GetUInt64("llama.context_length"));
        Assert.Equal(2ul, h.GetUInt64("llama.block_count"));
        Assert.Equal(9ul, h.GetUInt64("tiny.u8"));
        Assert.Null(h.GetUInt64("general.name"));
        Assert.Equal(10000.0, h.Find("llama.rope.freq_base")!.AsDouble());
        Assert.True(h.Find("tokenizer.ggml.add_bos_token")!.AsBool());
        Assert.Equal(["text-generation", "llama"], h.Find("general.tags")!.StringArray);
        Assert.Equal("Q4_K_M", h.FileTypeName);
        Assert.Equal(2, h.ChatTemplates.Count);
        Assert.Equal("{{ tools }}", h.ChatTemplates["tokenizer.chat_template.tool_use"]);
        Assert.Equal(32u, h.Alignment);
        Assert.Equal(0, h.DataOffset % 32);
        Assert.Equal(256ul * 4 + 256, h.ParameterCount);
        GgufTensorInfo emb = h.Tensors[0];
        Assert.Equal("Q4_K", emb.Type!.Name);
        Assert.Equal(144ul * 4, emb.ByteSize);
        Assert.Equal(1024ul, h.Tensors[1].ByteSize);
        Assert.Empty(h.Issues);
    }

    [Fact]
    public void Read_NonSeekableStreamWithShortReads_MatchesSeekableResult()
    {
        byte[] bytes = Sample().Build();
        GgufHeader a = GgufReader.Read(new NonSeekableStream(bytes));
        GgufHeader b = Read(bytes);
        Assert.Equal(b.KeyValues.Count, a.KeyValues.Count);
        Assert.Equal(b.DataOffset, a.DataOffset);
        Assert.Equal(b.ParameterCount, a.ParameterCount);
    }

    [Fact]
    public void Read_BigEndianV3_DetectsByteSwappedVersion()
    {
        GgufHeader h = Read(Sample().BigEndian().Build());
        Assert.True(h.BigEndian);
        Assert.Equal(3u, h.Version);
        Assert.Equal("llama", h.GetString("general.architecture"));
        Assert.Equal(8192ul, h.GetUInt64("llama.context_length"));
        Assert.Equal([256ul, 4ul], h.Tensors[0].Dimensions);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    public void Read_OlderVersions_ReadsCountsOfTheirWidth(uint version)
    {
        GgufHeader h = Read(Sample().Version(version).Build());
        Assert.Equal(version, h.Version);
        Assert.Equal("Tiny", h.GetString("general.name"));
        Assert.Equal(2, h.Tensors.Count);
    }

    [Fact]
    public void Read_BadMagic_Throws()
    {
        Assert.Equal("gguf.bad-magic", Fails(Sample().Magic("GGUX").Build()).Code);
    }

    [Fact]
    public void Read_UnknownVersion_Throws()
    {
        ModelFormatException e = Fails(Sample().RawVersion(7).Build());
        Assert.Equal("gguf.unsupported-version", e.Code);
        Assert.Equal(4, e.Offset);
    }

    [Fact]
    public void Read_TwoToTheSixtySecondKeyValues_FailsFastWithoutAllocating()
    {
        byte[] bytes = new GgufWriter().ClaimKeyValueCount(1UL << 62).Build();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        ModelFormatException e = Fails(bytes);
        sw.Stop();
        Assert.Equal("gguf.kv-count-over-limit", e.Code);
        Assert.Equal(24, e.Offset);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024);
        Assert.True(sw.ElapsedMilliseconds < 1000);
    }

    [Fact]
    public void Read_KeyValueCountBeyondInput_Throws()
    {
        Assert.Equal("gguf.kv-count-exceeds-input", Fails(Sample().ClaimKeyValueCount(50_000).Build()).Code);
    }

    [Fact]
    public void Read_TensorCountOverLimitOrInput_Throws()
    {
        Assert.Equal("gguf.tensor-count-over-limit", Fails(Sample().ClaimTensorCount(1UL << 40).Build()).Code);
        Assert.Equal("gguf.tensor-count-exceeds-input", Fails(Sample().ClaimTensorCount(100_000).Build()).Code);
    }

    [Fact]
    public void Read_KeyLongerThanSpecLimit_Throws()
    {
        byte[] bytes = new GgufWriter().AddString(new string('k', 70_000), "v").Build();
        Assert.Equal("gguf.string-over-limit", Fails(bytes).Code);
    }

    [Fact]
    public void Read_ValueStringOverLimit_Throws()
    {
        byte[] bytes = new GgufWriter().AddString("general.description", new string('x', 5000)).Build();
        var options = new GgufReaderOptions { MaxValueStringBytes = 4096 };
        Assert.Equal("gguf.string-over-limit", Fails(bytes, options).Code);
    }

    [Fact]
    public void Read_StringLengthBeyondInput_Throws()
    {
        byte[] bytes = new GgufWriter().AddRaw("general.name", GgufWriter.TypeString, BitConverter.GetBytes(1_000_000UL)).Build();
        Assert.Equal("gguf.string-exceeds-input", Fails(bytes).Code);
    }

    [Fact]
    public void Read_LongString_KeepsPrefixAndFullLength()
    {
        GgufHeader h = Read(new GgufWriter().AddString("general.description", new string('d', 10_000)).Build());
        GgufKeyValue kv = h.Find("general.description")!;
        Assert.True(kv.IsTruncated);
        Assert.Equal(10_000ul, kv.StringByteLength);
        Assert.Equal(4096, kv.AsString()!.Length);
    }

    [Fact]
    public void Read_UnknownValueType_Throws()
    {
        Assert.Equal("gguf.unknown-value-type", Fails(new GgufWriter().AddRaw("x.y", 13, [0, 0, 0, 0]).Build()).Code);
    }

    [Fact]
    public void Read_ArrayOverElementLimit_Throws()
    {
        byte[] bytes = new GgufWriter().AddArray("x.arr", GgufWriter.TypeUInt8, 5000, new byte[5000]).Build();
        Assert.Equal("gguf.array-over-limit", Fails(bytes, new GgufReaderOptions { MaxArrayElements = 4096 }).Code);
    }

    [Fact]
    public void Read_ArrayCountBeyondInput_Throws()
    {
        byte[] bytes = new GgufWriter().AddArray("x.arr", GgufWriter.TypeUInt64, 1_000_000, new byte[16]).Build();
        Assert.Equal("gguf.array-exceeds-input", Fails(bytes).Code);
    }

    [Fact]
    public void Read_NestedArraysWithinDepth_AreSkipped()
    {
        GgufHeader h = Read(new GgufWriter().AddNestedArray("x.nested", 4).AddString("after", "ok").Build());
        Assert.Equal(GgufValueType.Array, h.Find("x.nested")!.ArrayElementType);
        Assert.Equal("ok", h.GetString("after"));
    }

    [Fact]
    public void Read_ArraysNestedPastDepthLimit_ThrowsWithoutRecursing()
    {
        byte[] bytes = new GgufWriter().AddNestedArray("x.nested", 10_000).Build();
        Assert.Equal("gguf.array-depth-over-limit", Fails(bytes).Code);
    }

    [Fact]
    public void Read_LargeStringArray_IsSkippedButCounted()
    {
        string[] tokens = Enumerable.Range(0, 100).Select(i => $"tok{i}").ToArray();
        GgufHeader h = Read(new GgufWriter().AddStringArray("tokenizer.ggml.tokens", tokens).AddString("after", "ok").Build());
        GgufKeyValue kv = h.Find("tokenizer.ggml.tokens")!;
        Assert.Null(kv.StringArray);
        Assert.Equal(100ul, kv.ArrayCount);
        Assert.Equal("ok", h.GetString("after"));
    }

    [Fact]
    public void Read_DuplicateKeysAndTensors_AreIssues()
    {
        GgufHeader h = Read(new GgufWriter()
            .AddString("general.name", "a").AddString("general.name", "b")
            .AddTensor("t", [32], GgufWriter.GgmlF32, 0).AddTensor("t", [32], GgufWriter.GgmlF32, 128)
            .Build());
        Assert.Equal("a", h.GetString("general.name"));
        Assert.Contains(h.Issues, i => i.Code == "gguf.duplicate-key");
        Assert.Contains(h.Issues, i => i.Code == "gguf.duplicate-tensor");
    }

    [Fact]
    public void Read_TensorViolations_AreIssues()
    {
        GgufHeader h = Read(new GgufWriter()
            .AddTensor("unknown", [32], 4, 0)
            .AddTensor("misaligned", [8], GgufWriter.GgmlF32, 40)
            .AddTensor("overlaps", [32], GgufWriter.GgmlF32, 64)
            .AddTensor("overlapped", [32], GgufWriter.GgmlF32, 96)
            .AddTensor("zero", [0], GgufWriter.GgmlF32, 256)
            .AddTensor("five", [1, 1, 1, 1, 1], GgufWriter.GgmlF32, 288)
            .AddTensor("block", [33], GgufWriter.GgmlQ4_0, 320)
            .AddTensor("huge", [ulong.MaxValue / 2, 4], GgufWriter.GgmlF32, 384)
            .Build());
        string[] codes = h.Issues.Select(i => i.Code).ToArray();
        Assert.Contains("gguf.tensor-type-unknown", codes);
        Assert.Contains("gguf.tensor-misaligned", codes);
        Assert.Contains("gguf.tensor-overlap", codes);
        Assert.Contains("gguf.tensor-dim-zero", codes);
        Assert.Contains("gguf.tensor-dims-too-many", codes);
        Assert.Contains("gguf.tensor-block-mismatch", codes);
        Assert.Contains("gguf.tensor-size-overflow", codes);
        Assert.Contains("gguf.tensor-past-eof", codes);
        Assert.Null(h.Tensors.Single(t => t.Name == "huge").ByteSize);
    }

    [Fact]
    public void Read_TensorPastEndOfKnownFile_IsIssueButNotWhenLengthUnknown()
    {
        byte[] bytes = WithData(new GgufWriter().AddTensor("t", [1024], GgufWriter.GgmlF32, 0), 100);
        Assert.Contains(Read(bytes).Issues, i => i.Code == "gguf.tensor-past-eof");
        Assert.DoesNotContain(GgufReader.Read(new NonSeekableStream(bytes)).Issues, i => i.Code == "gguf.tensor-past-eof");
        Assert.Empty(Read(WithData(new GgufWriter().AddTensor("t", [1024], GgufWriter.GgmlF32, 0), 4096)).Issues);
    }

    [Fact]
    public void Read_TooManyDimsPastHardLimit_Throws()
    {
        byte[] bytes = new GgufWriter().AddTensor("t", new ulong[20], GgufWriter.GgmlF32, 0).Build();
        Assert.Equal("gguf.tensor-dims-over-limit", Fails(bytes).Code);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(48u)]
    public void Read_BadAlignment_IsIssueAndDefaultUsed(uint alignment)
    {
        GgufHeader h = Read(new GgufWriter().AddUInt32("general.alignment", alignment).Build());
        Assert.Equal(32u, h.Alignment);
        Assert.Contains(h.Issues, i => i.Code == "gguf.alignment-invalid");
    }

    [Fact]
    public void Read_CustomAlignment_AlignsDataOffset()
    {
        GgufHeader h = Read(new GgufWriter().AddUInt32("general.alignment", 64).AddTensor("t", [16], GgufWriter.GgmlF32, 64).Build());
        Assert.Equal(64u, h.Alignment);
        Assert.Equal(0, h.DataOffset % 64);
    }

    [Fact]
    public void Read_ChatTemplateOverLimit_IsFlaggedAndTruncated()
    {
        GgufHeader h = Read(new GgufWriter().AddString("tokenizer.chat_template", new string('t', 3000)).Build(),
            new GgufReaderOptions { MaxChatTemplateBytes = 2048, KeptStringBytes = 100 });
        Assert.Contains(h.Issues, i => i.Code == "gguf.chat-template-over-limit");
        Assert.Equal(2048, h.ChatTemplates["tokenizer.chat_template"].Length);
        Assert.Equal(100, h.GetString("tokenizer.chat_template")!.Length);
    }

    [Fact]
    public void Read_ChatTemplateLongerThanKeptStrings_IsKeptInFull()
    {
        string template = new('t', 20_000);
        GgufHeader h = Read(new GgufWriter().AddString("tokenizer.chat_template", template).Build());
        Assert.Equal(template, h.ChatTemplates["tokenizer.chat_template"]);
        Assert.Empty(h.Issues);
    }

    [Fact]
    public void Read_ChatTemplateNotAString_IsIssue()
    {
        GgufHeader h = Read(new GgufWriter().AddUInt32("tokenizer.chat_template", 1).Build());
        Assert.Contains(h.Issues, i => i.Code == "gguf.chat-template-not-string");
        Assert.Empty(h.ChatTemplates);
    }

    [Fact]
    public void Read_InvalidUtf8KeyAndBadBool_AreIssues()
    {
        GgufHeader h = Read(new GgufWriter()
            .AddRawKey([0x61, 0xFF, 0x62], GgufWriter.TypeUInt8, [1])
            .AddRaw("x.flag", GgufWriter.TypeBool, [7])
            .Build());
        Assert.Contains(h.Issues, i => i.Code == "gguf.key-invalid-utf8");
        Assert.Contains(h.Issues, i => i.Code == "gguf.bool-invalid");
    }

    [Fact]
    public void Read_HeaderOverByteBudget_Throws()
    {
        byte[] bytes = new GgufWriter().AddString("general.description", new string('d', 10_000)).Build();
        ModelFormatException e = Assert.Throws<ModelFormatException>(() =>
            GgufReader.Read(new NonSeekableStream(bytes, 4096), new GgufReaderOptions { MaxHeaderBytes = 2048 }));
        Assert.Equal("gguf.header-over-limit", e.Code);
    }

    [Fact]
    public void Read_EveryTruncatedPrefix_ParsesOrThrowsModelFormatException()
    {
        byte[] full = Sample().AddNestedArray("x.nested", 3).Build();
        for (int length = 0; length < full.Length; length++)
        {
            byte[] prefix = full.AsSpan(0, length).ToArray();
            AssertParsesOrFormatError(() => GgufReader.Read(new MemoryStream(prefix)));
            AssertParsesOrFormatError(() => GgufReader.Read(new NonSeekableStream(prefix, 13)));
        }
        // The header padding is not needed to read the header, so only a cut before it must fail.
        Assert.Throws<ModelFormatException>(() => Read(full.AsSpan(0, full.Length - 40).ToArray()));
    }

    [Fact]
    public void Read_TruncatedInsideString_ReportsTruncatedWithOffset()
    {
        byte[] full = new GgufWriter().AddString("general.name", "abcdefgh").Build();
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => GgufReader.Read(new NonSeekableStream(full.AsSpan(0, 50).ToArray())));
        Assert.Equal("gguf.truncated", e.Code);
        Assert.True(e.Offset > 24);
    }

    [Fact]
    public void Read_VocabularyOf150kTokens_IsFastAndDoesNotKeepElements()
    {
        string[] tokens = Enumerable.Range(0, 150_000).Select(i => "▁tok" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        byte[] bytes = Sample().AddStringArray("tokenizer.ggml.tokens", tokens)
            .AddArray("tokenizer.ggml.scores", GgufWriter.TypeFloat32, 150_000, new byte[600_000])
            .Build();
        Read(bytes); // warm up the JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        GgufHeader h = Read(bytes);
        sw.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(150_000ul, h.Find("tokenizer.ggml.tokens")!.ArrayCount);
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
        Assert.True(sw.ElapsedMilliseconds < 200, $"took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Read_EncodedTextIsUtf8_Decodes()
    {
        GgufHeader h = Read(new GgufWriter().AddString("general.name", "Modèle 日本").Build());
        Assert.Equal("Modèle 日本", h.GetString("general.name"));
        Assert.Equal((ulong)Encoding.UTF8.GetByteCount("Modèle 日本"), h.Find("general.name")!.StringByteLength);
    }

    internal static void AssertParsesOrFormatError(Action read)
    {
        try
        {
            read();
        }
        catch (ModelFormatException)
        {
        }
    }
}
