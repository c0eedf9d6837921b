using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Recording;
using Lantern.Testing.Servers;

namespace Lantern.Gateway.Tests.Forwarding;

public sealed class GatewayForwardingTests
{
    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task OllamaChatStream_PassesBytesUnchanged_AndRecordsUsageAndHash()
    {
        UpstreamReply reply = UpstreamReply.Ndjson(OllamaWire.ChatStream);
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => reply));
        const string request = """{"model":"llama3.2","messages":[{"role":"user","content":"Say hello"}]}""";

        using HttpResponseMessage response = await gw.Client.PostAsync("api/chat", JsonBody(request));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(reply.Body, body);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        UpstreamRequest forwarded = gw.Upstream.Requests.Single(r => r.Path == "/api/chat");
        Assert.Equal(request, forwarded.BodyText);
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.Completed, record.EndState);
        Assert.Equal(RouteClass.Inference, record.RouteClass);
        Assert.Equal("chat", record.Operation);
        Assert.Equal(26, record.TokensIn);
        Assert.Equal(3, record.TokensOut);
        Assert.Equal("stop", record.DoneReason);
        Assert.Equal("llama3.2:latest", record.ResolvedModelName);
        Assert.Equal(OllamaWire.WeightsDigest, record.ModelDigest);
        Assert.Equal(OllamaWire.ManifestDigest, record.ManifestDigest);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("Hello é!"))), record.OutputSha256);
        Assert.NotNull(record.TimeToFirstTokenMs);
        Assert.Null(record.OutputText);
        Assert.Null(record.PromptText);
        Assert.Equal(200, record.HttpStatus);
    }

    [Fact]
    public async Task OllamaGenerate_NonStreamed_SizedBodyPassesAndIsParsed()
    {
        const string answer = """{"model":"llama3.2","created_at":"2025-10-01T10:00:00Z","response":"Paris.","done":true,"done_reason":"stop","prompt_eval_count":12,"eval_count":2}""";
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => UpstreamReply.Json(answer)),
            o => o with { Capture = CaptureLevel.Full });

        using HttpResponseMessage response = await gw.Client.PostAsync("api/generate",
            JsonBody("""{"model":"llama3.2","prompt":"Capital of France?","system":"Be brief","stream":false}"""));

        Assert.Equal(answer, await response.Content.ReadAsStringAsync());
        Assert.Equal(answer.Length, response.Content.Headers.ContentLength);
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.False(record.Streamed);
        Assert.True(record.PromptOverride);
        Assert.Equal(12, record.TokensIn);
        Assert.Equal("Paris.", record.OutputText);
        Assert.Equal("Capital of France?\nBe brief", record.PromptText);
    }

    [Theory]
    [InlineData("GET", "/api/tags", RouteClass.Info)]
    [InlineData("GET", "/api/version", RouteClass.Info)]
    [InlineData("GET", "/", RouteClass.Info)]
    [InlineData("GET", "/v1/models", RouteClass.Info)]
    [InlineData("GET", "/props", RouteClass.Info)]
    [InlineData("GET", "/metrics", RouteClass.Info)]
    [InlineData("GET", "/slots", RouteClass.Info)]
    public async Task InfoRoutes_PassThroughByteIdentical(string method, string path, RouteClass expected)
    {
        string payload = "{\"path\":\"" + path + "\",\"x\":[1,2,3],\"s\":\"\\u00e9\"}";
        await using GatewayFixture gw = await GatewayFixture.StartAsync(_ => UpstreamReply.Json(payload));

        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        using HttpResponseMessage response = await gw.Client.SendAsync(request);

        Assert.Equal(payload, await response.Content.ReadAsStringAsync());
        Assert.Equal(path, gw.Upstream.Requests.Single().Target);
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(expected, record.RouteClass);
        Assert.Null(record.OutputSha256);
    }

    [Fact]
    public async Task OpenAiChatStream_WithoutIncludeUsage_InjectsUpstreamAndStripsUsageChunk()
    {
        string[] events =
        [
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n",
            "data: [DONE]\n\n",
        ];
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => UpstreamReply.Sse(events)));

        using HttpResponseMessage response = await gw.Client.PostAsync("v1/chat/completions",
            JsonBody("""{"model":"llama3.2","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"""));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(events[0] + events[1] + events[3], body);
        using JsonDocument sent = JsonDocument.Parse(gw.Upstream.Requests.Single(r => r.Path == "/v1/chat/completions").Body);
        Assert.True(sent.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("hi", sent.RootElement.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.True(record.UsageInjected);
        Assert.Equal(9, record.TokensIn);
        Assert.Equal(2, record.TokensOut);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("Hi there"u8)), record.OutputSha256);
    }

    [Fact]
    public async Task OpenAiChatStream_WithIncludeUsage_KeepsUsageChunkAndBodyUnchanged()
    {
        string[] events =
        [
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}\n\n",
            "data: [DONE]\n\n",
        ];
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => UpstreamReply.Sse(events)));
        const string request = """{"model":"llama3.2","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

        using HttpResponseMessage response = await gw.Client.PostAsync("v1/chat/completions", JsonBody(request));

        Assert.Equal(string.Concat(events), await response.Content.ReadAsStringAsync());
        Assert.Equal(request, gw.Upstream.Requests.Single(r => r.Path == "/v1/chat/completions").BodyText);
        Assert.False(Assert.Single(await gw.Sink.WaitForAsync(1)).UsageInjected);
    }

    [Fact]
    public async Task Streaming_EachUpstreamChunkReachesClientBeforeTheNextIsSent()
    {
        UpstreamReply reply = new(200, "application/x-ndjson",
        [
            new UpstreamChunk(OllamaWire.ChatStream[0] + "\n"),
            new UpstreamChunk(OllamaWire.ChatStream[1] + "\n", TimeSpan.FromMilliseconds(300)),
            new UpstreamChunk(OllamaWire.ChatStream[2] + "\n", TimeSpan.FromMilliseconds(300)),
        ]);
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => reply));
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/chat") { Content = JsonBody("""{"model":"llama3.2","messages":[]}""") };

        using HttpResponseMessage response = await gw.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? first = await reader.ReadLineAsync();
        long firstReceived = Stopwatch.GetTimestamp();
        string rest = await reader.ReadToEndAsync();

        Assert.Equal(OllamaWire.ChatStream[0], first);
        Assert.Equal(OllamaWire.ChatStream[1] + "\n" + OllamaWire.ChatStream[2] + "\n", rest);
        long secondSent = gw.Upstream.ChunksSent.Single(c => c.Index == 1).Timestamp;
        Assert.True(firstReceived < secondSent, "the first chunk must reach the client before the upstream sends the second");
    }

    [Fact]
    public async Task ClientDisconnectMidStream_RecordsClientAborted()
    {
        UpstreamReply reply = new(200, "application/x-ndjson", [new UpstreamChunk(OllamaWire.ChatStream[0] + "\n")], NeverEnd: true);
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => reply));
        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/chat") { Content = JsonBody("""{"model":"llama3.2","messages":[]}""") })
        {
            HttpResponseMessage response = await gw.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal(OllamaWire.ChatStream[0], await reader.ReadLineAsync());
            response.Dispose();
        }

        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.ClientAborted, record.EndState);
        // The gateway stops reading upstream: the fake sees its writes fail.
        for (int i = 0; i < 100 && gw.Upstream.AbortedResponses == 0; i++)
        {
            await Task.Delay(50);
        }
        Assert.True(gw.Upstream.AbortedResponses > 0);
    }

    [Theory]
    [InlineData("api/generate", """{"model":"llama3.2","prompt":"x"}""", "{\"error\":\"Lantern gateway: the upstream ")]
    [InlineData("v1/chat/completions", """{"model":"llama3.2","messages":[]}""", "{\"error\":{\"message\":\"Lantern gateway: the upstream ")]
    public async Task UpstreamDown_Returns502InTheApisErrorShape(string path, string body, string prefix)
    {
        var upstream = new FakeInferenceUpstream(_ => UpstreamReply.Json("{}"));
        Uri dead = upstream.BaseUri;
        await upstream.DisposeAsync();
        await using GatewayFixture gw = await GatewayFixture.StartAsync(_ => UpstreamReply.Json("{}"), o => o with { Upstream = dead });

        using HttpResponseMessage response = await gw.Client.PostAsync(path, JsonBody(body));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith(prefix, text, StringComparison.Ordinal);
        Assert.Contains("refused", text, StringComparison.Ordinal);
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.UpstreamError, record.EndState);
        Assert.Equal(502, record.HttpStatus);
        Assert.NotNull(record.UpstreamError);
    }

    [Fact]
    public async Task RequestOverCap_Gets413InOllamaShape()
    {
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => UpstreamReply.Json("{}")),
            o => o with { MaxRequestBodyBytes = 100 });

        using HttpResponseMessage response = await gw.Client.PostAsync("api/chat", JsonBody("{\"model\":\"m\",\"prompt\":\"" + new string('a', 200) + "\"}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.StartsWith("{\"error\":\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(gw.Upstream.Requests, r => r.Path == "/api/chat");
        Assert.Equal(CallEndState.Blocked, Assert.Single(await gw.Sink.WaitForAsync(1)).EndState);
    }

    [Fact]
    public async Task SinkUnhealthy_FailClosed_Refuses503BeforeForwarding()
    {
        await using GatewayFixture gw = await GatewayFixture.StartAsync(_ => UpstreamReply.Json("{}"));
        gw.Sink.Healthy = false;

        using HttpResponseMessage response = await gw.Client.GetAsync("api/tags");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(gw.Upstream.Requests);
        using HttpResponseMessage health = await gw.Client.GetAsync("_lantern/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task SinkThrows_FailClosed_SizedResponseIsAbortedBeforeItCompletes()
    {
        const string answer = """{"model":"llama3.2","response":"secret","done":true}""";
        await using GatewayFixture gw = await GatewayFixture.StartAsync(OllamaWire.With(_ => UpstreamReply.Json(answer)));
        gw.Sink.Fail = true;

        using HttpResponseMessage response = await gw.Client.PostAsync("api/generate", JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}"""));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.StartsWith("{\"error\":\"Lantern gateway: the audit record", body, StringComparison.Ordinal);
        Assert.Equal(1, gw.Host.Metrics.SinkErrors);
    }

    [Fact]
    public async Task ReservedEndpoints_ServeHealthAndMetrics_UpstreamMetricsPassThrough()
    {
        await using GatewayFixture gw = await GatewayFixture.StartAsync(_ => new UpstreamReply(200, "text/plain", [new UpstreamChunk("llamacpp:requests_processing 0\n")], Sized: true),
            o => o with { AdminListen = new IPEndPoint(IPAddress.Loopback, 0) });

        Assert.Equal("""{"status":"ok"}""", await gw.Client.GetStringAsync("_lantern/health"));
        Assert.Equal("llamacpp:requests_processing 0\n", await gw.Client.GetStringAsync("metrics"));
        string metrics = await gw.Client.GetStringAsync("_lantern/metrics");
        Assert.Contains("lantern_gateway_calls_total{route_class=\"info\",end_state=\"completed\"} 1", metrics, StringComparison.Ordinal);
        using var admin = new HttpClient { BaseAddress = gw.Host.AdminUri };
        Assert.Contains("lantern_gateway_request_duration_seconds_count 1", await admin.GetStringAsync("metrics"), StringComparison.Ordinal);
        Assert.Equal("""{"status":"ok"}""", await admin.GetStringAsync("health"));
        Assert.Single(gw.Upstream.Requests);
    }
}
