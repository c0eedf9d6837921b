using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Testing.Servers;

/// <summary>A request as the fake servers see it: method, path (without query) and headers.</summary>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>A response a fake server writes as real HTTP/1.1 with Content-Length and Connection: close.</summary>
public sealed record FakeResponse(int Status, string Body, string ContentType = "application/json; charset=utf-8")
{
    public static FakeResponse Json(string body) => new(200, body);
    public static FakeResponse Text(string body) => new(200, body, "text/plain; charset=utf-8");
    public static FakeResponse NotFound() => new(404, "404 page not found", "text/plain; charset=utf-8");
    public static FakeResponse Unauthorized() => new(401, """{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}""");
}

/// <summary>
/// A tiny real HTTP/1.1 server on 127.0.0.1 and a free port, over a raw <see cref="TcpListener"/> so that
/// subclasses can also misbehave at the byte level. One request per connection.
/// </summary>
public abstract class FakeHttpServer : IAsyncDisposable, IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private int _requests;

    protected FakeHttpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Requests received so far.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Token cancelled on dispose: long-running handlers must watch it.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Answers a request, or returns null for 404.</summary>
    protected abstract FakeResponse? Handle(FakeRequest request);

    /// <summary>Writes the answer; overridden by servers that misbehave on the wire.</summary>
    protected virtual async Task RespondAsync(FakeRequest request, NetworkStream stream, CancellationToken cancellationToken)
    {
        FakeResponse response = Handle(request) ?? FakeResponse.NotFound();
        await WriteResponseAsync(stream, response, request.Method == "HEAD", cancellationToken).ConfigureAwait(false);
    }

    protected static async Task WriteResponseAsync(Stream stream, FakeResponse response, bool headOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(response);
        byte[] body = Encoding.UTF8.GetBytes(response.Body);
        string head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\nDate: {DateTime.UtcNow:R}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        if (!headOnly)
        {
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Status",
    };

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_gate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                FakeRequest? request = await ReadRequestAsync(stream, _stop.Token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                await RespondAsync(request, stream, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up (that is what probes with timeouts do) or we are shutting down.
            }
        }
    }

    /// <summary>Reads the request line and headers (bounded to 16 KiB); GET/HEAD only, so no body.</summary>
    private static async Task<FakeRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int filled = 0;
        while (true)
        {
            int end = IndexOfHeaderEnd(buffer.AsSpan(0, filled));
            if (end >= 0)
            {
                string text = Encoding.ASCII.GetString(buffer, 0, end);
                string[] lines = text.Split("\r\n");
                string[] requestLine = lines[0].Split(' ');
                if (requestLine.Length < 2)
                {
                    return null;
                }
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (string line in lines.Skip(1))
                {
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }
                }
                string target = requestLine[1];
                int query = target.IndexOf('?', StringComparison.Ordinal);
                return new FakeRequest(requestLine[0], query >= 0 ? target[..query] : target, headers);
            }
            if (filled == buffer.Length)
            {
                return null;
            }
            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }
            filled += read;
        }
    }

    private static int IndexOfHeaderEnd(ReadOnlySpan<byte> data) => data.IndexOf("\r\n\r\n"u8);

    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    public void Dispose()
    {
        DisposeAsyncCore().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] pending;
        lock (_gate)
        {
            pending = [_acceptLoop, .. _connections];
        }
        try
        {
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A handler ignoring cancellation must not hang the test run.
        }
        _listener.Dispose();
        _stop.Dispose();
    }
}
