using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Testing.Servers;

/// <summary>A request as the fake upstream received it, body included, headers as sent on the wire.</summary>
public sealed record UpstreamRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Path => Target.Split('?')[0];
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>One piece of a response body, written after <paramref name="Delay"/> and flushed on its own.</summary>
public sealed record UpstreamChunk(string Text, TimeSpan Delay = default);

/// <summary>A scripted response: status, content type, body pieces; chunked transfer encoding unless <paramref name="Sized"/>.</summary>
public sealed record UpstreamReply(int Status, string ContentType, IReadOnlyList<UpstreamChunk> Chunks, bool Sized = false, bool NeverEnd = false)
{
    public static UpstreamReply Json(string body, int status = 200) => new(status, "application/json; charset=utf-8", [new UpstreamChunk(body)], Sized: true);

    public static UpstreamReply Ndjson(params string[] lines) =>
        new(200, "application/x-ndjson", lines.Select(l => new UpstreamChunk(l + "\n")).ToList());

    public static UpstreamReply Sse(params string[] events) =>
        new(200, "text/event-stream", events.Select(e => new UpstreamChunk(e)).ToList());

    /// <summary>The body exactly as the client must see it after de-chunking.</summary>
    public string Body => string.Concat(Chunks.Select(c => c.Text));
}

/// <summary>
/// A real HTTP/1.1 server on a free loopback port that speaks whatever bytes a test scripts, with request bodies
/// (Content-Length or chunked), chunked streaming with delays between chunks, and a log of when each chunk was sent.
/// Used to test the gateway against the Ollama and OpenAI wire formats byte for byte.
/// </summary>
public sealed class FakeInferenceUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<UpstreamRequest, UpstreamReply> _handler;
    private readonly Task _accept;
    private readonly ConcurrentQueue<UpstreamRequest> _requests = new();
    private readonly ConcurrentQueue<(int Index, long Timestamp)> _chunksSent = new();
    private int _aborted;

    public FakeInferenceUpstream(Func<UpstreamRequest, UpstreamReply> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(AcceptAsync);
    }

    public int Port { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
    public IReadOnlyList<UpstreamRequest> Requests => _requests.ToArray();

    /// <summary><see cref="Stopwatch.GetTimestamp"/> of each body chunk written, in order.</summary>
    public IReadOnlyList<(int Index, long Timestamp)> ChunksSent => _chunksSent.ToArray();

    /// <summary>Responses whose writing failed because the peer (the gateway) closed the connection.</summary>
    public int AbortedResponses => Volatile.Read(ref _aborted);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            NetworkStream stream = client.GetStream();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    UpstreamRequest? request = await ReadRequestAsync(stream, _stop.Token);
                    if (request is null)
                    {
                        return;
                    }
                    _requests.Enqueue(request);
                    UpstreamReply reply = _handler(request);
                    await WriteReplyAsync(stream, request, reply, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (e is IOException or SocketException)
                {
                    Interlocked.Increment(ref _aborted);
                }
            }
        }
    }

    private async Task WriteReplyAsync(NetworkStream stream, UpstreamRequest request, UpstreamReply reply, CancellationToken ct)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} X\r\nContent-Type: {reply.ContentType}\r\nDate: {DateTime.UtcNow:R}\r\n");
        bool headOnly = request.Method == "HEAD";
        if (reply.Sized)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.UTF8.GetByteCount(reply.Body)}\r\n");
        }
        else
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        await stream.FlushAsync(ct);
        if (headOnly)
        {
            return;
        }
        for (int i = 0; i < reply.Chunks.Count; i++)
        {
            UpstreamChunk chunk = reply.Chunks[i];
            if (chunk.Delay > TimeSpan.Zero)
            {
                await Task.Delay(chunk.Delay, ct);
            }
            byte[] data = Encoding.UTF8.GetBytes(chunk.Text);
            if (reply.Sized)
            {
                await stream.WriteAsync(data, ct);
            }
            else
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), ct);
                await stream.WriteAsync(data, ct);
                await stream.WriteAsync("\r\n"u8.ToArray(), ct);
            }
            await stream.FlushAsync(ct);
            _chunksSent.Enqueue((i, Stopwatch.GetTimestamp()));
        }
        if (reply.NeverEnd)
        {
            // Keep the stream open and keep talking until the gateway hangs up.
            for (int i = 0; i < 600; i++)
            {
                await Task.Delay(50, ct);
                byte[] data = Encoding.UTF8.GetBytes("{\"response\":\".\",\"done\":false}\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), ct);
                await stream.WriteAsync(data, ct);
                await stream.WriteAsync("\r\n"u8.ToArray(), ct);
                await stream.FlushAsync(ct);
            }
        }
        if (!reply.Sized)
        {
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
            await stream.FlushAsync(ct);
        }
    }

    private static async Task<UpstreamRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var reader = new ByteReader(stream);
        string? requestLine = await reader.ReadLineAsync(ct);
        if (string.IsNullOrEmpty(requestLine))
        {
            return null;
        }
        string[] parts = requestLine.Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            string? line = await reader.ReadLineAsync(ct);
            if (line is null)
            {
                return null;
            }
            if (line.Length == 0)
            {
                break;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
        byte[] body = [];
        if (headers.TryGetValue("Content-Length", out string? length))
        {
            body = await reader.ReadExactAsync(int.Parse(length, CultureInfo.InvariantCulture), ct);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out string? te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var all = new MemoryStream();
            while (true)
            {
                string size = (await reader.ReadLineAsync(ct))!;
                int n = int.Parse(size.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (n == 0)
                {
                    await reader.ReadLineAsync(ct);
                    break;
                }
                all.Write(await reader.ReadExactAsync(n, ct));
                await reader.ReadLineAsync(ct);
            }
            body = all.ToArray();
        }
        return new UpstreamRequest(parts[0], parts.Length > 1 ? parts[1] : "/", headers, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }
        _listener.Dispose();
        _stop.Dispose();
    }

    /// <summary>Unbuffered line and byte reads over the socket (one request at a time, so no look-ahead is lost).</summary>
    private sealed class ByteReader(Stream stream)
    {
        private readonly byte[] _one = new byte[1];

        public async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            var line = new List<byte>();
            while (true)
            {
                int read = await stream.ReadAsync(_one, ct);
                if (read == 0)
                {
                    return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
                }
                if (_one[0] == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }
                    return Encoding.ASCII.GetString([.. line]);
                }
                line.Add(_one[0]);
                if (line.Count > 64 * 1024)
                {
                    throw new IOException("header line too long");
                }
            }
        }

        public async Task<byte[]> ReadExactAsync(int count, CancellationToken ct)
        {
            byte[] data = new byte[count];
            await stream.ReadExactlyAsync(data, ct);
            return data;
        }
    }
}
