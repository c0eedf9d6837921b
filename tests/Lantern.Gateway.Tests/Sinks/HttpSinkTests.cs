using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Sinks;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Sinks;

/// <summary>Splunk HEC, OTLP and OCSF sinks against a real Kestrel receiver; outage, spill, drop and shutdown behaviour.</summary>
public class HttpSinkTests
{
    private const string TokenVariable = "LANTERN_TEST_HEC_TOKEN";

    static HttpSinkTests()
    {
        Environment.SetEnvironmentVariable(TokenVariable, "11111111-2222-3333-4444-555555555555");
    }

    private static SiemSinkSpec Hec(int port) =>
        SiemSinkSpec.Parse($"splunk-hec+http://127.0.0.1:{port}?token_env={TokenVariable}&index=ai&sourcetype=lantern:inference&hostname=gw01");

    /// <summary>Envelopes of all requests, parsed as concatenated JSON values (HEC batches are not arrays).</summary>
    private static List<JsonElement> Envelopes(HttpReceiver receiver)
    {
        var result = new List<JsonElement>();
        foreach (ReceivedRequest request in receiver.Requests)
        {
            var reader = new Utf8JsonReader(request.Body, new JsonReaderOptions { AllowMultipleValues = true });
            while (reader.Read())
            {
                result.Add(JsonElement.ParseValue(ref reader));
            }
        }
        return result;
    }

    private static List<long> Seqs(HttpReceiver receiver) =>
        [.. Envelopes(receiver).Where(e => e.GetProperty("fields").GetProperty("lantern_event").GetString() == "call")
            .Select(e => long.Parse(e.GetProperty("fields").GetProperty("seq").GetString()!))];

    [Fact]
    public async Task SplunkHec_Batch_AuthorizationEnvelopeAndFields()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        await using (var forwarder = new SiemForwarder([Hec(receiver.Port)], temp.Path, SinkTestKit.FastLimits()))
        {
            for (int i = 1; i <= 20; i++)
            {
                Assert.True(forwarder.TryEnqueue(SinkTestKit.Record(i)));
            }
            forwarder.TryEnqueue(SinkTestKit.Checkpoint(20));
            await SinkTestKit.WaitUntilAsync(() => Envelopes(receiver).Count >= 21, "21 envelopes");
        }
        ReceivedRequest first = receiver.Requests.First();
        Assert.Equal("POST", first.Method);
        Assert.Equal("/services/collector/event", first.Path);
        Assert.Equal("Splunk 11111111-2222-3333-4444-555555555555", first.Authorization);
        Assert.StartsWith("application/json", first.ContentType);
        Assert.DoesNotContain("[{", first.Text[..2]);
        Assert.Matches("""^\{"time":\d{10}\.\d{3},""", first.Text);

        List<JsonElement> envelopes = Envelopes(receiver);
        JsonElement e1 = envelopes[0];
        Assert.Equal(JsonValueKind.Number, e1.GetProperty("time").ValueKind);
        Assert.Equal(SinkTestKit.Record(1).StartTime.ToUnixTimeMilliseconds() / 1000m, e1.GetProperty("time").GetDecimal());
        Assert.Equal("gw01", e1.GetProperty("host").GetString());
        Assert.Equal("lantern-gateway", e1.GetProperty("source").GetString());
        Assert.Equal("lantern:inference", e1.GetProperty("sourcetype").GetString());
        Assert.Equal("ai", e1.GetProperty("index").GetString());
        Assert.Equal(6003, e1.GetProperty("event").GetProperty("class_uid").GetInt32());
        JsonElement fields = e1.GetProperty("fields");
        Assert.Equal(SinkTestKit.Record(1).Id.Length, fields.GetProperty("record_id").GetString()!.Length);
        Assert.Equal("sha256:a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72", fields.GetProperty("model_digest").GetString());
        Assert.All(fields.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), Seqs(receiver));
        JsonElement checkpoint = envelopes[20];
        Assert.Equal("checkpoint", checkpoint.GetProperty("fields").GetProperty("lantern_event").GetString());
        Assert.Equal(20, checkpoint.GetProperty("event").GetProperty("unmapped").GetProperty("lantern").GetProperty("tree_size").GetInt64());
        Assert.True(receiver.Requests.Count < 21, "events were not batched");
    }

    [Fact]
    public async Task SplunkHec_503Phase_RetriedWithBackoffThenAllDeliveredInOrder()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        int refusals = 0;
        receiver.Handler = _ => Task.FromResult(Interlocked.Increment(ref refusals) <= 4
            ? (503, """{"text":"Server is busy","code":9}""")
            : (200, """{"text":"Success","code":0}"""));
        await using var forwarder = new SiemForwarder([Hec(receiver.Port)], temp.Path, SinkTestKit.FastLimits());
        var watch = Stopwatch.StartNew();
        for (int i = 1; i <= 50; i++)
        {
            forwarder.TryEnqueue(SinkTestKit.Record(i));
        }
        await SinkTestKit.WaitUntilAsync(() => Seqs(receiver).Count >= 50, "50 records after the 503s");
        SinkStatus status = forwarder.Status()[0];
        Assert.Equal(4, status.SendErrors);
        Assert.Contains("503", status.LastError);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), Seqs(receiver));
        // Backoff 20, 40, 80, 160 ms with half jitter: at least 150 ms spent waiting.
        Assert.True(watch.ElapsedMilliseconds >= 150, $"retries took only {watch.ElapsedMilliseconds} ms");
        Assert.Equal(0, status.Dropped);
    }

    [Fact]
    public async Task SplunkHec_SuccessStatusWithErrorCode_IsRetried()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        int calls = 0;
        receiver.Handler = _ => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? (200, """{"text":"Invalid token","code":4}""")
            : (200, """{"text":"Success","code":0}"""));
        await using var forwarder = new SiemForwarder([Hec(receiver.Port)], temp.Path, SinkTestKit.FastLimits());
        forwarder.TryEnqueue(SinkTestKit.Record(1));
        await SinkTestKit.WaitUntilAsync(() => receiver.Requests.Count >= 2, "the retry");
        Assert.Equal(1, forwarder.Status()[0].SendErrors);
    }

    [Fact]
    public async Task SplunkHec_400ForOneEvent_OnlyThatEventDroppedAndReported()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        // The receiver refuses any request containing record 3 (as HEC does for invalid data, code 6).
        receiver.Handler = r => Task.FromResult(r.Text.Contains("\"seq\":\"3\"", StringComparison.Ordinal)
            ? (400, """{"text":"Invalid data format","code":6}""")
            : (200, """{"text":"Success","code":0}"""));
        var limits = SinkTestKit.FastLimits() with { MaxBatchEvents = 10 };
        await using var forwarder = new SiemForwarder([Hec(receiver.Port)], temp.Path, limits);
        for (int i = 1; i <= 5; i++)
        {
            forwarder.TryEnqueue(SinkTestKit.Record(i));
        }
        await SinkTestKit.WaitUntilAsync(() => Envelopes(receiver).Any(e => e.GetProperty("fields").GetProperty("lantern_event").GetString() == "dropped"), "drop notice");
        Assert.Equal([1, 2, 4, 5], Seqs(receiver).Distinct());
        Assert.Equal(1, forwarder.Status()[0].Dropped);
        JsonElement notice = Envelopes(receiver).Single(e => e.GetProperty("fields").GetProperty("lantern_event").GetString() == "dropped");
        JsonElement lantern = notice.GetProperty("event").GetProperty("unmapped").GetProperty("lantern");
        Assert.Equal(1, lantern.GetProperty("count").GetInt64());
        Assert.Equal(3, lantern.GetProperty("first_seq").GetInt64());
    }

    [Fact]
    public async Task Otlp_Records_LogsJsonWithGenAiAttributes()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        receiver.Handler = _ => Task.FromResult((200, "{}"));
        SiemSinkSpec spec = SiemSinkSpec.Parse($"otlp+http://127.0.0.1:{receiver.Port}/v1/logs?hostname=gw01");
        await using (var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits()))
        {
            forwarder.TryEnqueue(SinkTestKit.Record(1) with { Call = new AuditCallDetails { DoneReason = "stop" } });
            forwarder.TryEnqueue(SinkTestKit.Record(2) with { EndState = AuditEndState.Blocked, HttpStatus = 403 });
            await SinkTestKit.WaitUntilAsync(() => receiver.Requests.Sum(r => JsonDocument.Parse(r.Body).RootElement
                .GetProperty("resourceLogs")[0].GetProperty("scopeLogs")[0].GetProperty("logRecords").GetArrayLength()) >= 2, "2 log records");
        }
        ReceivedRequest request = receiver.Requests.First();
        Assert.Equal("/v1/logs", request.Path);
        using JsonDocument doc = JsonDocument.Parse(request.Body);
        JsonElement resourceLogs = doc.RootElement.GetProperty("resourceLogs")[0];
        Dictionary<string, JsonElement> resource = Attributes(resourceLogs.GetProperty("resource"));
        Assert.Equal("lantern-gateway", resource["service.name"].GetProperty("stringValue").GetString());
        Assert.Equal("gw01", resource["host.name"].GetProperty("stringValue").GetString());
        JsonElement log = resourceLogs.GetProperty("scopeLogs")[0].GetProperty("logRecords")[0];
        Assert.Equal(JsonValueKind.String, log.GetProperty("timeUnixNano").ValueKind);
        Assert.Equal((SinkTestKit.Record(1).StartTime.ToUnixTimeMilliseconds() * 1_000_000).ToString(), log.GetProperty("timeUnixNano").GetString());
        Assert.Equal(9, log.GetProperty("severityNumber").GetInt32());
        Assert.Equal("INFO", log.GetProperty("severityText").GetString());
        Assert.Equal(JsonValueKind.String, log.GetProperty("body").GetProperty("stringValue").ValueKind);
        Dictionary<string, JsonElement> a = Attributes(log);
        Assert.Equal("chat", a["gen_ai.operation.name"].GetProperty("stringValue").GetString());
        Assert.Equal("llama3.2:latest", a["gen_ai.request.model"].GetProperty("stringValue").GetString());
        Assert.Equal("ollama", a["gen_ai.provider.name"].GetProperty("stringValue").GetString());
        Assert.Equal("11", a["gen_ai.usage.input_tokens"].GetProperty("intValue").GetString());
        Assert.Equal("21", a["gen_ai.usage.output_tokens"].GetProperty("intValue").GetString());
        Assert.Equal(0.0125, a["gen_ai.response.time_to_first_chunk"].GetProperty("doubleValue").GetDouble(), 6);
        Assert.Equal("stop", a["gen_ai.response.finish_reasons"].GetProperty("arrayValue").GetProperty("values")[0].GetProperty("stringValue").GetString());
        Assert.Equal("1", a["lantern.record.seq"].GetProperty("intValue").GetString());
        Assert.Equal("sha256:a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72", a["lantern.ai.model.digest"].GetProperty("stringValue").GetString());
        Assert.Equal("Internal", a["lantern.data_class"].GetProperty("stringValue").GetString());
        Assert.Equal("coding", a["lantern.use_case"].GetProperty("stringValue").GetString());
        Assert.Equal("completed", a["lantern.end_state"].GetProperty("stringValue").GetString());
        Assert.Equal("2", a["lantern.detector_hits.email"].GetProperty("intValue").GetString());
        Assert.False(a.ContainsKey("error.type"));
        JsonElement blocked = doc.RootElement.GetProperty("resourceLogs")[0].GetProperty("scopeLogs")[0].GetProperty("logRecords").EnumerateArray()
            .Concat(receiver.Requests.Skip(1).SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("resourceLogs")[0]
                .GetProperty("scopeLogs")[0].GetProperty("logRecords").EnumerateArray()))
            .Single(l => Attributes(l)["lantern.record.seq"].GetProperty("intValue").GetString() == "2");
        Assert.Equal("blocked", Attributes(blocked)["error.type"].GetProperty("stringValue").GetString());
        Assert.Equal(10, blocked.GetProperty("severityNumber").GetInt32());
    }

    [Fact]
    public async Task Ocsf_ArrayBody_OneObjectPerEvent()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        receiver.Handler = _ => Task.FromResult((202, ""));
        SiemSinkSpec spec = SiemSinkSpec.Parse($"ocsf+http://127.0.0.1:{receiver.Port}/ingest");
        await using (var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits()))
        {
            forwarder.TryEnqueue(SinkTestKit.Record(1));
            forwarder.TryEnqueue(SinkTestKit.Record(2));
            await SinkTestKit.WaitUntilAsync(() => receiver.Requests.Sum(r => JsonDocument.Parse(r.Body).RootElement.GetArrayLength()) >= 2, "2 OCSF events");
        }
        Assert.Equal("/ingest", receiver.Requests.First().Path);
        JsonElement[] events = [.. receiver.Requests.SelectMany(r => JsonDocument.Parse(r.Body).RootElement.EnumerateArray())];
        Assert.All(events, e => Assert.Equal(600301, e.GetProperty("type_uid").GetInt32()));
        Assert.Equal(64, events[0].GetProperty("unmapped").GetProperty("lantern").GetProperty("record_hash").GetString()!.Length);
    }

    [Fact]
    public async Task Outage_ReceiverDown_SpillGrowsThenEverythingDeliveredInOrder()
    {
        using var temp = new TempDirectory("siem");
        int port = SinkTestKit.FreePort();
        await using var forwarder = new SiemForwarder([Hec(port)], temp.Path, SinkTestKit.FastLimits(queue: 10));
        for (int i = 1; i <= 300; i++)
        {
            Assert.True(forwarder.TryEnqueue(SinkTestKit.Record(i)));
        }
        // Spilling runs beside the failing sends: wait for both rather than assume one implies the other.
        await SinkTestKit.WaitUntilAsync(() => forwarder.Status()[0] is { SendErrors: >= 2, Spilled: >= 280 }, "failed attempts and spill");
        SinkStatus down = forwarder.Status()[0];
        Assert.True(down.SpillBytes > 0);
        Assert.Equal(300, down.QueueDepth);
        Assert.True(new FileInfo(Path.Combine(temp.Path, Hec(port).Id + ".spill")).Length > 0);

        await using HttpReceiver receiver = await HttpReceiver.StartAsync(port);
        for (int i = 301; i <= 320; i++)
        {
            forwarder.TryEnqueue(SinkTestKit.Record(i));
        }
        await SinkTestKit.WaitUntilAsync(() => Seqs(receiver).Distinct().Count() >= 320, "all 320 records");
        List<long> seqs = Seqs(receiver);
        // At least once: duplicates are allowed, loss and reordering are not.
        Assert.Equal(Enumerable.Range(1, 320).Select(i => (long)i), seqs.Distinct());
        Assert.True(IsNonDecreasingAfterDedup(seqs));
        await SinkTestKit.WaitUntilAsync(() => forwarder.Status()[0].QueueDepth == 0, "empty queue");
        Assert.Equal(0, forwarder.Status()[0].Dropped);
        await SinkTestKit.WaitUntilAsync(() => forwarder.Status()[0].SpillBytes == 0, "spill emptied");
    }

    [Fact]
    public async Task SpillCap_Exceeded_DropsCountedAndReportedWhenReceiverReturns()
    {
        using var temp = new TempDirectory("siem");
        int port = SinkTestKit.FreePort();
        await using var forwarder = new SiemForwarder([Hec(port)], temp.Path, SinkTestKit.FastLimits(queue: 5, spill: 20_000));
        int refused = 0;
        for (int i = 1; i <= 100; i++)
        {
            if (!forwarder.TryEnqueue(SinkTestKit.Record(i)))
            {
                refused++;
            }
        }
        SinkStatus full = forwarder.Status()[0];
        Assert.True(refused > 0);
        Assert.Equal(refused, full.Dropped);
        Assert.True(full.SpillBytes <= 20_000);

        await using HttpReceiver receiver = await HttpReceiver.StartAsync(port);
        await SinkTestKit.WaitUntilAsync(() => Envelopes(receiver).Any(e => e.GetProperty("fields").GetProperty("lantern_event").GetString() == "dropped"), "drop notice");
        JsonElement notice = Envelopes(receiver).First(e => e.GetProperty("fields").GetProperty("lantern_event").GetString() == "dropped");
        JsonElement lantern = notice.GetProperty("event").GetProperty("unmapped").GetProperty("lantern");
        Assert.Equal(refused, lantern.GetProperty("count").GetInt64());
        Assert.Equal(100, lantern.GetProperty("last_seq").GetInt64());
        Assert.Equal(4, notice.GetProperty("event").GetProperty("severity_id").GetInt32());
        await SinkTestKit.WaitUntilAsync(() => forwarder.Status()[0].QueueDepth == 0, "empty queue");
        // Everything not dropped arrived, in order.
        Assert.Equal(Enumerable.Range(1, 100 - refused).Select(i => (long)i), Seqs(receiver).Distinct());
    }

    [Fact]
    public async Task TryEnqueue_ReceiverHangs_StaysFast()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        var never = new TaskCompletionSource<(int, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Handler = _ => never.Task;
        var limits = SinkTestKit.FastLimits(queue: 100) with { SendTimeout = TimeSpan.FromSeconds(30), ShutdownTimeout = TimeSpan.FromMilliseconds(200) };
        var forwarder = new SiemForwarder([Hec(receiver.Port)], temp.Path, limits);
        try
        {
            forwarder.TryEnqueue(SinkTestKit.Record(1));
            await Task.Delay(100); // the sender is now stuck in a request that never answers
            AuditRecord[] records = [.. Enumerable.Range(2, 3000).Select(i => SinkTestKit.Record(i))];
            var watch = Stopwatch.StartNew();
            long slowest = 0;
            foreach (AuditRecord record in records)
            {
                long before = watch.ElapsedTicks;
                Assert.True(forwarder.TryEnqueue(record));
                slowest = Math.Max(slowest, watch.ElapsedTicks - before);
            }
            watch.Stop();
            Assert.True(watch.ElapsedMilliseconds < 3000, $"3000 enqueues took {watch.ElapsedMilliseconds} ms");
            Assert.True(TimeSpan.FromTicks(slowest * TimeSpan.TicksPerSecond / Stopwatch.Frequency) < TimeSpan.FromMilliseconds(250), "one enqueue blocked");
            Assert.Equal(3001, forwarder.Status()[0].QueueDepth);
            Assert.True(forwarder.Status()[0].Spilled >= 2900);
        }
        finally
        {
            var stop = Stopwatch.StartNew();
            await forwarder.DisposeAsync();
            Assert.True(stop.Elapsed < TimeSpan.FromSeconds(10), "shutdown hung with the receiver");
            never.TrySetResult((200, """{"text":"Success","code":0}"""));
        }
    }

    [Fact]
    public async Task Shutdown_ReceiverDown_LeftoversResumedInOrderOnNextStart()
    {
        using var temp = new TempDirectory("siem");
        int port = SinkTestKit.FreePort();
        var limits = SinkTestKit.FastLimits(queue: 10) with { ShutdownTimeout = TimeSpan.FromMilliseconds(300) };
        await using (var first = new SiemForwarder([Hec(port)], temp.Path, limits))
        {
            for (int i = 1; i <= 40; i++)
            {
                first.TryEnqueue(SinkTestKit.Record(i));
            }
            first.TryEnqueue(SinkTestKit.Checkpoint(40));
            await SinkTestKit.WaitUntilAsync(() => first.Status()[0].SendErrors > 0, "a failed attempt");
        }
        string spill = Path.Combine(temp.Path, Hec(port).Id + ".spill");
        Assert.Equal(41, File.ReadAllLines(spill).Length);

        await using HttpReceiver receiver = await HttpReceiver.StartAsync(port);
        await using (var second = new SiemForwarder([Hec(port)], temp.Path, limits))
        {
            Assert.Equal(41, second.Status()[0].QueueDepth);
            second.TryEnqueue(SinkTestKit.Record(41));
            await SinkTestKit.WaitUntilAsync(() => Seqs(receiver).Count >= 41, "41 records");
            await SinkTestKit.WaitUntilAsync(() => second.Status()[0].QueueDepth == 0, "empty queue");
        }
        Assert.Equal(Enumerable.Range(1, 41).Select(i => (long)i), Seqs(receiver));
        List<JsonElement> envelopes = Envelopes(receiver);
        Assert.Equal("checkpoint", envelopes[40].GetProperty("fields").GetProperty("lantern_event").GetString());
        Assert.False(File.Exists(spill));
    }

    [Fact]
    public async Task Shutdown_ReceiverUp_FlushesEverythingBeforeReturning()
    {
        using var temp = new TempDirectory("siem");
        await using HttpReceiver receiver = await HttpReceiver.StartAsync();
        await using (var forwarder = new SiemForwarder([Hec(receiver.Port)], temp.Path, SinkTestKit.FastLimits(queue: 50)))
        {
            for (int i = 1; i <= 500; i++)
            {
                forwarder.TryEnqueue(SinkTestKit.Record(i));
            }
        }
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), Seqs(receiver));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.spill"));
    }

    [Fact]
    public async Task Constructor_TokenVariableUnset_ClearError()
    {
        using var temp = new TempDirectory("siem");
        SiemSinkSpec spec = SiemSinkSpec.Parse("splunk-hec://127.0.0.1:1?token_env=LANTERN_TEST_UNSET_TOKEN_VARIABLE");
        var ex = Assert.Throws<SiemSinkSpecException>(() => new SiemForwarder([spec], temp.Path));
        Assert.Contains("LANTERN_TEST_UNSET_TOKEN_VARIABLE", ex.Message);
        // The spill lock was released: a forwarder for another sink can use the directory.
        await using var ok = new SiemForwarder([SiemSinkSpec.Parse("file://" + Path.Combine(temp.Path, "x.jsonl"))], temp.Path);
    }

    [Fact]
    public async Task File_Formats_JsonlRecordsHashCheckAndCheckpointLine()
    {
        using var temp = new TempDirectory("siem");
        string jsonl = Path.Combine(temp.Path, "out", "events.jsonl");
        string cef = Path.Combine(temp.Path, "out", "events.cef");
        string ocsf = Path.Combine(temp.Path, "out", "events.ocsf");
        AuditRecord record = SinkTestKit.Record(1);
        await using (var forwarder = new SiemForwarder(
            [SiemSinkSpec.Parse("file://" + jsonl), SiemSinkSpec.Parse("file://" + cef + "?format=cef"), SiemSinkSpec.Parse("file://" + ocsf + "?format=ocsf")],
            Path.Combine(temp.Path, "spill"), SinkTestKit.FastLimits()))
        {
            forwarder.TryEnqueue(record);
            forwarder.TryEnqueue(SinkTestKit.Checkpoint(1));
        }
        string[] lines = File.ReadAllLines(jsonl);
        Assert.Equal(2, lines.Length);
        Assert.Equal(record.ComputeHash(), AuditRecord.Parse(Encoding.UTF8.GetBytes(lines[0])).ComputeHash());
        using JsonDocument checkpoint = JsonDocument.Parse(lines[1]);
        Assert.Equal("checkpoint", checkpoint.RootElement.GetProperty("type").GetString());
        CheckpointOpenResult opened = AuditCheckpoint.Open(checkpoint.RootElement.GetProperty("note").GetString()!, [SinkTestKit.Key.Verifier]);
        Assert.Equal(CheckpointOpenStatus.Ok, opened.Status);
        string[] cefLines = File.ReadAllLines(cef);
        Assert.StartsWith("CEF:0|Lantern|Lantern Gateway|", cefLines[0]);
        Assert.Contains("|gateway-checkpoint|", cefLines[1]);
        Assert.All(File.ReadAllLines(ocsf), l => JsonDocument.Parse(l).Dispose());
    }

    private static Dictionary<string, JsonElement> Attributes(JsonElement owner) =>
        owner.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value"));

    private static bool IsNonDecreasingAfterDedup(List<long> seqs)
    {
        var seen = new HashSet<long>();
        long last = 0;
        foreach (long s in seqs)
        {
            if (seen.Add(s))
            {
                if (s < last)
                {
                    return false;
                }
                last = s;
            }
        }
        return true;
    }
}
