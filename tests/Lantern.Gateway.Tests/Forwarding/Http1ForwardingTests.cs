using System.Net;
using System.Text;
using Lantern.Gateway.Hosting;
using Lantern.Gateway.Recording;
using Lantern.Testing.Servers;

namespace Lantern.Gateway.Tests.Forwarding;

/// <summary>The gateway's own HTTP/1.1 forwarding path against upstreams that frame answers in every legal (and some illegal) way.</summary>
public sealed class Http1ForwardingTests
{
    private const string Answer = """{"model":"llama3.2","response":"Paris.","done":true,"prompt_eval_count":7,"eval_count":2}""";

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Identity lookups get a 404 (the model stays unresolved); every other request gets <paramref name="answer"/>.</summary>
    private static Func<int, string, ScriptedAnswer> Script(Func<int, ScriptedAnswer> answer)
    {
        int calls = -1;
        return (_, head) => head.StartsWith("POST /api/show", StringComparison.Ordinal) || head.StartsWith("GET /api/tags", StringComparison.Ordinal)
            ? ScriptedAnswer.Of("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            : answer(Interlocked.Increment(ref calls));
    }

    private static Task<GatewayFixture> GatewayAsync(ScriptedUpstream upstream, Func<GatewayOptions, GatewayOptions>? more = null) =>
        GatewayFixture.StartAsync(_ => UpstreamReply.Json("{}"), o => (more ?? (x => x))(o with { Upstream = upstream.BaseUri }));

    [Fact]
    public async Task ChunkedAnswer_WithExtensionsAndTrailers_ReachesClientDechunked()
    {
        string[] parts = [Answer[..20], Answer[20..]];
        string raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"{parts[0].Length:x};name=value\r\n{parts[0]}\r\n{parts[1].Length:X}\r\n{parts[1]}\r\n0\r\nX-Trailer: yes\r\n\r\n";
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(raw)));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        using HttpResponseMessage response = await gw.Client.PostAsync("api/generate", JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Answer, await response.Content.ReadAsStringAsync());
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.Completed, record.EndState);
        Assert.Equal(7, record.TokensIn);
        Assert.Equal(2, record.TokensOut);
    }

    [Fact]
    public async Task CloseDelimitedAnswer_PassesWholeAndConnectionIsNotReused()
    {
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + Answer, closeAfter: true)));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await gw.Client.PostAsync("api/generate", JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}"""));
            Assert.Equal(Answer, await response.Content.ReadAsStringAsync());
        }

        Assert.All(await gw.Sink.WaitForAsync(2), r => Assert.Equal(CallEndState.Completed, r.EndState));
        Assert.True(upstream.Connections >= 3, $"{upstream.Connections} connections"); // one per call, plus identity lookups
    }

    [Fact]
    public async Task UpstreamDropsIdleKeepAlive_NextCallIsRetriedOnAFreshConnection()
    {
        // The upstream answers each connection once with keep-alive framing, then closes it: the pooled connection the
        // gateway keeps is dead by the next call, which must still succeed.
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Answer.Length}\r\n\r\n{Answer}", closeAfter: true)));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await gw.Client.PostAsync("api/generate", JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Answer, await response.Content.ReadAsStringAsync());
            await Task.Delay(50); // let the close arrive before the next call takes the pooled connection
        }
        Assert.All(await gw.Sink.WaitForAsync(3), r => Assert.Equal(CallEndState.Completed, r.EndState));
    }

    [Theory]
    [InlineData("HTTP/1.1 2xx OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("ICY 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx")]
    [InlineData("HTTP/1.1 200 OK\r\n folded: value\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nbad header\r\nContent-Length: 0\r\n\r\n")]
    public async Task MalformedAnswerHead_Returns502InOllamaShapeAndIsRecorded(string raw)
    {
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(raw, closeAfter: true)));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        using HttpResponseMessage response = await gw.Client.PostAsync("api/generate", JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}"""));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("{\"error\":\"Lantern gateway: the upstream ", text, StringComparison.Ordinal);
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.UpstreamError, record.EndState);
        Assert.NotNull(record.UpstreamError);
    }

    [Fact]
    public async Task OversizedAnswerHead_Returns502()
    {
        string raw = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"X-Filler-{i}: {new string('a', 40)}\r\n"))
            + "Content-Length: 0\r\n\r\n";
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(raw, closeAfter: true)));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        using HttpResponseMessage response = await gw.Client.GetAsync("api/version");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(CallEndState.UpstreamError, Assert.Single(await gw.Sink.WaitForAsync(1)).EndState);
    }

    [Fact]
    public async Task InvalidChunkSizeMidStream_CutsTheClientAndRecordsUpstreamError()
    {
        const string first = "{\"model\":\"llama3.2\",\"response\":\"a\",\"done\":false}\n";
        var answer = new ScriptedAnswer(
            [
                Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n{first.Length:x}\r\n{first}\r\n"),
                "zz\r\nnot a chunk\r\n"u8.ToArray(),
            ], CloseAfter: true, PartDelayMs: 100);
        await using var upstream = new ScriptedUpstream(Script(_ => answer));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/generate") { Content = JsonBody("""{"model":"llama3.2","prompt":"x"}""") };
        using HttpResponseMessage response = await gw.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(first.TrimEnd('\n'), await reader.ReadLineAsync());
        await Assert.ThrowsAnyAsync<IOException>(async () => await reader.ReadToEndAsync());

        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.UpstreamError, record.EndState);
        Assert.Contains("chunk", record.UpstreamError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SizedBodyCutShort_CutsTheClientAndRecordsUpstreamError()
    {
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Answer.Length + 10}\r\n\r\n{Answer}", closeAfter: true)));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        // The bytes that came pass on at once (no buffering), so the only honest end is a cut connection: the client
        // can never take the short body for the whole answer.
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using HttpResponseMessage response = await gw.Client.PostAsync("api/generate", JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}"""));
            await response.Content.ReadAsStringAsync();
        });

        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.UpstreamError, record.EndState);
        Assert.Contains("still to come", record.UpstreamError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterimAnswerThenHead_InterimSkippedAndHeadRequestHasNoBody()
    {
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(
            "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 42\r\nX-Upstream: kept\r\n\r\n")));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        using var request = new HttpRequestMessage(HttpMethod.Head, "api/tags");
        using HttpResponseMessage response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(42, response.Content.Headers.ContentLength);
        Assert.Equal("kept", response.Headers.GetValues("X-Upstream").Single());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RequestFields_HopByHopAndGatewayFieldsStayBehind_HostNamesTheUpstream()
    {
        await using var upstream = new ScriptedUpstream(Script(_ => ScriptedAnswer.Of(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Answer.Length}\r\n\r\n{Answer}")));
        await using GatewayFixture gw = await GatewayAsync(upstream);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/generate?keep=1") { Content = JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}""") };
        request.Headers.Add(GatewayOptions.DefaultUseCaseHeader, "coding");
        request.Headers.Add("X-Custom", "passes");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        using HttpResponseMessage response = await gw.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        string head = upstream.RequestHeads.Single(h => h.StartsWith("POST /api/generate", StringComparison.Ordinal));
        string[] lines = head.Split("\r\n");
        Assert.Equal("POST /api/generate?keep=1 HTTP/1.1", lines[0]);
        Assert.Contains($"Host: {upstream.BaseUri.Authority}", lines);
        Assert.Contains("X-Custom: passes", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith(GatewayOptions.DefaultUseCaseHeader, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.StartsWith("Keep-Alive", StringComparison.OrdinalIgnoreCase));
        Assert.Single(lines, l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("coding", Assert.Single(await gw.Sink.WaitForAsync(1)).UseCase);
    }

    [Theory]
    [InlineData(ForwardingPath.Auto)]
    [InlineData(ForwardingPath.Yarp)]
    public async Task BothForwardingPaths_StreamAndSizedAnswers_PassAndRecordTheSame(ForwardingPath path)
    {
        UpstreamReply stream = UpstreamReply.Ndjson(OllamaWire.ChatStream);
        await using GatewayFixture gw = await GatewayFixture.StartAsync(
            OllamaWire.With(r => r.Path == "/api/chat" ? stream : UpstreamReply.Json(Answer)), o => o with { Forwarding = path });

        using HttpResponseMessage chat = await gw.Client.PostAsync("api/chat", JsonBody("""{"model":"llama3.2","messages":[{"role":"user","content":"hi"}]}"""));
        using HttpResponseMessage generate = await gw.Client.PostAsync("api/generate", JsonBody("""{"model":"llama3.2","prompt":"x","stream":false}"""));

        Assert.Equal(stream.Body, await chat.Content.ReadAsStringAsync());
        Assert.Equal(Answer, await generate.Content.ReadAsStringAsync());
        IReadOnlyList<GatewayCallRecord> records = await gw.Sink.WaitForAsync(2);
        Assert.All(records, r => Assert.Equal(CallEndState.Completed, r.EndState));
        Assert.Equal([26L, 7L], records.OrderBy(r => r.Path, StringComparer.Ordinal).Select(r => r.TokensIn ?? -1));
        Assert.All(records, r => Assert.Equal(OllamaWire.WeightsDigest, r.ModelDigest));
    }
}
