using Lantern.Formats.HuggingFace;

namespace Lantern.Formats.Tests.HuggingFace;

public sealed class ModelCardReaderTests
{
    [Fact]
    public void Parse_TypicalQuantisedCard_ReadsLicenceAndLineage()
    {
        string readme = """
            ---
            license: other
            license_name: qwen  # model-specific
            license_link: "https://huggingface.co/Qwen/Qwen2.5-72B/blob/main/LICENSE"
            base_model:
              - Qwen/Qwen2.5-72B-Instruct
              - 'Qwen/Qwen2.5-72B'
            base_model_relation: quantized
            pipeline_tag: text-generation
            library_name: transformers
            tags: [chat, gguf]
            model-index:
              - name: x
                results: []
            description: |
              multi
              line
            ---
            # Model
            license: mit
            """;
        ModelCard card = ModelCardReader.Parse(readme);
        Assert.True(card.HasFrontMatter);
        Assert.Equal("other", card.License);
        Assert.Equal("qwen", card.LicenseName);
        Assert.Equal("https://huggingface.co/Qwen/Qwen2.5-72B/blob/main/LICENSE", card.LicenseLink);
        Assert.Equal(["Qwen/Qwen2.5-72B-Instruct", "Qwen/Qwen2.5-72B"], card.BaseModels);
        Assert.Equal("quantized", card.BaseModelRelation);
        Assert.Equal("text-generation", card.PipelineTag);
        Assert.Equal("transformers", card.LibraryName);
        Assert.Equal(["chat", "gguf"], card.Tags);
        Assert.False(card.Scalars.ContainsKey("multi"));
    }

    [Fact]
    public void Parse_SingleBaseModelAndCrLf_Reads()
    {
        ModelCard card = ModelCardReader.Parse("\uFEFF---\r\nlicense: apache-2.0\r\nbase_model: meta-llama/Llama-3.1-8B\r\n---\r\n");
        Assert.Equal("apache-2.0", card.License);
        Assert.Equal(["meta-llama/Llama-3.1-8B"], card.BaseModels);
    }

    [Theory]
    [InlineData("# Just a readme\nlicense: mit\n")]
    [InlineData("---\nlicense: mit\n")]
    [InlineData("")]
    [InlineData("---")]
    public void Parse_NoClosedFrontMatter_IsEmpty(string readme)
    {
        ModelCard card = ModelCardReader.Parse(readme);
        Assert.False(card.HasFrontMatter);
        Assert.Null(card.License);
    }

    [Fact]
    public void Parse_FrontMatterPastLineLimit_IsEmpty()
    {
        string readme = "---\n" + string.Concat(Enumerable.Repeat("k: v\n", 3000)) + "license: mit\n---\n";
        Assert.False(ModelCardReader.Parse(readme).HasFrontMatter);
    }

    [Fact]
    public void Parse_HugeValue_IsBounded()
    {
        ModelCard card = ModelCardReader.Parse("---\nlicense: " + new string('a', 10_000) + "\n---\n");
        Assert.Equal(ModelCardReader.MaxValueLength, card.License!.Length);
    }

    [Fact]
    public void Parse_RandomText_NeverThrows()
    {
        var random = new Random(3);
        const string alphabet = "-:#'\"[],|> \n\r\tabc_";
        for (int i = 0; i < 3000; i++)
        {
            char[] chars = new char[random.Next(0, 200)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }
            _ = ModelCardReader.Parse("---\n" + new string(chars) + "\n---\n");
        }
    }
}
