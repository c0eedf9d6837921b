using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Lantern.Benchmarks;

/// <summary>
/// Writes a realistic Squid native access log (compliance.md §7: <c>%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm
/// %ru %[un %Sh/%<a %mt</c>) of a given size for the <c>lantern netlog analyze</c> benchmark: ~4 000 clients,
/// mostly CONNECT tunnels and plain GETs to common sites, and ~0.5 % of lines model-hub traffic (Hugging Face
/// resolve 302 + CDN 200, HF API calls, Ollama manifest + blob 307 + R2 range parts, llama.cpp releases,
/// CONNECT tunnels to weight hosts). Deterministic (fixed seed), streaming through one 1 MiB buffer (flat
/// memory), formatting bytes directly (no per-line strings).
/// </summary>
public static class SquidLogGenerator
{
    /// <summary>Hub host names for <c>grep -F -f</c>, the needles an analyzer's prefilter also needs (compliance.md §8).</summary>
    public static readonly string[] HubHosts =
    [
        "huggingface.co", "hf.co", "hf-mirror.com", "ollama.com", "ollama.ai", "r2.cloudflarestorage.com",
        "lmstudio.ai", "modelscope.cn", "civitai.com", "kaggle.com", "github.com", "githubusercontent.com",
    ];

    private static readonly string[] s_noiseHosts =
    [
        "www.google.com", "fonts.gstatic.com", "outlook.office365.com", "login.microsoftonline.com", "teams.microsoft.com",
        "www.youtube.com", "i.ytimg.com", "slack.com", "edgeapi.slack.com", "api.segment.io", "www.linkedin.com",
        "static.licdn.com", "update.googleapis.com", "ctldl.windowsupdate.com", "dl.delivery.mp.microsoft.com",
        "cdn.jsdelivr.net", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "s3.amazonaws.com",
        "www.wikipedia.org", "upload.wikimedia.org", "news.ycombinator.com", "www.bbc.co.uk", "zoom.us",
        "clients4.google.com", "safebrowsing.googleapis.com", "ocsp.digicert.com", "crl.pki.goog", "www.atlassian.com",
        "jira.example.com", "confluence.example.com", "api.github.io", "stackoverflow.com", "cdn.sstatic.net",
    ];

    /// <summary>Near misses a sloppy substring matcher takes for hubs (<c>shf.com</c> holds <c>hf.co</c>); 0.2 % of noise.</summary>
    private static readonly string[] s_nearMissHosts = ["shf.com", "hugging-faces.example.org", "ollamashop.example.com", "mygithub.community.example"];

    private static readonly string[] s_noisePaths =
    [
        "/", "/index.html", "/favicon.ico", "/api/v1/events", "/static/js/app.{0}.js", "/static/css/main.{0}.css",
        "/images/{0}.png", "/search?q=quarterly+report+{0}", "/v1/track", "/wiki/Special:Random", "/simple/requests/",
        "/packages/{0}/requests-2.32.3-py3-none-any.whl", "/download/update-{0}.cab", "/ocsp/{0}", "/rest/api/2/issue/PRJ-{0}",
    ];

    private static readonly string[] s_users = ["-", "-", "-", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "CORP\\mallory", "svc_build"];

    private static readonly string[] s_mimes = ["text/html", "application/json", "image/png", "application/javascript", "text/css", "application/octet-stream", "-"];

    private static readonly string[] s_hfRepos =
    [
        "bartowski/Llama-3.2-1B-Instruct-GGUF|Llama-3.2-1B-Instruct-Q4_K_M.gguf",
        "TheBloke/Mistral-7B-Instruct-v0.2-GGUF|mistral-7b-instruct-v0.2.Q4_K_M.gguf",
        "Qwen/Qwen2.5-7B-Instruct|model-00001-of-00004.safetensors",
        "meta-llama/Llama-3.1-8B-Instruct|model-00002-of-00004.safetensors",
        "lmstudio-community/gemma-2-9b-it-GGUF|gemma-2-9b-it-Q8_0.gguf",
        "unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF|DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf",
    ];

    private static readonly string[] s_ollamaModels = ["llama3.2|1b", "llama3.2|3b", "qwen2.5|7b", "mistral|latest", "gemma2|9b", "deepseek-r1|8b"];

    private const string R2 = "dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com";

    public static int Generate(string path, double sizeGigabytes)
    {
        long target = checked((long)(sizeGigabytes * 1024 * 1024 * 1024));
        var clock = Stopwatch.StartNew();
        var writer = new LineWriter(path);
        var random = new Random(20261123);
        var clients = Enumerable.Range(0, 4000).Select(i => string.Create(CultureInfo.InvariantCulture, $"10.{i / 250 % 4 + 10}.{i % 250}.{i * 7 % 250 + 2}")).ToArray();
        long timeMs = 1767225600000; // 2026-01-01T00:00:00Z
        long lines = 0;
        long hubLines = 0;
        while (writer.Written < target)
        {
            timeMs += random.Next(0, 3);
            string client = clients[random.Next(clients.Length)];
            string user = s_users[random.Next(s_users.Length)];
            if (random.Next(1000) < 3)
            {
                // ~0.3 % of events are hub events; each writes 1–8 lines, so ~0.5–1 % of lines.
                int written = WriteHubEvent(writer, random, ref timeMs, client, user);
                hubLines += written;
                lines += written;
                continue;
            }
            string host = random.Next(1000) < 2 ? s_nearMissHosts[random.Next(s_nearMissHosts.Length)] : s_noiseHosts[random.Next(s_noiseHosts.Length)];
            if (random.Next(100) < 60)
            {
                writer.Line(timeMs, random.Next(50, 900_000), client, "TCP_TUNNEL", 200, random.Next(300, 4_000_000), "CONNECT", host + ":443", user, "HIER_DIRECT", IpFor(host), "-");
            }
            else
            {
                string p = string.Format(CultureInfo.InvariantCulture, s_noisePaths[random.Next(s_noisePaths.Length)], random.Next(1_000_000));
                int status = random.Next(100) switch { < 85 => 200, < 90 => 304, < 95 => 302, < 98 => 404, _ => 503 };
                string result = status == 304 ? "TCP_REFRESH_UNMODIFIED" : random.Next(4) == 0 ? "TCP_HIT" : "TCP_MISS";
                writer.Line(timeMs, random.Next(1, 3000), client, result, status, random.Next(200, 250_000), random.Next(20) == 0 ? "POST" : "GET", "http://" + host + p, user, "HIER_DIRECT", IpFor(host), s_mimes[random.Next(s_mimes.Length)]);
            }
            lines++;
        }
        writer.Dispose();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {writer.Written:N0} bytes, {lines:N0} lines ({hubLines:N0} hub lines, {100.0 * hubLines / Math.Max(1, lines):F2} %) to {path} in {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private static int WriteHubEvent(LineWriter w, Random random, ref long timeMs, string client, string user)
    {
        string sha = Hex(random, 64);
        switch (random.Next(7))
        {
            case 0:
            {
                string[] repo = s_hfRepos[random.Next(s_hfRepos.Length)].Split('|');
                string repoSha = Hex(random, 64);
                w.Line(timeMs, random.Next(40, 200), client, "TCP_MISS", 302, 1100, "GET", $"https://huggingface.co/{repo[0]}/resolve/main/{repo[1]}", user, "HIER_DIRECT", "18.164.52.87", "text/plain");
                timeMs += 1;
                long bytes = 500_000_000L + random.NextInt64(4_500_000_000L);
                w.Line(timeMs, random.Next(60_000, 900_000), client, "TCP_MISS", 200, bytes, "GET",
                    $"https://cdn-lfs.hf.co/repos/{repoSha[..2]}/{repoSha[2..4]}/{repoSha}/{sha}?response-content-disposition=attachment%3B+filename*%3DUTF-8%27%27{repo[1]}&Expires=1767312000&Signature=QmFzZTY0U2lnbmF0dXJl&Key-Pair-Id=K3ESJI6DHPFC7",
                    user, "HIER_DIRECT", "18.239.50.12", "binary/octet-stream");
                return 2;
            }
            case 1:
            {
                string[] repo = s_hfRepos[random.Next(s_hfRepos.Length)].Split('|');
                w.Line(timeMs, random.Next(40, 300), client, "TCP_MISS", 200, random.Next(2000, 60000), "GET", $"https://huggingface.co/api/models/{repo[0]}/revision/main", user, "HIER_DIRECT", "18.164.52.87", "application/json");
                return 1;
            }
            case 2:
            {
                string[] model = s_ollamaModels[random.Next(s_ollamaModels.Length)].Split('|');
                w.Line(timeMs, random.Next(100, 400), client, "TCP_MISS", 200, 1400, "GET", $"https://registry.ollama.ai/v2/library/{model[0]}/manifests/{model[1]}", user, "HIER_DIRECT", "104.21.75.227", "application/vnd.docker.distribution.manifest.v2+json");
                timeMs += 2;
                w.Line(timeMs, random.Next(50, 200), client, "TCP_MISS", 307, 700, "GET", $"https://registry.ollama.ai/v2/library/{model[0]}/blobs/sha256:{sha}", user, "HIER_DIRECT", "104.21.75.227", "text/html");
                int parts = random.Next(2, 7);
                long blob = 700_000_000L + random.NextInt64(4_000_000_000L);
                for (int i = 0; i < parts; i++)
                {
                    w.Line(timeMs + i, random.Next(20_000, 400_000), client, "TCP_MISS", 206, blob / parts + 420, "GET",
                        $"https://{R2}/ollama/docker/registry/v2/blobs/sha256/{sha[..2]}/{sha}/data?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=66040c77ac1b787c3af820529859349a%2F20260101%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature={Hex(random, 64)}",
                        user, "HIER_DIRECT", "162.159.140.229", "application/octet-stream");
                }
                return 2 + parts;
            }
            case 3:
            {
                int build = 4000 + random.Next(3000);
                w.Line(timeMs, random.Next(40, 200), client, "TCP_MISS", 302, 900, "GET", $"https://github.com/ggml-org/llama.cpp/releases/download/b{build}/llama-b{build}-bin-win-cuda-12.4-x64.zip", user, "HIER_DIRECT", "140.82.121.4", "text/html");
                w.Line(timeMs + 1, random.Next(1000, 20000), client, "TCP_MISS", 200, 150_000_000 + random.Next(50_000_000), "GET", $"https://release-assets.githubusercontent.com/github-production-release-asset/612354784/{Hex(random, 32)}?sp=r&sv=2018-11-09&sr=b&sig=c2ln", user, "HIER_DIRECT", "185.199.108.133", "application/octet-stream");
                return 2;
            }
            case 4:
            {
                string host = random.Next(3) switch { 0 => "cdn-lfs.hf.co", 1 => "cas-bridge.xethub.hf.co", _ => R2 };
                w.Line(timeMs, random.Next(60_000, 1_800_000), client, "TCP_TUNNEL", 200, 100_000_000L + random.NextInt64(5_000_000_000L), "CONNECT", host + ":443", user, "HIER_DIRECT", "18.239.50.12", "-");
                return 1;
            }
            case 5:
                w.Line(timeMs, random.Next(100, 30000), client, "TCP_TUNNEL", 200, random.Next(5000, 900000), "CONNECT", "huggingface.co:443", user, "HIER_DIRECT", "18.164.52.87", "-");
                return 1;
            default:
                w.Line(timeMs, random.Next(100, 3000), client, "TCP_MISS", 200, random.Next(50_000, 200_000), "GET", "https://github.com/ggml-org/llama.cpp/issues/" + random.Next(20000).ToString(CultureInfo.InvariantCulture), user, "HIER_DIRECT", "140.82.121.4", "text/html");
                return 1;
        }
    }

    private static string IpFor(string host) => "203.0.113." + ((host.Length * 37 + host[0]) % 250 + 1).ToString(CultureInfo.InvariantCulture);

    private static string Hex(Random random, int length)
    {
        const string digits = "0123456789abcdef";
        return string.Create(length, random, (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = digits[r.Next(16)];
            }
        });
    }

    /// <summary>Formats native Squid lines straight into a 1 MiB byte buffer that is flushed to the file when full.</summary>
    private sealed class LineWriter : IDisposable
    {
        private readonly FileStream _file;
        private readonly byte[] _buffer = new byte[1 << 20];
        private int _used;

        public LineWriter(string path)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.SequentialScan);
        }

        public long Written { get; private set; }

        public void Line(long timeMs, int elapsedMs, string client, string result, int status, long bytes, string method, string url, string user, string hierarchy, string peer, string mime)
        {
            // A line is bounded by its fields (URLs here are < 600 bytes); flush first when less than 4 KiB is left.
            if (_buffer.Length - _used < 4096)
            {
                Flush();
            }
            Span<byte> s = _buffer.AsSpan(_used);
            int n = 0;
            n += Num(s[n..], timeMs / 1000);
            s[n++] = (byte)'.';
            long ms = timeMs % 1000;
            s[n++] = (byte)('0' + ms / 100);
            s[n++] = (byte)('0' + ms / 10 % 10);
            s[n++] = (byte)('0' + ms % 10);
            // %6tr: right-aligned in six columns.
            int width = Digits(elapsedMs);
            s[n++] = (byte)' ';
            for (int i = width; i < 6; i++)
            {
                s[n++] = (byte)' ';
            }
            n += Num(s[n..], elapsedMs);
            s[n++] = (byte)' ';
            n += Ascii(s[n..], client);
            s[n++] = (byte)' ';
            n += Ascii(s[n..], result);
            s[n++] = (byte)'/';
            s[n++] = (byte)('0' + status / 100);
            s[n++] = (byte)('0' + status / 10 % 10);
            s[n++] = (byte)('0' + status % 10);
            s[n++] = (byte)' ';
            n += Num(s[n..], bytes);
            s[n++] = (byte)' ';
            n += Ascii(s[n..], method);
            s[n++] = (byte)' ';
            n += Ascii(s[n..], url);
            s[n++] = (byte)' ';
            n += Ascii(s[n..], user);
            s[n++] = (byte)' ';
            n += Ascii(s[n..], hierarchy);
            s[n++] = (byte)'/';
            n += Ascii(s[n..], peer);
            s[n++] = (byte)' ';
            n += Ascii(s[n..], mime);
            s[n++] = (byte)'\n';
            _used += n;
            Written += n;
        }

        public void Dispose()
        {
            Flush();
            _file.Dispose();
        }

        private void Flush()
        {
            _file.Write(_buffer, 0, _used);
            _used = 0;
        }

        private static int Num(Span<byte> span, long value)
        {
            Utf8Formatter.TryFormat(value, span, out int written);
            return written;
        }

        private static int Digits(int value) => value < 10 ? 1 : (int)Math.Floor(Math.Log10(value)) + 1;

        private static int Ascii(Span<byte> span, string text) => Encoding.ASCII.GetBytes(text, span);
    }
}
