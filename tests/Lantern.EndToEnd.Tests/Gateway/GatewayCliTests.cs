using System.Net;
using System.Text;
using System.Text.Json;
using Lantern.Testing;
using Lantern.Testing.Servers;

namespace Lantern.EndToEnd.Tests.Gateway;

/// <summary>The real <c>lantern gateway</c> process in front of a real HTTP upstream, then <c>lantern audit</c> on its log.</summary>
public class GatewayCliTests
{
    private const string RecordIdHeader = "X-Lantern-Record-Id";

    private static HttpClient Client(Uri baseUri) =>
        new(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Gateway_PassesThroughRecordsRefusals_AndAuditVerifiesDetectsTamperAndExports()
    {
        using var dir = new TempDirectory();
        string policy = dir.File("policy.yaml");
        await File.WriteAllTextAsync(policy, GatewayUpstream.Policy);
        string audit = Path.Combine(dir.Path, "audit");
        await using var upstream = new FakeInferenceUpstream(r => GatewayUpstream.Handle(r));
        string[] ids;
        string verifierKey;
        using (GatewayProcess gateway = await GatewayProcess.StartAsync("--listen", "127.0.0.1:0", "--upstream", upstream.BaseUri.AbsoluteUri,
            "--policy", policy, "--audit-dir", audit))
        {
            verifierKey = gateway.VerifierKey;
            Assert.Contains("created audit signing key", gateway.Stderr, StringComparison.Ordinal);
            using HttpClient client = Client(gateway.ListenUri);

            // Streamed Ollama chat: byte for byte.
            using HttpResponseMessage chat = await client.PostAsync("/api/chat",
                new StringContent("""{"model":"llama3.2","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            Assert.Equal(string.Concat(GatewayUpstream.ChatStream.Select(l => l + "\n")), Encoding.UTF8.GetString(await chat.Content.ReadAsByteArrayAsync()));

            // Streamed OpenAI chat completions (the client asked for usage itself, so nothing is added or stripped): byte for byte.
            using HttpResponseMessage openAi = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"llama3.2","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.OK, openAi.StatusCode);
            Assert.Equal(string.Concat(GatewayUpstream.OpenAiStream), Encoding.UTF8.GetString(await openAi.Content.ReadAsByteArrayAsync()));

            // A model the policy does not approve: 403 in Ollama's shape, never forwarded.
            using HttpResponseMessage refused = await client.PostAsync("/api/chat",
                new StringContent("""{"model":"evil","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.StartsWith("{\"error\":\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(upstream.Requests, r => r.Path == "/api/chat" && r.BodyText.Contains("evil", StringComparison.Ordinal));

            ids = [.. new[] { chat, openAi, refused }.Select(r => r.Headers.GetValues(RecordIdHeader).Single())];
            Assert.Equal(0, await gateway.TerminateAsync());
            Assert.Contains("final checkpoint covers 3 records", gateway.Stderr, StringComparison.Ordinal);
        }

        string segment = Directory.GetFiles(audit, "audit-*.jsonl").Single();
        string[] lines = await File.ReadAllLinesAsync(segment);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 3; i++)
        {
            using JsonDocument record = JsonDocument.Parse(lines[i]);
            Assert.Equal(ids[i], record.RootElement.GetProperty("id").GetString());
        }
        using (JsonDocument blocked = JsonDocument.Parse(lines[2]))
        {
            Assert.Equal("blocked", blocked.RootElement.GetProperty("endState").GetString());
            Assert.Equal(403, blocked.RootElement.GetProperty("httpStatus").GetInt32());
            Assert.Equal("model-not-approved", blocked.RootElement.GetProperty("refusalReason").GetString());
            Assert.Equal("sha256:" + GatewayUpstream.EvilDigest, blocked.RootElement.GetProperty("modelDigest").GetString());
        }
        using (JsonDocument completed = JsonDocument.Parse(lines[0]))
        {
            Assert.Equal("completed", completed.RootElement.GetProperty("endState").GetString());
            Assert.Equal(3, completed.RootElement.GetProperty("tokensOut").GetInt32());
            Assert.False(completed.RootElement.TryGetProperty("promptText", out _));
        }

        (int verified, string verifyOut, _) = CliRun.Run("audit", "verify", audit, "--key", verifierKey);
        Assert.True(verified == 0, verifyOut);
        Assert.Contains("VERIFIED", verifyOut, StringComparison.Ordinal);

        (int exported, string ocsf, _) = CliRun.Run("audit", "export", audit, "--format", "ocsf");
        Assert.Equal(0, exported);
        string[] events = ocsf.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        Assert.All(events, e =>
        {
            using JsonDocument ev = JsonDocument.Parse(e);
            Assert.Equal(6003, ev.RootElement.GetProperty("class_uid").GetInt32());
        });

        (int usage, _, _) = CliRun.Run("audit", "verify", audit);
        Assert.Equal(2, usage);

        // The blocked call's record, proven on its own: the auditor needs the proof file and the verifier key only.
        string proofFile = Path.Combine(Path.GetDirectoryName(audit)!, "proof-3.json");
        (int proved, _, string proveErr) = CliRun.Run("audit", "prove", audit, "--seq", "3", "--output", proofFile);
        Assert.True(proved == 0, proveErr);
        (int checkedProof, string checkOut, _) = CliRun.Run("audit", "check-proof", proofFile, "--key", verifierKey);
        Assert.True(checkedProof == 0, checkOut);
        Assert.Contains("PROVEN: record 3 (" + ids[2] + ")", checkOut, StringComparison.Ordinal);
        string forged = (await File.ReadAllTextAsync(proofFile)).Replace("model-not-approved", "model-approved-ok", StringComparison.Ordinal);
        await File.WriteAllTextAsync(proofFile, forged);
        (int forgedExit, string forgedOut, _) = CliRun.Run("audit", "check-proof", proofFile, "--key", verifierKey);
        Assert.True(forgedExit == 1, forgedOut);
        Assert.Contains("NOT PROVEN", forgedOut, StringComparison.Ordinal);

        // One byte of the first record changed: verify fails and names that record.
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        int at = IndexOf(bytes, "\"httpStatus\":200"u8) + "\"httpStatus\":20".Length;
        bytes[at] = (byte)'1';
        await File.WriteAllBytesAsync(segment, bytes);
        (int tampered, string tamperOut, _) = CliRun.Run("audit", "verify", audit, "--key", verifierKey);
        Assert.True(tampered == 1, tamperOut);
        Assert.Contains("TAMPERED", tamperOut, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(segment) + ":1", tamperOut, StringComparison.Ordinal);
        Assert.Matches(@"seq\s+1\b", tamperOut);
    }

    [Fact]
    public void Gateway_InvalidPolicy_Exit2WithLineAndColumn()
    {
        using var dir = new TempDirectory();
        string policy = dir.File("policy.yaml");
        File.WriteAllText(policy, GatewayUpstream.Policy.Replace("capture: metadata", "capture: everything", StringComparison.Ordinal));

        (int exit, _, string stderr) = CliRun.Run("gateway", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:9/", "--policy", policy, "--audit-dir", dir.File("audit"));

        Assert.Equal(2, exit);
        Assert.Contains("policy.yaml:13:12: gateway.capture", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("audit")));
    }

    [Fact]
    public void AuditKeygen_WritesKey0600_AndPrintsVerifierKey()
    {
        using var dir = new TempDirectory();
        string key = dir.File("signing.key");

        (int exit, string stdout, _) = CliRun.Run("audit", "keygen", "--output", key, "--name", "acme-gw");

        Assert.Equal(0, exit);
        Assert.StartsWith("acme-gw+", stdout.Trim(), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(2, CliRun.Run("audit", "keygen", "--output", key).ExitCode);
    }

    internal static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int i = haystack.AsSpan().IndexOf(needle);
        Assert.True(i >= 0);
        return i;
    }
}
