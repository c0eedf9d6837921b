using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lantern.Benchmarks;

/// <summary>
/// Load tools for bench/compare/gateway.sh (docs/benchmarks.md "Audit gateway", issue 7 "Performance"):
/// <list type="bullet">
/// <item><c>gateway-latency URL --rate R --duration D --body FILE</c>: open-loop load — requests are started at fixed
/// intervals whatever the responses do (a closed-loop client slows down with the server and hides its latency), and
/// every latency is kept and sorted for exact percentiles.</item>
/// <item><c>gateway-calls URL --count N --concurrency C --body FILE</c>: exactly N calls, C at a time (closed loop), for
/// the memory run (wrk has no request count).</item>
/// <item><c>gateway-stream-upstream --port P</c>: an Ollama look-alike whose <c>/api/chat</c> streams NDJSON chunks
/// with a delay, each stamped with its send time on the machine's monotonic clock.</item>
/// <item><c>gateway-stream-client URL --body FILE</c>: reads such streams and reports how long after its stamp each
/// chunk arrived.</item>
/// <item><c>gateway-floor --port P --upstream URL</c>: Kestrel and the gateway's HTTP/1.1 forwarding path with nothing
/// else (no identity, parsing, classification, policy or audit): the cost floor of any .NET gateway on this machine.</item>
/// </list>
/// </summary>
internal static class GatewayLoad
{
    private const string Model = "llama3.2:1b";

    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    public static int Run(string[] args)
    {
        var options = Options.Parse(args.AsSpan(1));
        return args[0] switch
        {
            "gateway-latency" => LatencyAsync(options).GetAwaiter().GetResult(),
            "gateway-stream-upstream" => StreamUpstreamAsync(options).GetAwaiter().GetResult(),
            "gateway-stream-client" => StreamClientAsync(options).GetAwaiter().GetResult(),
            "gateway-calls" => CallsAsync(options).GetAwaiter().GetResult(),
            "gateway-floor" => FloorAsync(options).GetAwaiter().GetResult(),
            _ => 2,
        };
    }

    private static HttpClient NewClient(int connections) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    // ---- open-loop latency --------------------------------------------------------------------------------------

    private static async Task<int> LatencyAsync(Options o)
    {
        string url = o.Positional ?? throw new ArgumentException("gateway-latency URL --rate R --duration D --body FILE");
        byte[] body = File.ReadAllBytes(o.Get("body") ?? throw new ArgumentException("--body FILE is required"));
        double rate = double.Parse(o.Get("rate") ?? "1000", CultureInfo.InvariantCulture);
        TimeSpan duration = ParseDuration(o.Get("duration") ?? "20s");
        TimeSpan warmup = ParseDuration(o.Get("warmup") ?? "3s");
        int connections = int.Parse(o.Get("connections") ?? "256", CultureInfo.InvariantCulture);
        using HttpClient client = NewClient(connections);
        var uri = new Uri(url);

        // Warm-up at the same rate (JIT on both sides, connection pool, the gateway's model-identity cache); discarded.
        await OpenLoopAsync(client, uri, body, rate, warmup, null).ConfigureAwait(false);
        long total = checked((long)Math.Ceiling(rate * duration.TotalSeconds));
        var result = new LatencyResult(checked((int)total));
        await OpenLoopAsync(client, uri, body, rate, duration, result).ConfigureAwait(false);

        double[] service = LatencyResult.Sorted(result.ServiceTicks);
        double[] corrected = LatencyResult.Sorted(result.CorrectedTicks);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target {url}  rate {rate}/s  duration {duration.TotalSeconds}s  sent {result.Sent}  ok {result.Ok}  errors {result.Errors}  max-send-lag {result.MaxLagTicks / TicksPerMs:F3} ms"));
        Console.WriteLine("latency (ms)     p50      p90      p99    p99.9      max");
        Console.WriteLine(Row("service", service));
        Console.WriteLine(Row("from-schedule", corrected));
        // One machine-readable line for the script: service p50 p90 p99 p99.9 max errors.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {P(service, 50):F4} {P(service, 90):F4} {P(service, 99):F4} {P(service, 99.9):F4} {Max(service):F4} {result.Errors} {result.Ok}"));
        return result.Errors == 0 ? 0 : 1;
    }

    private static string Row(string name, double[] sorted) => string.Create(CultureInfo.InvariantCulture,
        $"{name,-14} {P(sorted, 50),8:F3} {P(sorted, 90),8:F3} {P(sorted, 99),8:F3} {P(sorted, 99.9),8:F3} {Max(sorted),8:F3}");

    private static double Max(double[] sorted) => sorted.Length == 0 ? double.NaN : sorted[^1];

    /// <summary>Nearest-rank percentile of a sorted array.</summary>
    private static double P(double[] sorted, double percentile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        int rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>
    /// Starts request i at start + i/rate. The scheduler sleeps in ~1 ms steps (spinning would steal one of the two cores
    /// the servers need) and starts every request that is due; "service" latency runs from the actual start, the
    /// "from-schedule" one from the intended start (it adds the scheduler's own lag, coordinated-omission style).
    /// </summary>
    private static async Task OpenLoopAsync(HttpClient client, Uri uri, byte[] body, double rate, TimeSpan duration, LatencyResult? result)
    {
        long total = checked((long)Math.Ceiling(rate * duration.TotalSeconds));
        double intervalTicks = Stopwatch.Frequency / rate;
        var inFlight = new List<Task>(checked((int)Math.Min(total, 1_000_000)));
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            long due = start + (long)(i * intervalTicks);
            long now = Stopwatch.GetTimestamp();
            while (now < due)
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, (due - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
                now = Stopwatch.GetTimestamp();
            }
            result?.Lag(now - due);
            inFlight.Add(SendOneAsync(client, uri, body, due, checked((int)i), result));
        }
        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private static async Task SendOneAsync(HttpClient client, Uri uri, byte[] body, long due, int index, LatencyResult? result)
    {
        await Task.Yield();
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Version = HttpVersion.Version11 };
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            long ended = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                result?.Error();
                return;
            }
            result?.Record(index, ended - started, ended - due);
        }
        catch (HttpRequestException)
        {
            result?.Error();
        }
        catch (TaskCanceledException)
        {
            result?.Error();
        }
    }

    private sealed class LatencyResult(int capacity)
    {
        public long[] ServiceTicks { get; } = Fill(capacity);
        public long[] CorrectedTicks { get; } = Fill(capacity);
        private int _errors;
        private int _ok;
        private long _maxLag;
        private int _sent;

        public int Errors => _errors;
        public int Ok => _ok;
        public int Sent => _sent;
        public long MaxLagTicks => _maxLag;

        private static long[] Fill(int n)
        {
            long[] a = new long[n];
            Array.Fill(a, -1);
            return a;
        }

        public void Lag(long ticks)
        {
            _sent++;
            _maxLag = Math.Max(_maxLag, ticks);
        }

        public void Error() => Interlocked.Increment(ref _errors);

        public void Record(int index, long service, long corrected)
        {
            ServiceTicks[index] = service;
            CorrectedTicks[index] = corrected;
            Interlocked.Increment(ref _ok);
        }

        public static double[] Sorted(long[] ticks)
        {
            double[] ms = ticks.Where(t => t >= 0).Select(t => t / TicksPerMs).ToArray();
            Array.Sort(ms);
            return ms;
        }
    }

    // ---- fixed number of calls ----------------------------------------------------------------------------------

    private static async Task<int> CallsAsync(Options o)
    {
        string url = o.Positional ?? throw new ArgumentException("gateway-calls URL --count N --concurrency C --body FILE");
        byte[] body = File.ReadAllBytes(o.Get("body") ?? throw new ArgumentException("--body FILE is required"));
        int count = int.Parse(o.Get("count") ?? "100000", CultureInfo.InvariantCulture);
        int concurrency = int.Parse(o.Get("concurrency") ?? "32", CultureInfo.InvariantCulture);
        using HttpClient client = NewClient(concurrency);
        var uri = new Uri(url);
        int next = -1;
        int errors = 0;
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Version = HttpVersion.Version11 };
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                try
                {
                    using HttpResponseMessage response = await client.SendAsync(request).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target {url}  calls {count}  concurrency {concurrency}  errors {errors}  {seconds:F1} s  {count / seconds:F0} calls/s"));
        return errors == 0 ? 0 : 1;
    }

    // ---- streaming ----------------------------------------------------------------------------------------------

    private const string ShowBody = """{"modelfile":"FROM /usr/share/ollama/.ollama/models/blobs/sha256-74701a8c35f6c8d9a4b91f3f3497643001d63e0c7a84e085bed452548fa88d45","details":{"format":"gguf","family":"llama"}}""";
    private const string TagsBody = """{"models":[{"name":"llama3.2:1b","model":"llama3.2:1b","digest":"baf6a787fdffd633537aa2eb51cfd54cb93ff08e28040095462bb63daf552878","size":1321098329}]}""";

    /// <summary>
    /// Ollama look-alike on Kestrel: <c>/api/chat</c> sends <c>--chunks</c> NDJSON lines <c>--interval-ms</c> apart, each
    /// flushed on its own and carrying <c>sent_ts</c> = <see cref="Stopwatch.GetTimestamp"/> just before the write. On
    /// Linux that is CLOCK_MONOTONIC in ns, the same clock in every process, so a client on this machine can subtract.
    /// </summary>
    private static async Task<int> FloorAsync(Options o)
    {
        int port = int.Parse(o.Get("port") ?? "0", CultureInfo.InvariantCulture);
        var upstream = new Uri(o.Get("upstream") ?? throw new ArgumentException("--upstream URL is required"));
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        await using WebApplication app = builder.Build();
        using var forwarder = new Lantern.Gateway.Forwarding.Http1.Http1Forwarder(upstream, TimeProvider.System, TimeSpan.FromMinutes(1));
        ((IApplicationBuilder)app).Run(async context =>
        {
            byte[]? body = null;
            if (context.Request.ContentLength is long length and > 0)
            {
                body = new byte[length];
                await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
            }
            await forwarder.SendAsync(context, body, static _ => true, PassThrough.Instance).ConfigureAwait(false);
        });
        await ServeUntilSignalledAsync(app).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Starts <paramref name="app"/>, prints its URLs for the script and serves until SIGTERM or SIGINT.</summary>
    private static async Task ServeUntilSignalledAsync(WebApplication app)
    {
        await app.StartAsync().ConfigureAwait(false);
        Console.WriteLine(string.Join(' ', app.Urls));
        var stopped = new TaskCompletionSource();
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.TrySetResult(); });
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopped.TrySetResult(); });
        await stopped.Task.ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
    }

    private sealed class PassThrough : Lantern.Gateway.Forwarding.Http1.IForwardedResponseObserver
    {
        public static readonly PassThrough Instance = new();

        public bool OnResponseHead(HttpContext context, int status, string? contentType, long? contentLength) => false;

        public Stream ObserveBody(Stream upstreamBody) => upstreamBody;
    }

    private static async Task<int> StreamUpstreamAsync(Options o)
    {
        int port = int.Parse(o.Get("port") ?? "0", CultureInfo.InvariantCulture);
        int chunks = int.Parse(o.Get("chunks") ?? "50", CultureInfo.InvariantCulture);
        int intervalMs = int.Parse(o.Get("interval-ms") ?? "20", CultureInfo.InvariantCulture);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        await using WebApplication app = builder.Build();
        app.MapPost("/api/show", () => Results.Text(ShowBody, "application/json"));
        app.MapGet("/api/tags", () => Results.Text(TagsBody, "application/json"));
        app.MapPost("/api/chat", async (HttpContext context) =>
        {
            // The request body is not needed; drain it so the connection stays reusable.
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "application/x-ndjson";
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            for (int i = 0; i < chunks; i++)
            {
                bool done = i == chunks - 1;
                string line = done
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"{{\"model\":\"{Model}\",\"created_at\":\"2025-06-01T12:00:00Z\",\"message\":{{\"role\":\"assistant\",\"content\":\"\"}},\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":31,\"eval_count\":{chunks - 1},\"seq\":{i},\"sent_ts\":{Stopwatch.GetTimestamp()}}}\n")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{{\"model\":\"{Model}\",\"created_at\":\"2025-06-01T12:00:00Z\",\"message\":{{\"role\":\"assistant\",\"content\":\"tok{i} \"}},\"done\":false,\"seq\":{i},\"sent_ts\":{Stopwatch.GetTimestamp()}}}\n");
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                if (!done)
                {
                    await Task.Delay(intervalMs, context.RequestAborted).ConfigureAwait(false);
                }
            }
        });
        await ServeUntilSignalledAsync(app).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Makes <c>--calls</c> streamed calls, <c>--concurrency</c> at a time, and timestamps each NDJSON line when its last
    /// byte arrives; the delay of a chunk is arrival minus its <c>sent_ts</c> stamp.
    /// </summary>
    private static async Task<int> StreamClientAsync(Options o)
    {
        string url = o.Positional ?? throw new ArgumentException("gateway-stream-client URL --body FILE");
        byte[] body = File.ReadAllBytes(o.Get("body") ?? throw new ArgumentException("--body FILE is required"));
        int calls = int.Parse(o.Get("calls") ?? "20", CultureInfo.InvariantCulture);
        int concurrency = int.Parse(o.Get("concurrency") ?? "4", CultureInfo.InvariantCulture);
        if (Stopwatch.Frequency != 1_000_000_000 || !OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("the stamps need Stopwatch on CLOCK_MONOTONIC (Linux)");
            return 2;
        }
        using HttpClient client = NewClient(concurrency);
        var uri = new Uri(url);
        // Warm-up (JIT on both sides, one pooled connection per worker); discarded.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => StreamOneAsync(client, uri, body, []))).ConfigureAwait(false);
        var delays = new List<double>[calls];
        int next = -1;
        int errors = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < calls)
            {
                delays[i] = [];
                if (!await StreamOneAsync(client, uri, body, delays[i]).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ConfigureAwait(false);
        double[] all = delays.SelectMany(d => d).ToArray();
        Array.Sort(all);
        int over1 = all.Count(d => d > 1.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target {url}  calls {calls}  concurrency {concurrency}  chunks {all.Length}  errors {errors}  chunks later than 1 ms: {over1}"));
        Console.WriteLine("chunk delay (ms)  p50      p90      p99    p99.9      max");
        Console.WriteLine(Row("send->arrive", all));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {P(all, 50):F4} {P(all, 90):F4} {P(all, 99):F4} {P(all, 99.9):F4} {Max(all):F4} {errors} {all.Length} {over1}"));
        return errors == 0 ? 0 : 1;
    }

    private static async Task<bool> StreamOneAsync(HttpClient client, Uri uri, byte[] body, List<double> delays)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Version = HttpVersion.Version11 };
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }
        Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[64 * 1024];
            var line = new MemoryStream();
            bool done = false;
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                long arrived = Stopwatch.GetTimestamp();
                for (int i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        line.WriteByte(buffer[i]);
                        continue;
                    }
                    using (JsonDocument chunk = JsonDocument.Parse(line.ToArray()))
                    {
                        delays.Add((arrived - chunk.RootElement.GetProperty("sent_ts").GetInt64()) / TicksPerMs);
                        done = chunk.RootElement.GetProperty("done").GetBoolean();
                    }
                    line.SetLength(0);
                }
            }
            return done;
        }
    }

    // ---- arguments ----------------------------------------------------------------------------------------------

    private static TimeSpan ParseDuration(string text) => text.EndsWith("ms", StringComparison.Ordinal)
        ? TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture))
        : text.EndsWith('s')
            ? TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture))
            : TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));

    private sealed class Options
    {
        private readonly Dictionary<string, string> _named = new(StringComparer.Ordinal);

        public string? Positional { get; private set; }

        public string? Get(string name) => _named.GetValueOrDefault(name);

        public static Options Parse(ReadOnlySpan<string> args)
        {
            var options = new Options();
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
                {
                    options._named[args[i][2..]] = args[++i];
                }
                else
                {
                    options.Positional ??= args[i];
                }
            }
            return options;
        }
    }
}
