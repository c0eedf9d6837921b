using Lantern.Gateway.Apis;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Tests.Forwarding;
using Lantern.Testing;
using Lantern.Testing.Servers;

namespace Lantern.Gateway.Tests.Identity;

public sealed class ModelIdentityResolverTests
{
    private static ModelIdentityResolver Resolver(FakeInferenceUpstream upstream, UpstreamKind kind, TimeSpan? lifetime = null) =>
        new(new SocketsHttpHandler { UseProxy = false }, upstream.BaseUri, kind, TimeProvider.System, lifetime ?? TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData("llama3.2", "llama3.2:latest")]
    [InlineData("llama3.2:1b", "llama3.2:1b")]
    [InlineData("library/llama3.2", "library/llama3.2:latest")]
    [InlineData("host:5000/ns/model", "host:5000/ns/model:latest")]
    public void NormaliseOllamaName_AddsLatestTag(string name, string expected) =>
        Assert.Equal(expected, ModelIdentityResolver.NormaliseOllamaName(name));

    [Fact]
    public async Task Ollama_ResolvesWeightsBlob_CachesAndSingleflights_InvalidateRefetches()
    {
        await using var upstream = new FakeInferenceUpstream(OllamaWire.With(_ => UpstreamReply.Json("{}")));
        using ModelIdentityResolver resolver = Resolver(upstream, UpstreamKind.Ollama);

        ModelIdentity[] identities = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => resolver.ResolveAsync("llama3.2", default).AsTask()));
        ModelIdentity again = await resolver.ResolveAsync("llama3.2", default);

        Assert.All(identities, i => Assert.Equal(OllamaWire.WeightsDigest, i.Digest));
        Assert.Equal(OllamaWire.ManifestDigest, again.ManifestDigest);
        Assert.Equal("llama3.2:latest", again.Name);
        Assert.Equal(1, resolver.UpstreamLookups);
        Assert.Equal(1, upstream.Requests.Count(r => r.Path == "/api/show"));
        resolver.Invalidate();
        await resolver.ResolveAsync("llama3.2", default);
        Assert.Equal(2, upstream.Requests.Count(r => r.Path == "/api/show"));
    }

    [Fact]
    public async Task Ollama_ExpiredEntry_IsLookedUpAgain()
    {
        await using var upstream = new FakeInferenceUpstream(OllamaWire.With(_ => UpstreamReply.Json("{}")));
        using ModelIdentityResolver resolver = Resolver(upstream, UpstreamKind.Ollama, TimeSpan.Zero);
        await resolver.ResolveAsync("llama3.2", default);
        await resolver.ResolveAsync("llama3.2", default);
        Assert.Equal(2, resolver.UpstreamLookups);
    }

    [Fact]
    public async Task Ollama_RemoteHost_IsCloudAndUnresolved()
    {
        await using var upstream = new FakeInferenceUpstream(r => r.Path == "/api/show"
            ? UpstreamReply.Json("{\"modelfile\":\"FROM gpt-oss:120b-cloud\\n\",\"remote_host\":\"https://ollama.com:443\"}")
            : UpstreamReply.Json("{\"models\":[]}"));
        using ModelIdentityResolver resolver = Resolver(upstream, UpstreamKind.Auto);

        ModelIdentity identity = await resolver.ResolveAsync("gpt-oss:120b-cloud", default);

        Assert.Equal(UpstreamKind.Ollama, resolver.Kind);
        Assert.True(identity.IsCloud);
        Assert.Null(identity.Digest);
        Assert.Contains("cloud", identity.UnresolvedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LlamaServer_ModelPath_HashedInBackgroundThenResolved()
    {
        using var dir = new TempDirectory();
        string model = Path.Combine(dir.Path, "tiny.gguf");
        await File.WriteAllBytesAsync(model, "GGUF-not-really"u8.ToArray());
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("GGUF-not-really"u8));
        await using var upstream = new FakeInferenceUpstream(r => r.Path == "/props"
            ? UpstreamReply.Json("{\"model_path\":" + System.Text.Json.JsonSerializer.Serialize(model) + ",\"build_info\":\"b4321-abcdef12\"}")
            : UpstreamReply.Json("{}", 404));
        using var files = new FileDigestCache();
        using var resolver = new ModelIdentityResolver(new SocketsHttpHandler(), upstream.BaseUri, UpstreamKind.Auto, TimeProvider.System, TimeSpan.Zero, files);

        ModelIdentity first = await resolver.ResolveAsync("gpt-3.5-turbo", default);
        await files.GetOrStart(model)!;
        ModelIdentity second = await resolver.ResolveAsync("gpt-3.5-turbo", default);

        Assert.Equal("llama.cpp", first.Runtime);
        Assert.Equal("b4321-abcdef12", first.BuildInfo);
        Assert.Equal(expected, second.Digest);
        Assert.Equal("file-sha256", second.DigestSource);
    }

    [Fact]
    public async Task OpenAiCompatible_IdsOnly_Unresolved()
    {
        await using var upstream = new FakeInferenceUpstream(r => r.Path == "/v1/models"
            ? UpstreamReply.Json("{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen2.5-0.5B-Instruct\",\"object\":\"model\",\"owned_by\":\"vllm\"}]}")
            : UpstreamReply.Json("{\"detail\":\"Not Found\"}", 404));
        using ModelIdentityResolver resolver = Resolver(upstream, UpstreamKind.OpenAi);

        ModelIdentity identity = await resolver.ResolveAsync("Qwen/Qwen2.5-0.5B-Instruct", default);

        Assert.False(identity.Resolved);
        Assert.Equal("Qwen/Qwen2.5-0.5B-Instruct", identity.Name);
        Assert.Contains("no weights digest", identity.UnresolvedReason, StringComparison.Ordinal);
    }
}
