using Lantern.Formats.Sniffing;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Gguf;
using Xunit;

namespace Lantern.Vetting.Tests.Gguf;

public sealed class GgufVetterTests
{
    private static GgufWriter Base() => new GgufWriter()
        .AddString("general.architecture", "llama")
        .AddString("general.name", "fixture");

    /// <summary>A header plus one F32 tensor of 32 elements (128 bytes) at offset 0, data present.</summary>
    private static byte[] WithTensor(GgufWriter writer, ulong dataBytes = 128)
    {
        using var ms = new MemoryStream();
        writer.AddTensor("blk.0.weight", [32], GgufWriter.GgmlF32, 0).WriteTo(ms, (long)dataBytes);
        return ms.ToArray();
    }

    [Theory]
    [MemberData(nameof(ChatTemplates.Benign), MemberType = typeof(ChatTemplates))]
    public void Vet_WellFormedWithRealTemplate_Safe(string model, string template)
    {
        VetResult result = VetHarness.Vet(WithTensor(Base().AddString("tokenizer.chat_template", template)));

        Assert.True(result.Verdict == Verdict.Safe, $"{model}: {string.Join("; ", result.Findings.Select(f => f.RuleId + " " + f.Message))}");
        Assert.Equal("gguf", result.Format);
    }

    [Fact]
    public void Vet_LlamaDramaTemplate_MaliciousWithEvidence()
    {
        VetResult result = VetHarness.Vet(WithTensor(Base().AddString("tokenizer.chat_template", ChatTemplates.LlamaDrama)));

        Assert.Equal(Verdict.Malicious, result.Verdict);
        VetFinding finding = result.Findings.First(f => f.RuleId == GgufRules.TemplateDunderAccess);
        Assert.Equal("tokenizer.chat_template", finding.Evidence["key"]);
        Assert.Equal(64, finding.Evidence["templateSha256"].Length);
        Assert.True(long.Parse(finding.Evidence["offset"]) > 0);
    }

    [Fact]
    public void Vet_MaliciousNamedTemplateOnly_Malicious()
    {
        VetResult result = VetHarness.Vet(WithTensor(Base()
            .AddString("tokenizer.chat_template", ChatTemplates.ChatMl)
            .AddString("tokenizer.chat_template.tool_use", "{{ cycler.__init__.__globals__.os.popen('id').read() }}")));

        Assert.Equal(Verdict.Malicious, result.Verdict);
        Assert.All(result.Findings, f => Assert.Equal("tokenizer.chat_template.tool_use", f.Evidence["key"]));
    }

    [Fact]
    public void Vet_DuplicateTemplateKey_MalformedAndSecondTemplateNotHidden()
    {
        // Loaders disagree on which duplicate wins; the duplicate itself is the finding.
        VetResult result = VetHarness.Vet(WithTensor(Base()
            .AddString("tokenizer.chat_template", ChatTemplates.ChatMl)
            .AddString("tokenizer.chat_template", ChatTemplates.LlamaDrama)));

        Assert.Contains(GgufRules.DuplicateKey, result.Rules());
        Assert.NotEqual(Verdict.Safe, result.Verdict);
    }

    public static TheoryData<string, Func<byte[]>, string, Verdict> Structural => new()
    {
        { "tensor past EOF (Bleeding Llama)", () => WithTensor(Base(), dataBytes: 64), GgufRules.TensorPastEof, Verdict.Malformed },
        { "overlapping tensors", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [32], GgufWriter.GgmlF32, 0).AddTensor("b", [32], GgufWriter.GgmlF32, 64).WriteTo(ms, 256); return ms.ToArray(); }, GgufRules.TensorOverlap, Verdict.Malformed },
        { "misaligned tensor", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [8], GgufWriter.GgmlF32, 4).WriteTo(ms, 64); return ms.ToArray(); }, GgufRules.TensorMisaligned, Verdict.Malformed },
        { "n_dims 5", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [1, 1, 1, 1, 8], GgufWriter.GgmlF32, 0).WriteTo(ms, 32); return ms.ToArray(); }, GgufRules.TooManyDims, Verdict.Malformed },
        { "n_dims 17 (fatal)", () => Base().AddTensor("a", Enumerable.Repeat(1UL, 17).ToArray(), GgufWriter.GgmlF32, 0).Build(), GgufRules.TooManyDims, Verdict.Malformed },
        { "removed tensor type 4", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [32], 4, 0).WriteTo(ms, 128); return ms.ToArray(); }, GgufRules.UnknownTensorType, Verdict.Malformed },
        { "negative tensor type", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [32], uint.MaxValue, 0).WriteTo(ms, 128); return ms.ToArray(); }, GgufRules.UnknownTensorType, Verdict.Malformed },
        { "ggml_nbytes overflow (CVE-2026-33298)", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [1UL << 40, 1UL << 40], GgufWriter.GgmlF32, 0).WriteTo(ms, 128); return ms.ToArray(); }, GgufRules.SizeOverflow, Verdict.Malformed },
        { "row not a block multiple", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [10], GgufWriter.GgmlQ4_0, 0).WriteTo(ms, 64); return ms.ToArray(); }, GgufRules.BlockMismatch, Verdict.Malformed },
        { "zero dimension", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [0], GgufWriter.GgmlF32, 0).WriteTo(ms, 32); return ms.ToArray(); }, GgufRules.ZeroDim, Verdict.Malformed },
        { "duplicate key", () => WithTensor(Base().AddString("general.name", "again")), GgufRules.DuplicateKey, Verdict.Malformed },
        { "duplicate tensor", () => { using var ms = new MemoryStream(); Base().AddTensor("a", [32], GgufWriter.GgmlF32, 0).AddTensor("a", [32], GgufWriter.GgmlF32, 128).WriteTo(ms, 256); return ms.ToArray(); }, GgufRules.DuplicateTensor, Verdict.Malformed },
        { "alignment not a power of two", () => WithTensor(Base().AddUInt32("general.alignment", 3)), GgufRules.BadAlignment, Verdict.Malformed },
        { "alignment wrong type", () => WithTensor(Base().AddUInt64("general.alignment", 32)), GgufRules.BadAlignment, Verdict.Malformed },
        { "tensor name over 64 bytes", () => { using var ms = new MemoryStream(); Base().AddTensor(new string('n', 65), [32], GgufWriter.GgmlF32, 0).WriteTo(ms, 128); return ms.ToArray(); }, GgufRules.TensorNameTooLong, Verdict.Malformed },
        { "invalid bool", () => WithTensor(Base().AddRaw("general.flag", GgufWriter.TypeBool, [7])), GgufRules.BadEncoding, Verdict.Malformed },
        { "invalid UTF-8 key", () => WithTensor(Base().AddRawKey([0xff, 0xfe], GgufWriter.TypeUInt8, [1])), GgufRules.BadEncoding, Verdict.Malformed },
        { "chat template not a string", () => WithTensor(Base().AddUInt32("tokenizer.chat_template", 1)), GgufRules.TemplateNotString, Verdict.Malformed },
        { "KV count exceeds file (CVE-2024-21802)", () => Base().ClaimKeyValueCount(1UL << 40).Build(), GgufRules.CountExceedsInput, Verdict.Malformed },
        { "tensor count exceeds file", () => Base().ClaimTensorCount(1UL << 30).Build(), GgufRules.CountExceedsInput, Verdict.Malformed },
        { "string length huge (CVE-2024-23496)", () => Base().AddRaw("general.x", GgufWriter.TypeString, BitConverter.GetBytes(1UL << 62)).Build(), GgufRules.CountExceedsInput, Verdict.Malformed },
        { "array count huge", () => Base().AddArray("tokenizer.ggml.tokens", GgufWriter.TypeUInt32, 1UL << 40).Build(), GgufRules.CountExceedsInput, Verdict.Malformed },
        { "arrays nested deep (gguf-py recursion)", () => Base().AddNestedArray("x", 50).Build(), GgufRules.ArrayNesting, Verdict.Malformed },
        { "unknown value type", () => Base().AddRaw("x", 99, [0]).Build(), GgufRules.UnknownValueType, Verdict.Malformed },
        { "unsupported version", () => Base().Version(9).Build(), GgufRules.Unreadable, Verdict.Malformed },
        { "template over 1 MiB", () => WithTensor(Base().AddString("tokenizer.chat_template", new string('x', (1024 * 1024) + 10))), GgufRules.TemplateOverLimit, Verdict.Suspicious },
    };

    [Theory]
    [MemberData(nameof(Structural))]
    public void Vet_HardeningViolation_RuleAndVerdict(string name, Func<byte[]> build, string rule, Verdict verdict)
    {
        VetResult result = VetHarness.Vet(build());

        Assert.True(result.Rules().Contains(rule), $"{name}: got {string.Join(", ", result.Rules())}");
        Assert.True(result.Verdict >= verdict, $"{name}: {result.Verdict}");
        Assert.NotEqual(Verdict.Safe, result.Verdict);
    }

    [Fact]
    public void Vet_EveryReaderIssueCode_HasARuleOtherThanFallback()
    {
        string[] codes =
        [
            "gguf.alignment-invalid", "gguf.alignment-wrong-type", "gguf.array-depth-over-limit", "gguf.array-over-limit", "gguf.bad-magic",
            "gguf.bool-invalid", "gguf.chat-template-not-string", "gguf.chat-template-over-limit", "gguf.duplicate-key", "gguf.duplicate-tensor",
            "gguf.key-empty", "gguf.key-invalid-utf8", "gguf.parameter-count-overflow", "gguf.string-over-limit", "gguf.tensor-block-mismatch",
            "gguf.tensor-dim-zero", "gguf.tensor-dims-over-limit", "gguf.tensor-dims-too-many", "gguf.tensor-misaligned", "gguf.tensor-name-invalid-utf8",
            "gguf.tensor-name-too-long", "gguf.tensor-overlap", "gguf.tensor-past-eof", "gguf.tensor-size-overflow", "gguf.tensor-type-unknown",
            "gguf.unknown-value-type", "gguf.unsupported-version", "gguf.truncated", "gguf.header-over-limit", "gguf.kv-count-exceeds-input",
        ];

        Assert.All(codes, c => Assert.NotEqual(GgufRules.UnknownIssue, GgufRules.ForCode(c)));
        Assert.Equal(GgufRules.UnknownIssue, GgufRules.ForCode("gguf.something-new"));
    }

    [Fact]
    public void Vet_TruncatedAtEveryOffset_NeverSafeNeverThrows()
    {
        byte[] full = WithTensor(Base().AddString("tokenizer.chat_template", ChatTemplates.LlamaDrama));
        Assert.Equal(Verdict.Malicious, VetHarness.Vet(full).Verdict);

        for (int length = 0; length < full.Length; length++)
        {
            VetResult result = VetHarness.Vet(full[..length]);
            Assert.True(result.Verdict != Verdict.Safe, $"prefix {length} judged safe");
        }
    }

    [Fact]
    public void Vet_SparseHugeFile_HeaderOnlyAndFast()
    {
        using var dir = new Lantern.Testing.TempDirectory();
        string path = dir.File("big.gguf");
        const ulong elements = 10UL * 1024 * 1024 * 1024 / 4;
        using (var fs = new FileStream(path, FileMode.Create))
        {
            Base().AddString("tokenizer.chat_template", ChatTemplates.Qwen25Tools).AddTensor("w", [elements], GgufWriter.GgmlF32, 0).WriteTo(fs, (long)(elements * 4));
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        VetResult result = new ModelVetter().VetFile(path);

        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Registry_GgufFormat_HandledByGgufVetter()
    {
        Assert.Contains(VetterRegistry.All, v => v.Id == "gguf" && v.Formats.Contains(ModelFormatId.Gguf));
    }
}
