using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lantern.NetLog.Reading;

namespace Lantern.Benchmarks;

/// <summary>
/// ProxyLogReader over a generated in-memory Squid native log (64 MiB, ~0.5 % model-hub lines): prefiltered (the
/// default path) and full parse. MB/s = 64 MiB / mean time; docs/netlog-formats.md has the figures.
/// </summary>
[MemoryDiagnoser]
public class NetLogBenchmarks
{
    private static readonly string[] Needles =
    [
        "huggingface.co", "hf.co", "registry.ollama.ai", "ollama.com", "lmstudio.ai", "modelscope.cn", "civitai.com",
        "kaggle.com", "r2.cloudflarestorage.com", "github.com", "githubusercontent.com", "xethub.hf.co",
    ];

    private byte[] _log = [];

    [GlobalSetup]
    public void Setup() => _log = GenerateSquidLog(64 << 20, hubPerMille: 5);

    [Benchmark]
    public long Prefiltered64MiB() => Count(new ProxyLogReadOptions { PrefilterNeedles = Needles });

    [Benchmark]
    public long FullParse64MiB() => Count(new ProxyLogReadOptions());

    private long Count(ProxyLogReadOptions options)
    {
        var stats = new ProxyLogStats();
        using var stream = new MemoryStream(_log, writable: false);
        long records = 0;
        foreach (var _ in ProxyLogReader.Read(stream, "bench", options, stats))
        {
            records++;
        }
        return records;
    }

    /// <summary>Squid native lines (compliance.md §7) with random clients, sizes and intranet URLs; <paramref name="hubPerMille"/> ‰ hit a hub.</summary>
    internal static byte[] GenerateSquidLog(int bytes, int hubPerMille)
    {
        var random = new Random(7);
        string[] other = ["www.example.com", "intranet.corp.local", "cdn.jsdelivr.net", "www.google.com", "login.microsoftonline.com", "updates.vendor.io"];
        string[] hub = ["https://huggingface.co/org/Llama-GGUF/resolve/main/llama.Q4_K_M.gguf", "cdn-lfs.hf.co:443", "https://registry.ollama.ai/v2/library/llama3/manifests/latest", "github.com:443"];
        var text = new StringBuilder(bytes + 512);
        long time = 1_767_225_600;
        while (text.Length < bytes)
        {
            time += random.Next(0, 2);
            bool isHub = random.Next(1000) < hubPerMille;
            string url = isHub ? hub[random.Next(hub.Length)] : $"http://{other[random.Next(other.Length)]}/path/{random.Next(100_000)}/item?id={random.Next()}&lang=en";
            string method = url.Contains("://", StringComparison.Ordinal) ? "GET" : "CONNECT";
            text.Append(CultureInfo.InvariantCulture,
                $"{time}.{random.Next(1000):000} {random.Next(1, 99_999),6} 10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)} TCP_MISS/200 {random.Next(100, 5_000_000)} {method} {url} user{random.Next(500)} HIER_DIRECT/203.0.113.{random.Next(256)} text/html\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
