using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lantern.Gateway.Apis;

namespace Lantern.Gateway.Tests.Apis;

public sealed class ApiAdapterTests
{
    [Theory]
    [InlineData("POST", "/api/chat", RouteClass.Inference, ApiFamily.Ollama)]
    [InlineData("POST", "/api/embeddings", RouteClass.Inference, ApiFamily.Ollama)]
    [InlineData("POST", "/api/copy", RouteClass.Management, ApiFamily.Ollama)]
    [InlineData("DELETE", "/api/delete", RouteClass.Management, ApiFamily.Ollama)]
    [InlineData("POST", "/api/blobs/sha256:abc", RouteClass.Management, ApiFamily.Ollama)]
    [InlineData("HEAD", "/api/blobs/sha256:abc", RouteClass.Info, ApiFamily.Ollama)]
    [InlineData("POST", "/api/me", RouteClass.CloudAccount, ApiFamily.Ollama)]
    [InlineData("POST", "/api/experimental/web_search", RouteClass.CloudAccount, ApiFamily.Ollama)]
    [InlineData("POST", "/api/show", RouteClass.Info, ApiFamily.Ollama)]
    [InlineData("POST", "/v1/responses", RouteClass.Inference, ApiFamily.OpenAi)]
    [InlineData("POST", "/v1/messages", RouteClass.Inference, ApiFamily.Anthropic)]
    [InlineData("GET", "/v1/models/llama3.2", RouteClass.Info, ApiFamily.OpenAi)]
    [InlineData("POST", "/completion", RouteClass.Inference, ApiFamily.LlamaServer)]
    [InlineData("POST", "/slots/0", RouteClass.Management, ApiFamily.LlamaServer)]
    [InlineData("POST", "/update_weights", RouteClass.Other, ApiFamily.Unknown)]
    public void RouteTable_Classifies(string method, string path, RouteClass routeClass, ApiFamily api)
    {
        ApiRoute route = RouteTable.Classify(method, path);
        Assert.Equal(routeClass, route.Class);
        Assert.Equal(api, route.Api);
    }

    [Fact]
    public void RequestReader_CollectsAllMessageTextsIncludingParts_SkipsImages()
    {
        ApiRoute route = RouteTable.Classify("POST", "/v1/chat/completions");
        byte[] body = Encoding.UTF8.GetBytes("""
            {"model":"m","stream":true,"messages":[{"role":"system","content":"sys"},
             {"role":"user","content":[{"type":"text","text":"part one"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],
             "tools":[{"type":"function","function":{"description":"tool text"}}]}
            """);
        InferenceRequest request = RequestReader.Read(route, body);
        Assert.Equal("m", request.Model);
        Assert.True(request.Stream);
        Assert.False(request.IncludeUsage);
        Assert.Equal(["sys", "part one"], request.Texts);
    }

    [Fact]
    public void RequestReader_DeepNesting_IsMalformedNotCrash()
    {
        string deep = string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000));
        InferenceRequest request = RequestReader.Read(RouteTable.Classify("POST", "/api/chat"), Encoding.UTF8.GetBytes("{\"messages\":" + deep + "}"));
        Assert.True(request.Malformed);
        Assert.True(request.Stream);
    }

    [Fact]
    public void WithIncludeUsage_KeepsOtherMembersAndStreamOptions()
    {
        byte[] rewritten = RequestReader.WithIncludeUsage("""{"model":"m","stream":true,"stream_options":{"continuous_usage_stats":true},"n":1}"""u8.ToArray());
        Assert.Equal("""{"model":"m","stream":true,"stream_options":{"continuous_usage_stats":true,"include_usage":true},"n":1}""", Encoding.UTF8.GetString(rewritten));
    }

    [Fact]
    public void SseUsageFilter_SplitAcrossReads_StripsOnlyUsageEvent()
    {
        string stream = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\ndata: [DONE]\n\n";
        byte[] bytes = Encoding.UTF8.GetBytes(stream);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            var filter = new SseUsageFilter();
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            filter.Process(bytes.AsSpan(0, cut), output);
            filter.Process(bytes.AsSpan(cut), output);
            filter.Flush(output);
            Assert.Equal("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n", Encoding.UTF8.GetString(output.WrittenSpan));
            Assert.Equal(1, filter.Stripped);
        }
    }

    [Theory]
    [InlineData("application/x-ndjson", "{\"response\":\"Hel\",\"done\":false}\n{\"response\":\"lo\",\"done\":false}\n{\"response\":\"\",\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":5,\"eval_count\":2}\n", 5, 2, "stop")]
    [InlineData("text/event-stream", "data: {\"choices\":[{\"text\":\"Hel\"}]}\n\ndata: {\"choices\":[{\"text\":\"lo\",\"finish_reason\":\"length\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n", 5, 2, "length")]
    [InlineData("text/event-stream", "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hel\"}\n\nevent: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"lo\"}\n\nevent: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"output\":[{\"content\":[{\"type\":\"output_text\",\"text\":\"Hello\"}]}],\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}}\n\n", 5, 2, null)]
    [InlineData("text/event-stream", "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":[],\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n", 5, 2, "end_turn")]
    [InlineData("application/json", "{\"id\":\"x\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}", 5, 2, "stop")]
    public void ResponseObserver_AnySplit_SameTokensAndHash(string contentType, string body, long tokensIn, long tokensOut, string? doneReason)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        string expectedHash = Convert.ToHexStringLower(SHA256.HashData("Hello"u8));
        for (int cut = 0; cut <= bytes.Length; cut += 7)
        {
            using var observer = new ResponseObserver(ResponseObserver.FramingOf(contentType), TimeProvider.System, 1 << 20, 1024);
            observer.Observe(bytes.AsSpan(0, cut));
            observer.Observe(bytes.AsSpan(cut));
            ResponseSummary summary = observer.Complete();
            Assert.Equal(tokensIn, summary.TokensIn);
            Assert.Equal(tokensOut, summary.TokensOut);
            Assert.Equal(expectedHash, summary.OutputSha256);
            Assert.Equal("Hello", summary.OutputText);
            Assert.Equal(doneReason, summary.DoneReason);
            Assert.NotNull(summary.FirstContentTimestamp);
        }
    }

    [Fact]
    public void ResponseObserver_GarbageLines_NeverThrow()
    {
        using var observer = new ResponseObserver(BodyFraming.Ndjson, TimeProvider.System, 1 << 20, 0);
        var random = new Random(7);
        byte[] noise = new byte[64 * 1024];
        random.NextBytes(noise);
        observer.Observe(noise);
        ReadOnlySpan<byte> broken = "{\"response\":\"\\ud800\"}\n{\"response\":\n"u8;
        observer.Observe(broken);
        Assert.Equal(noise.Length + broken.Length, observer.Complete().Bytes);
    }

    [Fact]
    public void ResponseObserver_LoneSurrogateEscapes_HashesAndCountsWithoutThrowing()
    {
        // Found by fuzzing: escapes that decode to a lone surrogate made the content copy throw mid-stream.
        using var observer = new ResponseObserver(BodyFraming.Ndjson, TimeProvider.System, 1 << 20, 1024);

        observer.Observe("{\"response\":\"a\\ud800b\",\"done\":false}\n{\"response\":\"\",\"done\":true,\"done_reason\":\"\\udc00\",\"eval_count\":2}\n"u8);
        ResponseSummary summary = observer.Complete();

        Assert.NotNull(summary.OutputSha256);
        Assert.Equal(2, summary.TokensOut);
    }

    [Fact]
    public void RequestReader_LoneSurrogateInMessage_ReadsTextInsteadOfThrowing()
    {
        InferenceRequest request = RequestReader.Read(RouteTable.Classify("POST", "/v1/chat/completions"),
            "{\"model\":\"m\\udfff\",\"messages\":[{\"role\":\"user\",\"content\":\"card \\ud800 4111\"}]}"u8.ToArray());

        Assert.False(request.Malformed);
        Assert.NotNull(request.Model);
        Assert.Contains(request.Texts, t => t.Contains("4111", StringComparison.Ordinal));
    }

    [Fact]
    public void RequestReader_InvalidUtf8PropertyName_ReadsRestInsteadOfThrowing()
    {
        // AFL++ input: a property name with a stray continuation byte made the text walk throw.
        byte[] body = [.. "{\"model\":\"ll.2\",\"stre"u8, 0x84, .. "m\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"u8];

        InferenceRequest request = RequestReader.Read(RouteTable.Classify("POST", "/v1/chat/completions"), body);

        Assert.Contains("hi", request.Texts);
    }
}
