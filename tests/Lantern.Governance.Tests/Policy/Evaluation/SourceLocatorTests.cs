using System.Diagnostics;
using Lantern.Core.Model;
using Lantern.Governance.Policy.Evaluation;

namespace Lantern.Governance.Tests.Policy.Evaluation;

public class SourceLocatorTests
{
    private static ModelArtifact Artifact(string? runtime, string? name) => new() { Path = "/m", Format = "gguf", Runtime = runtime, ModelName = name };

    [Theory]
    [InlineData("ollama", "llama3.2:1b", "registry.ollama.ai/library/llama3.2")]
    [InlineData("ollama", "llama3.2", "registry.ollama.ai/library/llama3.2")]
    [InlineData("ollama", "user/model:tag", "registry.ollama.ai/user/model")]
    [InlineData("ollama", "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF")]
    [InlineData("ollama", "example.com:5000/team/model:v1", "example.com:5000/team/model")]
    [InlineData("ollama", "llava:7b (projector)", "registry.ollama.ai/library/llava")]
    [InlineData("huggingface", "meta-llama/Llama-3.2-1B", "huggingface.co/meta-llama/Llama-3.2-1B")]
    [InlineData("lmstudio", "lmstudio-community/gemma-3-4b-it-GGUF", "huggingface.co/lmstudio-community/gemma-3-4b-it-GGUF")]
    [InlineData("llama.cpp", "ggml-org/gemma-3-1b-it-GGUF:Q4_K_M", "huggingface.co/ggml-org/gemma-3-1b-it-GGUF")]
    public void For_KnownRuntimes_DerivesLocator(string runtime, string name, string expected) =>
        Assert.Equal(expected, SourceLocator.For(Artifact(runtime, name)));

    [Theory]
    [InlineData("gpt4all", "orca-mini")]
    [InlineData(null, "x/y")]
    [InlineData("huggingface", "single")]
    [InlineData("huggingface", "a/../b")]
    [InlineData("ollama", "../evil:tag")]
    [InlineData("ollama", null)]
    [InlineData("lmstudio", "pub lisher/model")]
    public void For_NoSourceOrMalformedName_ReturnsNull(string? runtime, string? name) =>
        Assert.Null(SourceLocator.For(Artifact(runtime, name)));

    [Theory]
    [InlineData("huggingface.co/meta-llama/*", "huggingface.co/meta-llama/Llama-3.2-1B", true)]
    [InlineData("huggingface.co/meta-llama/*", "huggingface.co/meta-llama/x/y", false)]
    [InlineData("huggingface.co/meta-llama/*", "huggingface.co/meta-llama-evil/x", false)]
    [InlineData("HuggingFace.co/META-llama/*", "huggingface.co/meta-llama/Llama", true)]
    [InlineData("huggingface.co/*/uncensored*", "huggingface.co/someone/uncensored-llama", true)]
    [InlineData("huggingface.co/*/uncensored*", "huggingface.co/someone/llama-uncensored", false)]
    [InlineData("huggingface.co/**", "huggingface.co/a/b/c", true)]
    [InlineData("huggingface.co/**/gguf", "huggingface.co/gguf", true)]
    [InlineData("huggingface.co/**/gguf", "huggingface.co/a/b/gguf", true)]
    [InlineData("huggingface.co/**/gguf", "huggingface.co/agguf", false)]
    [InlineData("registry.ollama.ai/library/*", "registry.ollama.ai/library/llama3.2", true)]
    [InlineData("registry.ollama.ai/library/*", "registry.ollama.ai/user/model", false)]
    [InlineData("*", "a/b", false)]
    [InlineData("**", "a/b", true)]
    [InlineData("a?b", "axb", false)]
    [InlineData("a.b/c", "aXb/c", false)]
    public void Matches_GlobRules(string pattern, string locator, bool expected) =>
        Assert.Equal(expected, SourceLocator.Matches(pattern, locator));

    [Fact]
    public void Matches_PathologicalPattern_FinishesQuickly()
    {
        // A backtracking matcher takes exponential time on stars against a near-miss; the table match is linear per token.
        string pattern = string.Concat(Enumerable.Repeat("*a", 200)) + "b";
        string locator = new('a', 1000);
        var watch = Stopwatch.StartNew();
        Assert.False(SourceLocator.Matches(pattern, locator));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Matches_Limits()
    {
        Assert.Throws<ArgumentException>(() => SourceLocator.Matches(new string('a', SourceLocator.MaxPatternLength + 1), "a"));
        Assert.False(SourceLocator.Matches("**", new string('a', SourceLocator.MaxLocatorLength + 1)));
    }
}
