using System.Globalization;
using Lantern.Testing.Squid;
using Xunit.Abstractions;

namespace Lantern.NetLog.Tests.Squid;

/// <summary>
/// Real downloads through a real Squid into a fake hub; assertions on the access.log Squid itself wrote,
/// in its native format (compliance.md §7: <c>%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt</c>).
/// Takes ~2–3 s including Squid start and shutdown.
/// </summary>
public class SquidAccessLogTests(ITestOutputHelper output)
{
    private sealed record SquidLine(double Time, string Client, string Result, int Status, long Bytes, string Method, string Url, string User, string Hierarchy, string Mime);

    private static SquidLine Parse(string line)
    {
        string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(f.Length == 10, "not a native squid line: " + line);
        string[] result = f[3].Split('/');
        return new SquidLine(double.Parse(f[0], CultureInfo.InvariantCulture), f[2], result[0], int.Parse(result[1], CultureInfo.InvariantCulture),
            long.Parse(f[4], CultureInfo.InvariantCulture), f[5], f[6], f[7], f[8], f[9]);
    }

    [SquidFact]
    public async Task Downloads_ThroughSquid_AreLoggedWithStatusUrlAndBytes()
    {
        using SquidHubSession session = await SquidHubSession.RunDownloadsAsync();
        FakeModelHub hub = session.Hub;
        string[] raw = File.ReadAllLines(session.AccessLogPath);
        output.WriteLine($"{raw.Length} lines in {session.Elapsed.TotalMilliseconds:F0} ms");
        foreach (string l in raw)
        {
            output.WriteLine(l);
        }
        SquidLine[] all = raw.Select(Parse).ToArray();
        // The harness's readiness probe (connect, close) leaves Squid's usual "NONE_NONE/000 … error:transaction-end-before-headers"
        // line, as health checks do in production logs; it is the only non-transaction line.
        SquidLine[] lines = all.Where(l => l.Method != "-").ToArray();
        Assert.All(all.Except(lines), l => Assert.Equal("error:transaction-end-before-headers", l.Url));
        string port = ":" + hub.Port.ToString(CultureInfo.InvariantCulture);

        // 1 HF resolve + 1 CDN, 1 manifest + 2 blob 307s + 1 config blob + 2 range parts, 1 GitHub 302 + 1 asset.
        Assert.Equal(10, lines.Length);
        Assert.DoesNotContain(lines, l => l.Method == "CONNECT");
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.All(lines, l =>
        {
            Assert.Equal("127.0.0.1", l.Client);
            Assert.Equal("TCP_MISS", l.Result); // cache deny all: every request went to the origin
            Assert.Equal("-", l.User);
            Assert.Equal("HIER_DIRECT/127.0.0.1", l.Hierarchy);
            Assert.InRange(l.Time, now - 300, now + 5);
            Assert.Equal("GET", l.Method);
        });

        SquidLine resolve = Assert.Single(lines, l => l.Url.StartsWith("http://huggingface.co" + port + "/", StringComparison.Ordinal));
        Assert.Equal(302, resolve.Status);
        Assert.Equal($"http://huggingface.co{port}/{FakeModelHub.HfRepo}/resolve/main/{FakeModelHub.HfFile}", resolve.Url);

        SquidLine cdn = Assert.Single(lines, l => l.Url.StartsWith("http://cdn-lfs.hf.co" + port + "/repos/", StringComparison.Ordinal));
        Assert.Equal(200, cdn.Status);
        Assert.True(cdn.Bytes >= hub.GgufBytes, $"CDN bytes {cdn.Bytes} < body {hub.GgufBytes}");
        Assert.Contains(hub.GgufSha256, cdn.Url, StringComparison.Ordinal);
        Assert.Contains("filename*%3DUTF-8%27%27" + FakeModelHub.HfFile, cdn.Url, StringComparison.Ordinal);
        Assert.Equal("binary/octet-stream", cdn.Mime);
        Assert.True(resolve.Time <= cdn.Time);

        SquidLine manifest = Assert.Single(lines, l => l.Url.EndsWith("/v2/library/llama3.2/manifests/1b", StringComparison.Ordinal));
        Assert.Equal(200, manifest.Status);
        Assert.StartsWith("http://registry.ollama.ai" + port, manifest.Url, StringComparison.Ordinal);
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", manifest.Mime);

        SquidLine[] blobRedirects = lines.Where(l => l.Url.Contains("/v2/library/llama3.2/blobs/sha256:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, blobRedirects.Length);
        Assert.All(blobRedirects, l => Assert.Equal(307, l.Status));
        Assert.Contains(blobRedirects, l => l.Url.EndsWith("sha256:" + hub.OllamaModelDigest, StringComparison.Ordinal));

        string r2Model = $"http://{FakeModelHub.OllamaR2Host}{port}/ollama/docker/registry/v2/blobs/sha256/{hub.OllamaModelDigest[..2]}/{hub.OllamaModelDigest}/data?";
        SquidLine[] parts = lines.Where(l => l.Url.StartsWith(r2Model, StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, parts.Length);
        Assert.All(parts, p => Assert.Equal(206, p.Status));
        Assert.True(parts.Sum(p => p.Bytes) >= hub.OllamaModelBytes, $"parts carried {parts.Sum(p => p.Bytes)} < blob {hub.OllamaModelBytes}");
        Assert.All(parts, p => Assert.True(p.Bytes >= hub.OllamaModelBytes / 2));
        SquidLine config = Assert.Single(lines, l => l.Url.Contains("/sha256/" + hub.OllamaConfigDigest[..2] + "/" + hub.OllamaConfigDigest + "/data", StringComparison.Ordinal));
        Assert.Equal(200, config.Status);

        SquidLine release = Assert.Single(lines, l => l.Url == $"http://github.com{port}{FakeModelHub.GitHubReleasePath}");
        Assert.Equal(302, release.Status);
        SquidLine asset = Assert.Single(lines, l => l.Url.StartsWith($"http://{FakeModelHub.GitHubAssetsHost}{port}/github-production-release-asset/", StringComparison.Ordinal));
        Assert.Equal(200, asset.Status);
        Assert.True(asset.Bytes >= hub.ReleaseZipBytes);

        // What the client received matches what Squid says it sent (bytes logged include headers, so ≥).
        Assert.Equal(hub.GgufBytes, session.ReceivedBytes[hub.HfResolveUri.AbsoluteUri]);
    }

    [SquidFact]
    public async Task Downloads_WithSquidDefaultStripQueryTerms_LogUrlsWithoutQuery()
    {
        using SquidHubSession session = await SquidHubSession.RunDownloadsAsync(ggufBytes: 64 * 1024, ollamaModelBytes: 64 * 1024, stripQueryTerms: true);
        string[] raw = File.ReadAllLines(session.AccessLogPath);
        foreach (string l in raw)
        {
            output.WriteLine(l);
        }
        SquidLine[] lines = raw.Select(Parse).Where(l => l.Method != "-").ToArray();
        Assert.Equal(10, lines.Length);
        SquidLine cdn = Assert.Single(lines, l => l.Url.Contains("cdn-lfs.hf.co", StringComparison.Ordinal));
        // Squid's default drops the query, and with it the HF file name: only the sha256 path remains.
        Assert.DoesNotContain("filename", cdn.Url, StringComparison.Ordinal);
        Assert.Contains(session.Hub.GgufSha256, cdn.Url, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.DoesNotContain("X-Amz-", l.Url, StringComparison.Ordinal));
    }
}
