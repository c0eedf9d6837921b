using System.Net;
using System.Text;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Classification;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Forwarding;
using Lantern.Gateway.Hosting;
using Lantern.Gateway.Integration;
using Lantern.Gateway.Recording;
using Lantern.Gateway.Tests.Audit;
using Lantern.Gateway.Tests.Forwarding;
using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Loading;
using Lantern.Testing;
using Lantern.Testing.Servers;

namespace Lantern.Gateway.Tests.Integration;

public class AuditLogSinkTests
{
    private static GatewayCallRecord Sample(CaptureLevel capture) => new()
    {
        Id = AuditRecord.NewId(),
        Sequence = 7,
        StartedAt = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero),
        EndedAt = new DateTimeOffset(2026, 3, 1, 10, 0, 1, TimeSpan.Zero),
        Caller = new CallerInfo
        {
            User = "alice", KeyId = "alice-laptop", Groups = ["engineering"], Program = "python3", ExecutablePath = "/usr/bin/python3",
            ProcessId = 4242, UserId = 1000, ClientAddress = "::1", ClientPort = 50123, Source = "api-key",
        },
        Method = "POST",
        Path = "/api/chat",
        Api = ApiFamily.Ollama,
        RouteClass = RouteClass.Inference,
        Operation = "chat",
        UpstreamKind = UpstreamKind.Ollama,
        Model = "llama3.2",
        ResolvedModelName = "llama3.2:latest",
        ModelDigest = OllamaWire.WeightsDigest,
        ManifestDigest = OllamaWire.ManifestDigest,
        DigestSource = "ollama-modelfile",
        UseCase = "coding",
        DataClass = "Internal",
        DetectorHits = new Dictionary<string, int> { ["email"] = 2, ["phone"] = 1 },
        ClassificationTruncated = true,
        PromptOverride = true,
        Streamed = true,
        UsageInjected = true,
        TokensIn = 26,
        TokensOut = 3,
        TimeToFirstTokenMs = 12.5,
        DurationMs = 250.25,
        GatewayOverheadMs = 0.75,
        EndState = CallEndState.Completed,
        HttpStatus = 200,
        DoneReason = "stop",
        OutputSha256 = new string('b', 64),
        ResponseBytes = 512,
        Capture = capture,
        PromptText = "mail bob@corp.io",
        OutputText = "Hello",
        TextTruncated = true,
    };

    [Fact]
    public void Map_FullCapture_CarriesEveryField()
    {
        AuditRecord r = AuditLogSink.Map(Sample(CaptureLevel.Full), "http://127.0.0.1:11435/", "1.3", CaptureLevel.Full);

        Assert.Equal(("alice", "python3", 4242, "[::1]:50123", "alice-laptop"), (r.Caller.User, r.Caller.Process, r.Caller.Pid, r.Caller.Client, r.Caller.ApiKeyId));
        Assert.Equal(("POST", "/api/chat"), (r.Route.Method, r.Route.Path));
        Assert.Equal(("http://127.0.0.1:11435/", "llama3.2", "sha256:" + OllamaWire.WeightsDigest), (r.Upstream, r.ModelName, r.ModelDigest));
        Assert.Equal(("coding", "Internal", "1.3"), (r.UseCase, r.DataClass, r.PolicyVersion));
        Assert.Equal(2, r.DetectorHits["email"]);
        Assert.Equal(1, r.DetectorHits["phone"]);
        Assert.Equal((26L, 3L, 12.5, 250.25), (r.TokensIn!.Value, r.TokensOut!.Value, r.TimeToFirstTokenMs!.Value, r.DurationMs));
        Assert.Equal((AuditEndState.Completed, 200), (r.EndState, r.HttpStatus));
        Assert.Equal(new string('b', 64), r.OutputSha256);
        Assert.Equal(("mail bob@corp.io", "Hello"), (r.PromptText, r.OutputText));
        AuditCallDetails call = r.Call!;
        Assert.Equal((7L, "ollama", "inference", "chat", "ollama"), (call.CallSeq!.Value, call.Api, call.RouteClass, call.Operation, call.UpstreamKind));
        Assert.Equal(("llama3.2:latest", "sha256:" + OllamaWire.ManifestDigest, "ollama-modelfile"), (call.ResolvedModelName, call.ManifestDigest, call.DigestSource));
        Assert.True(call.ClassificationTruncated && call.PromptOverride && call.Streamed && call.UsageInjected && call.TextTruncated);
        Assert.Equal((0.75, "stop", 512L, "full"), (call.GatewayOverheadMs!.Value, call.DoneReason, call.ResponseBytes!.Value, call.Capture));
        Assert.Equal((1000L, "/usr/bin/python3", "api-key"), (call.CallerUid!.Value, call.CallerExecutable, call.IdentitySource));
        Assert.Equal(["engineering"], call.CallerGroups);

        // The record survives its own canonical form: what is written is what is read back.
        AuditRecord back = AuditRecord.Parse(r.ToCanonicalJson());
        Assert.Equal(r.ToCanonicalJson(), back.ToCanonicalJson());
    }

    [Theory]
    [InlineData(CaptureLevel.None, CaptureLevel.Full, false, false)]
    [InlineData(CaptureLevel.Metadata, CaptureLevel.Full, true, false)]
    [InlineData(CaptureLevel.Redacted, CaptureLevel.Redacted, true, true)]
    [InlineData(CaptureLevel.Full, CaptureLevel.Metadata, true, false)]
    [InlineData(CaptureLevel.Full, CaptureLevel.None, false, false)]
    public void Map_CaptureLevels_TextAndHashOnlyAsAllowed(CaptureLevel recordLevel, CaptureLevel ceiling, bool hash, bool text)
    {
        AuditRecord r = AuditLogSink.Map(Sample(recordLevel), "u", null, ceiling);

        Assert.Equal(hash, r.OutputSha256 is not null);
        Assert.Equal(text, r.PromptText is not null);
        Assert.Equal(text, r.OutputText is not null);
        // Hit counts at every level, never the values.
        Assert.Equal(2, r.DetectorHits["email"]);
        Assert.DoesNotContain("bob@corp.io", Encoding.UTF8.GetString(r.ToCanonicalJson()) is var json && !text ? json : "", StringComparison.Ordinal);
    }

    [Fact]
    public void Map_LoneSurrogateFromClient_IsReplacedSoTheRecordCanBeWritten()
    {
        GatewayCallRecord record = Sample(CaptureLevel.Full) with { Model = "bad\uD800name", PromptText = "x\uDC00" };

        AuditRecord r = AuditLogSink.Map(record, "u", null, CaptureLevel.Full);

        Assert.Equal("bad\uFFFDname", r.ModelName);
        Assert.Equal("x\uFFFD", r.PromptText);
        Assert.NotEmpty(r.ToCanonicalJson());
    }

    [Fact]
    public async Task RecordAsync_AppendsDurably_AndRaisesCommitted()
    {
        using var dir = new TempDirectory();
        await using AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path));
        var sink = new AuditLogSink(writer, "u", null, CaptureLevel.Metadata);
        var committed = new List<AuditRecord>();
        sink.RecordCommitted += committed.Add;
        sink.RecordCommitted += _ => throw new InvalidOperationException("a broken forwarder must not fail the call");
        GatewayCallRecord record = Sample(CaptureLevel.Metadata);

        await sink.RecordAsync(record, CancellationToken.None);
        await sink.RecordAsync(Sample(CaptureLevel.Metadata), CancellationToken.None);

        Assert.True(sink.IsHealthy);
        Assert.Equal([1L, 2L], committed.Select(c => c.Seq));
        Assert.Equal(record.Id, committed[0].Id);
        Assert.Equal(committed[0].ComputeHash(), committed[1].Prev);
        // Durable before return: the line is in the segment now.
        string segment = File.ReadAllText(Directory.GetFiles(dir.Path, "audit-*.jsonl").Single());
        Assert.Contains(record.Id, segment, StringComparison.Ordinal);
        await writer.CheckpointAsync();
        Assert.True(AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions()).Ok);
    }

    [Fact]
    public async Task Gateway_AuditDirBecomesUnwritable_FailsClosedWith503InTheApiShape()
    {
        using var dir = new TempDirectory();
        string auditDir = Path.Combine(dir.Path, "audit");
        // One record per segment: every call needs a new segment file, so a lost directory shows at the next call.
        AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(auditDir, segmentRecords: 1));
        await using (writer)
        {
            var sink = new AuditLogSink(writer, "u", null, CaptureLevel.Metadata);
            Func<UpstreamRequest, UpstreamReply> upstream = OllamaWire.With(r => r.Path == "/v1/chat/completions"
                ? UpstreamReply.Json("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""")
                : UpstreamReply.Json("""{"model":"llama3.2","message":{"role":"assistant","content":"ok"},"done":true}"""));
            await using GatewayFixture gateway = await GatewayFixture.StartAsync(upstream, services: s => s with { AuditSink = sink });
            const string chat = """{"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"stream":false}""";

            using HttpResponseMessage first = await gateway.Client.PostAsync("/api/chat", new StringContent(chat));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            string firstId = first.Headers.GetValues(GatewayPipeline.RecordIdHeader).Single();
            Assert.Contains(firstId, File.ReadAllText(Directory.GetFiles(auditDir, "audit-*.jsonl").Single()), StringComparison.Ordinal);

            // The directory goes away (a file where it was: unwritable even for root).
            Directory.Move(auditDir, auditDir + ".moved");
            await File.WriteAllTextAsync(auditDir, "not a directory");

            var statuses = new List<HttpStatusCode>();
            for (int i = 0; i < 3 && sink.IsHealthy; i++)
            {
                try
                {
                    using HttpResponseMessage response = await gateway.Client.PostAsync("/api/chat", new StringContent(chat));
                    statuses.Add(response.StatusCode);
                }
                catch (HttpRequestException)
                {
                    // A response already under way is aborted rather than completed without its record.
                    statuses.Add(0);
                }
            }
            Assert.False(sink.IsHealthy);
            Assert.DoesNotContain(HttpStatusCode.OK, statuses);

            using HttpResponseMessage ollama = await gateway.Client.PostAsync("/api/chat", new StringContent(chat));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ollama.StatusCode);
            Assert.StartsWith("{\"error\":\"", await ollama.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using HttpResponseMessage openAi = await gateway.Client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"llama3.2","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, openAi.StatusCode);
            Assert.StartsWith("{\"error\":{\"message\":", await openAi.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using HttpResponseMessage health = await gateway.Client.GetAsync("/_lantern/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }
    }
}

public class PromptClassifierAdapterTests
{
    private const string Policy = """
        apiVersion: lantern/v1
        kind: LocalAiPolicy
        metadata: { name: P, owner: O, version: "1" }
        classifications: [Open, Company, Secret]
        dataClassification:
          keywords:
            - class: Secret
              terms: [Bluebird]
          patterns:
            - name: contract-id
              class: Company
              regex: 'CT-[0-9]{6}'
          detectors:
            email: Secret

        """;

    private static LocalAiPolicy Load(string yaml)
    {
        PolicyLoadResult result = PolicyLoader.Parse(yaml, "p.yaml");
        Assert.Empty(result.Errors);
        return result.Policy!;
    }

    [Fact]
    public void FromPolicy_KeywordsPatternsAndOverrides_GiveThePolicysClasses()
    {
        PromptClassifierAdapter adapter = PromptClassifierAdapter.FromPolicy(Load(Policy));

        Assert.Equal("Open", adapter.Classify(["nothing here"]).DataClass);
        Assert.Equal("Company", adapter.Classify(["see CT-123456"]).DataClass);
        PromptClassification secret = adapter.Classify(["about Bluebird"]);
        Assert.Equal("Secret", secret.DataClass);
        Assert.Equal(1, secret.HitCounts["keyword"]);
        Assert.Equal("Secret", adapter.Classify(["mail bob@corp.io"]).DataClass);
        // A default class the policy does not name (Confidential for cards) maps by rank onto the policy's scale.
        Assert.Equal("Secret", adapter.Classify(["card 4111 1111 1111 1111"]).DataClass);
    }

    [Fact]
    public void Redact_MasksHitsOnly()
    {
        PromptClassifierAdapter adapter = PromptClassifierAdapter.FromPolicy(null);

        Assert.Equal("write to [REDACTED:email] today", adapter.Redact("write to bob@corp.io today"));
    }

    [Fact]
    public void FromPolicy_PatternNonBacktrackingCannotRun_NamesItsLine()
    {
        LocalAiPolicy policy = Load(Policy.Replace("'CT-[0-9]{6}'", "'a(?=b)'", StringComparison.Ordinal));

        PolicyRuleException e = Assert.Throws<PolicyRuleException>(() => PromptClassifierAdapter.FromPolicy(policy));

        Assert.Equal((12, 14), (e.Line, e.Column));
        Assert.Contains("contract-id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyDetectorIds_MatchTheBuiltInDetectors()
    {
        Assert.Equal(DetectorTypes.BuiltIn.Order(StringComparer.Ordinal), DataClassificationPolicy.DetectorIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RulesFrom_MapsTheGatewaySection()
    {
        var rules = GatewayComposition.RulesFrom(new GatewayPolicy { AllowManagement = true, AllowApprovedByName = true, RequireUseCaseFor = ["m"] });

        Assert.True(rules.AllowManagement && rules.AllowApprovedByName);
        Assert.False(rules.AllowCloudModels || rules.AllowUnknownRoutes);
        Assert.Equal(["m"], rules.RequireUseCaseFor);
    }

    [Fact]
    public async Task Create_CaptureFlagBeatsPolicy_AndCreatesTheSigningKey0600()
    {
        using var dir = new TempDirectory();
        LocalAiPolicy policy = Load(Policy + "gateway: { capture: full, allowManagement: true }\n");
        var options = new GatewayOptions { Upstream = new Uri("http://127.0.0.1:1/"), AuditDirectory = Path.Combine(dir.Path, "audit"), Capture = CaptureLevel.None };

        GatewayComposition fromPolicy = GatewayComposition.Create(options, policy);
        Assert.Equal(CaptureLevel.Full, fromPolicy.Options.Capture);
        Assert.True(fromPolicy.Options.Rules.AllowManagement);
        Assert.True(fromPolicy.SigningKeyCreated);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fromPolicy.SigningKeyPath));
        }
        await fromPolicy.CloseAsync();

        GatewayComposition overridden = GatewayComposition.Create(options, policy, new GatewayCompositionOptions { CaptureOverride = CaptureLevel.Metadata });
        Assert.Equal(CaptureLevel.Metadata, overridden.Options.Capture);
        Assert.False(overridden.SigningKeyCreated);
        Assert.Equal(fromPolicy.VerifierKey, overridden.VerifierKey);
        await overridden.CloseAsync();
    }
}
