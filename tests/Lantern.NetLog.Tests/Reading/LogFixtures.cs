using System.Globalization;
using System.IO.Compression;
using System.Text;
using Lantern.NetLog.Reading;
using Lantern.NetLog.Records;

namespace Lantern.NetLog.Tests.Reading;

/// <summary>Writes log lines to the documented field orders (compliance.md §7) and reads them back.</summary>
internal static class LogFixtures
{
    public static readonly DateTimeOffset Jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly string[] HubNeedles =
    [
        "huggingface.co", "hf.co", "registry.ollama.ai", "ollama.com", "lmstudio.ai", "modelscope.cn", "civitai.com",
        "kaggle.com", "r2.cloudflarestorage.com", "github.com", "githubusercontent.com", "xethub.hf.co",
    ];

    /// <summary>Squid native: <c>%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt</c>.</summary>
    public static string SquidLine(DateTimeOffset time, string client, string result, int status, long bytes, string method, string url, string user = "-", string mime = "-") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{time.ToUnixTimeMilliseconds() / 1000}.{time.ToUnixTimeMilliseconds() % 1000:000} {912,6} {client} {result}/{status:000} {bytes} {method} {url} {user} HIER_DIRECT/203.0.113.10 {mime}");

    /// <summary>Squid combined: <c>%>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st "%{Referer}>h" "%{User-Agent}>h" %Ss:%Sh</c>.</summary>
    public static string SquidCombined(DateTimeOffset time, string client, string user, string method, string url, int status, long bytes, string? referer, string? agent, string result = "TCP_MISS")
    {
        string tl = time.ToString("dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture).Replace(":00", "00", StringComparison.Ordinal);
        // zzz gives +01:00; %tl writes +0100.
        tl = time.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture) + (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.ToString("hhmm", CultureInfo.InvariantCulture);
        string head = $"{client} - {user} [{tl}] \"{method} {url} HTTP/1.1\" {status.ToString(CultureInfo.InvariantCulture)} {bytes.ToString(CultureInfo.InvariantCulture)}";
        return referer is null && agent is null ? $"{head} {result}:HIER_DIRECT" : $"{head} \"{referer}\" \"{agent}\" {result}:HIER_DIRECT";
    }

    public static ProxyLogReadOptions Options(bool prefilter = false, string format = "auto", int maxLine = 1 << 20) => new()
    {
        Format = format,
        PrefilterNeedles = prefilter ? HubNeedles : null,
        MaxLineBytes = maxLine,
    };

    public static List<ProxyRecord> ReadAll(byte[] data, ProxyLogReadOptions options, out ProxyLogStats stats, string name = "test.log")
    {
        stats = new ProxyLogStats();
        using var stream = new MemoryStream(data, writable: false);
        return [.. ProxyLogReader.Read(stream, name, options, stats)];
    }

    public static List<ProxyRecord> ReadLines(IEnumerable<string> lines, ProxyLogReadOptions options, out ProxyLogStats stats) =>
        ReadAll(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), options, out stats);

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(data).ToArray();
    }

    /// <summary>Golden comparison: one line per record, so a difference shows as a string diff.</summary>
    public static void AssertRecords(string[] expected, IEnumerable<ProxyRecord> actual) =>
        Xunit.Assert.Equal(string.Join('\n', expected), string.Join('\n', actual.Select(Compact)));

    /// <summary>One record as compact text: every normalised field in a fixed order, so a golden comparison is one string.</summary>
    public static string Compact(ProxyRecord r) => string.Join('|',
        r.Time?.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) ?? "~", r.ClientIp ?? "~", r.User ?? "~",
        r.Method ?? "~", r.Scheme ?? "~", r.Host, r.Port?.ToString(CultureInfo.InvariantCulture) ?? "~", r.Path, r.Query ?? "~",
        r.Status?.ToString(CultureInfo.InvariantCulture) ?? "~", r.BytesToClient?.ToString(CultureInfo.InvariantCulture) ?? "~",
        r.BytesFromClient?.ToString(CultureInfo.InvariantCulture) ?? "~", r.UserAgent ?? "~", r.Referer ?? "~", r.Action ?? "~",
        r.Category ?? "~", r.ContentType ?? "~", r.SourceFormat, r.LineNumber.ToString(CultureInfo.InvariantCulture));
}
