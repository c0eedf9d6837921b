using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Sinks;
using Lantern.Gateway.Tests.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lantern.Gateway.Tests.Sinks;

/// <summary>Records, checkpoints, fast limits and polling for the sink tests.</summary>
internal static class SinkTestKit
{
    public static readonly AuditSigningKey Key = AuditSigningKey.Generate("lantern-sink-test");

    /// <summary>A record as the writer returns it (seq assigned).</summary>
    public static AuditRecord Record(long seq, string? model = null) => AuditLogFixture.Record((int)seq) with
    {
        Seq = seq,
        ModelName = model ?? "llama3.2:latest",
    };

    public static AuditCheckpoint Checkpoint(long size) =>
        AuditCheckpoint.Create("test.lantern/audit", size, new byte[32], Key);

    public static SiemForwarderLimits FastLimits(int queue = 10_000, long spill = 64L * 1024 * 1024) => new()
    {
        QueueCapacity = queue,
        MaxSpillBytes = spill,
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        SendTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };

    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 20)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }
            await Task.Delay(20);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An RFC 5424 message split into its parts by a strict, independent parser (the test's receiver side).</summary>
internal sealed record SyslogMessage(int Pri, int Version, string Timestamp, string Hostname, string AppName, string ProcId, string MsgId,
    IReadOnlyList<(string Id, IReadOnlyDictionary<string, string> Params)> StructuredData, byte[] Msg)
{
    public IReadOnlyDictionary<string, string> Sd(string id) => StructuredData.Single(e => e.Id == id).Params;

    public static SyslogMessage Parse(byte[] bytes)
    {
        int i = 0;
        Expect(bytes, ref i, '<');
        int pri = int.Parse(ReadUntil(bytes, ref i, '>'), CultureInfo.InvariantCulture);
        int version = int.Parse(ReadUntil(bytes, ref i, ' '), CultureInfo.InvariantCulture);
        string timestamp = ReadUntil(bytes, ref i, ' ');
        string host = ReadUntil(bytes, ref i, ' ');
        string app = ReadUntil(bytes, ref i, ' ');
        string proc = ReadUntil(bytes, ref i, ' ');
        string msgId = ReadUntil(bytes, ref i, ' ');
        var sd = new List<(string, IReadOnlyDictionary<string, string>)>();
        if (bytes[i] == '-')
        {
            i++;
        }
        else
        {
            while (i < bytes.Length && bytes[i] == '[')
            {
                i++;
                var id = new StringBuilder();
                while (bytes[i] != ' ' && bytes[i] != ']')
                {
                    id.Append((char)bytes[i++]);
                }
                var parameters = new Dictionary<string, string>();
                while (bytes[i] == ' ')
                {
                    i++;
                    string name = ReadUntil(bytes, ref i, '=');
                    Expect(bytes, ref i, '"');
                    var value = new List<byte>();
                    while (bytes[i] != '"')
                    {
                        if (bytes[i] == '\\' && bytes[i + 1] is (byte)'"' or (byte)'\\' or (byte)']')
                        {
                            i++;
                        }
                        else if (bytes[i] == ']')
                        {
                            throw new FormatException("unescaped ] in PARAM-VALUE");
                        }
                        value.Add(bytes[i++]);
                    }
                    i++;
                    parameters[name] = Encoding.UTF8.GetString([.. value]);
                }
                Expect(bytes, ref i, ']');
                sd.Add((id.ToString(), parameters));
            }
        }
        byte[] msg = [];
        if (i < bytes.Length)
        {
            Expect(bytes, ref i, ' ');
            msg = bytes[i..];
        }
        return new SyslogMessage(pri, version, timestamp, host, app, proc, msgId, sd, msg);
    }

    private static void Expect(byte[] bytes, ref int i, char c)
    {
        if (bytes[i] != c)
        {
            throw new FormatException($"expected '{c}' at {i}, found '{(char)bytes[i]}'");
        }
        i++;
    }

    private static string ReadUntil(byte[] bytes, ref int i, char end)
    {
        int start = i;
        while (bytes[i] != end)
        {
            i++;
        }
        return Encoding.UTF8.GetString(bytes, start, i++ - start);
    }
}

/// <summary>Decodes RFC 6587 octet-counted frames from chunks that may split or join frames arbitrarily.</summary>
internal sealed class OctetCountingDecoder
{
    private readonly List<byte> _buffer = [];

    public List<byte[]> Feed(ReadOnlySpan<byte> chunk)
    {
        _buffer.AddRange(chunk.ToArray());
        var frames = new List<byte[]>();
        while (true)
        {
            int space = _buffer.IndexOf((byte)' ');
            if (space < 0)
            {
                return frames;
            }
            string lengthText = Encoding.ASCII.GetString([.. _buffer.GetRange(0, space)]);
            if (lengthText.Length == 0 || lengthText[0] == '0' || !lengthText.All(char.IsAsciiDigit))
            {
                throw new FormatException($"bad MSG-LEN '{lengthText}'");
            }
            int length = int.Parse(lengthText, CultureInfo.InvariantCulture);
            if (_buffer.Count < space + 1 + length)
            {
                return frames;
            }
            frames.Add([.. _buffer.GetRange(space + 1, length)]);
            _buffer.RemoveRange(0, space + 1 + length);
        }
    }

    public int Pending => _buffer.Count;
}

/// <summary>What an HTTP receiver saw.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string? Authorization, string? ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>A real Kestrel endpoint on loopback imitating Splunk HEC, an OTLP collector or an OCSF collector.</summary>
internal sealed class HttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Status and body to answer; the default is Splunk's success.</summary>
    public Func<ReceivedRequest, Task<(int Status, string Body)>> Handler { get; set; } =
        _ => Task.FromResult((200, """{"text":"Success","code":0}"""));

    public static async Task<HttpReceiver> StartAsync(int port = 0)
    {
        if (port == 0)
        {
            port = SinkTestKit.FreePort();
        }
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        WebApplication app = builder.Build();
        HttpReceiver? receiver = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var request = new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "",
                context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
                context.Request.ContentType, body.ToArray());
            (int status, string text) = await receiver!.Handler(request);
            if (status is >= 200 and < 300)
            {
                receiver.Requests.Enqueue(request);
            }
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(text, context.RequestAborted);
        });
        receiver = new HttpReceiver(app, port);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
