using System.Globalization;
using System.Text.Json.Nodes;
using Lantern.Core.Reporting;
using Lantern.EndToEnd.Tests.Scan;
using Lantern.Testing.Endpoints;
using Lantern.Testing.Squid;

namespace Lantern.EndToEnd.Tests.NetLog;

/// <summary>
/// Real downloads through a real Squid (Debian's, installed by .ci/run) from a local imitation of Hugging Face, the
/// Ollama registry and GitHub releases; then the real CLI analyses the access.log Squid itself wrote.
/// </summary>
public class NetLogEndToEndTests
{
    [SquidFact]
    public async Task NetlogAnalyze_SquidAccessLog_ReconstructsEachDownloadOnce()
    {
        using SquidHubSession session = await SquidHubSession.RunDownloadsAsync();
        using var endpoint = new FixtureEndpoint();
        FakeModelHub hub = session.Hub;

        var (exit, stdout, stderr) = LanternProcess.Run(endpoint, "netlog", "analyze", session.AccessLogPath, "--format", "json");

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}: {stderr}");
        JsonNode report = JsonNode.Parse(stdout)!;
        JsonArray acquisitions = report["acquisitions"]!.AsArray();
        Assert.Equal(3, acquisitions.Count);

        JsonNode hf = Assert.Single(acquisitions, a => a!["hub"]!.GetValue<string>() == "huggingface")!;
        Assert.Equal("model", hf["kind"]!.GetValue<string>());
        Assert.Equal(FakeModelHub.HfRepo, hf["modelId"]!.GetValue<string>());
        Assert.Equal(FakeModelHub.HfFile, hf["file"]!.GetValue<string>());
        Assert.Equal("high", hf["confidence"]!.GetValue<string>());
        Assert.True(hf["bytes"]!.GetValue<long>() >= hub.GgufBytes);
        Assert.Equal("127.0.0.1", hf["clientIp"]!.GetValue<string>());

        JsonNode ollama = Assert.Single(acquisitions, a => a!["hub"]!.GetValue<string>() == "ollama")!;
        Assert.Equal("llama3.2:1b", ollama["modelId"]!.GetValue<string>());
        Assert.True(ollama["bytes"]!.GetValue<long>() >= hub.OllamaModelBytes);

        JsonNode release = Assert.Single(acquisitions, a => a!["hub"]!.GetValue<string>() == "github-release")!;
        Assert.Equal("runtime-installer", release["kind"]!.GetValue<string>());
        Assert.True(release["bytes"]!.GetValue<long>() >= hub.ReleaseZipBytes);

        // Evidence points back into the file Squid wrote; the readiness probe line is counted, not fatal.
        Assert.All(acquisitions, a => Assert.StartsWith(session.AccessLogPath + ":", a!["evidence"]![0]!.GetValue<string>(), StringComparison.Ordinal));
        JsonNode stats = report["stats"]!;
        Assert.Equal(File.ReadAllLines(session.AccessLogPath).Length, stats["linesRead"]!.GetValue<long>());
        // No signed query parameter survives into the report.
        Assert.DoesNotContain("X-Amz-", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature=", stdout, StringComparison.Ordinal);
    }

    [SquidFact]
    public async Task NetlogAnalyze_AttributionCsv_NamesHostAndUser()
    {
        using SquidHubSession session = await SquidHubSession.RunDownloadsAsync(ggufBytes: 64 * 1024, ollamaModelBytes: 64 * 1024);
        using var endpoint = new FixtureEndpoint();
        string leases = Path.Combine(endpoint.Root, "leases.csv");
        string start = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        File.WriteAllText(leases, $"ip,hostname,user,start,end\n127.0.0.1,laptop-17,alice,{start},\n");

        var (exit, stdout, stderr) = LanternProcess.Run(endpoint, "netlog", "analyze", session.AccessLogPath, "--format", "csv", "--attribution", leases);

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}: {stderr}");
        string[] rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, rows.Length);
        Assert.All(rows.Skip(1), r => Assert.Contains("laptop-17", r, StringComparison.Ordinal));
        Assert.All(rows.Skip(1), r => Assert.Contains("alice", r, StringComparison.Ordinal));
    }

    [Fact]
    public void NetlogAnalyze_TruncatedGzipAndJunk_ReportsAndExitsThree()
    {
        using var endpoint = new FixtureEndpoint();
        string log = Path.Combine(endpoint.Root, "access.log.gz");
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"1767225600.{i % 1000:D3}    120 10.0.0.{i % 200} TCP_MISS/200 5120 GET http://example.com/{i} - HIER_DIRECT/93.184.216.34 text/html\n");
        }
        text.Append("1767225700.000 912004 10.0.0.15 TCP_TUNNEL/200 4718592000 CONNECT cdn-lfs.hf.co:443 alice HIER_DIRECT/203.0.113.10 -\n");
        text.Append("\u0001\u0002 binary junk with huggingface.co inside \u00ff\n");
        byte[] gz;
        using (var buffer = new MemoryStream())
        {
            using (var zip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            {
                zip.Write(System.Text.Encoding.Latin1.GetBytes(text.ToString()));
            }
            gz = buffer.ToArray();
        }
        File.WriteAllBytes(log, gz[..(gz.Length - 6)]);

        var (exit, stdout, stderr) = LanternProcess.Run(endpoint, "netlog", "analyze", log, "--format", "json");

        Assert.True(exit == ExitCodes.Incomplete, $"exit {exit}: {stderr}");
        JsonNode report = JsonNode.Parse(stdout)!;
        Assert.NotEmpty(report["stats"]!["inputProblems"]!.AsArray());
    }

    [Fact]
    public void NetlogSigmaAndQueries_WriteRulesAndSearches()
    {
        using var endpoint = new FixtureEndpoint();
        string dir = Path.Combine(endpoint.Root, "sigma");

        var (exit, _, stderr) = LanternProcess.Run(endpoint, "netlog", "sigma", "--output", dir);
        var (qExit, spl, _) = LanternProcess.Run(endpoint, "netlog", "queries", "--backend", "splunk");
        var (badExit, _, _) = LanternProcess.Run(endpoint, "netlog", "queries", "--backend", "grep");

        Assert.True(exit == ExitCodes.Ok, stderr);
        Assert.Contains(Directory.GetFiles(dir, "*.yml"), f => Path.GetFileName(f).StartsWith("proxy_", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Ok, qExit);
        Assert.Contains("huggingface.co", spl, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, badExit);
    }
}
