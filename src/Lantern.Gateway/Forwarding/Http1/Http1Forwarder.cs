using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;

namespace Lantern.Gateway.Forwarding.Http1;

/// <summary>What the pipeline needs to see of a response on its way through: the head, then the body as a stream.</summary>
internal interface IForwardedResponseObserver
{
    /// <summary>Called once the upstream's status and fields are copied; true when the body may change length on the way.</summary>
    bool OnResponseHead(HttpContext context, int status, string? contentType, long? contentLength);

    /// <summary>Wraps the de-framed upstream body; the forwarder copies from what this returns.</summary>
    Stream ObserveBody(Stream upstreamBody);
}

/// <summary>Outcome of one forwarded call, in YARP's error vocabulary so that both forwarding paths end the same way.</summary>
internal readonly record struct ForwardResult(ForwarderError Error, Exception? Exception)
{
    public static readonly ForwardResult Ok = new(ForwarderError.None, null);
}

/// <summary>
/// The gateway's own HTTP/1.1 forwarding path to a plain-http upstream, for calls whose request body the gateway has
/// already read (every inference and management JSON call) or that have none. It writes the request in one send, reads
/// the response head and body straight from the socket, and streams the body to Kestrel chunk by chunk. YARP keeps
/// everything else (https upstreams, uploads, upgrades). Why this exists: docs/architecture.md, "Gateway forwarding path".
/// </summary>
internal sealed class Http1Forwarder : IDisposable
{
    private const int CopyBufferBytes = 16 * 1024;

    private readonly Http1ConnectionPool _pool;
    private readonly byte[] _targetPrefix;
    private readonly TimeSpan _activityTimeout;

    public Http1Forwarder(Uri upstream, TimeProvider clock, TimeSpan activityTimeout)
    {
        if (upstream.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException("the HTTP/1.1 forwarding path serves plain-http upstreams only", nameof(upstream));
        }
        _pool = new Http1ConnectionPool(upstream, clock);
        // "http://host:port/base/" forwards "/api/chat" to "/base/api/chat" (as YARP's destination prefix does).
        _targetPrefix = Encoding.ASCII.GetBytes(upstream.AbsolutePath.TrimEnd('/'));
        _activityTimeout = activityTimeout;
    }

    /// <summary>Can this call take the lean path? Upgrades and CONNECT need YARP's duplex handling.</summary>
    public static bool Supports(HttpRequest request) =>
        !HttpMethods.IsConnect(request.Method) && request.Headers.Upgrade.Count == 0
        && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() is not { IsUpgradableRequest: true };

    /// <param name="body">The request body the gateway read (null: the request has none).</param>
    /// <param name="forwardHeader">False for request fields the upstream must not see (the gateway's own key, the use-case field).</param>
    public async Task<ForwardResult> SendAsync(HttpContext context, ReadOnlyMemory<byte>? body, Func<string, bool> forwardHeader,
        IForwardedResponseObserver observer)
    {
        CancellationToken aborted = context.RequestAborted;
        using var activity = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        // Each wait on the upstream restarts the idle timer: a long generation is fine as long as tokens keep coming.
        CancellationToken Tick(CancellationToken _)
        {
            activity.CancelAfter(_activityTimeout);
            return activity.Token;
        }

        byte[] request = BuildRequest(context.Request, body, forwardHeader, out int requestLength);
        Http1Connection? connection = null;
        Http1ResponseHead? head;
        try
        {
            (connection, head) = await ExchangeAsync(request.AsMemory(0, requestLength), Tick, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TimeoutException)
        {
            connection?.Dispose();
            return Failure(e, activity, ForwarderError.Request, aborted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(request);
        }

        bool headRequest = HttpMethods.IsHead(context.Request.Method);
        BodyFramingKind framing = head.FramingFor(headRequest);
        HttpResponse response = context.Response;
        bool reframed;
        try
        {
            response.StatusCode = head.StatusCode;
            foreach (UpstreamHeader header in head.Headers)
            {
                response.Headers.Append(header.Name, header.Value);
            }
            long? length = framing == BodyFramingKind.ContentLength || headRequest ? head.ContentLength : null;
            reframed = observer.OnResponseHead(context, head.StatusCode, head.ContentType, length);
            if (!reframed && length is long known)
            {
                response.ContentLength = known;
            }
            else if (!reframed && framing == BodyFramingKind.None && head.ContentLength == 0 && head.StatusCode is not (204 or 304))
            {
                response.ContentLength = 0;
            }
        }
        catch (InvalidOperationException e)
        {
            connection.Dispose();
            return new ForwardResult(ForwarderError.ResponseHeaders, e);
        }

        var upstreamBody = new Http1BodyStream(connection, framing, head.ContentLength ?? 0, Tick);
        // A stream's head goes out at once (time to first token); a sized body's head goes with its bytes, so that a
        // record that cannot be written can still turn the answer into a 503 before anything was sent.
        bool startEarly = framing is BodyFramingKind.Chunked or BodyFramingKind.UntilClose;
        ForwardResult result = await CopyBodyAsync(context, observer.ObserveBody(upstreamBody), connection, startEarly, activity).ConfigureAwait(false);
        if (result.Error == ForwarderError.None && upstreamBody.Completed && head.KeepAlive)
        {
            _pool.Return(connection);
        }
        else
        {
            connection.Dispose();
        }
        return result;
    }

    /// <summary>Sends the request and reads the final response head; a reused connection the upstream had closed is retried once on a new one.</summary>
    private async ValueTask<(Http1Connection Connection, Http1ResponseHead Head)> ExchangeAsync(ReadOnlyMemory<byte> request,
        Func<CancellationToken, CancellationToken> tick, CancellationToken aborted)
    {
        Http1Connection? connection = _pool.TryRentIdle();
        bool reused = connection is not null;
        while (true)
        {
            connection ??= await _pool.ConnectAsync(aborted).ConfigureAwait(false);
            Http1ResponseHead? head;
            try
            {
                await connection.SendAsync(request, tick(aborted)).ConfigureAwait(false);
                head = await connection.ReadHeadAsync(tick(aborted)).ConfigureAwait(false);
            }
            catch (SocketException) when (reused && !aborted.IsCancellationRequested)
            {
                head = null;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
            if (head is null)
            {
                // Closed before a single response byte: the upstream dropped an idle keep-alive connection and never saw
                // this request (SocketsHttpHandler retries the same case). A fresh connection gets no second chance.
                connection.Dispose();
                if (!reused)
                {
                    throw new UpstreamProtocolException("the upstream closed the connection without answering");
                }
                reused = false;
                connection = null;
                continue;
            }
            try
            {
                connection.Uses++;
                while (head.IsInterim)
                {
                    head = await connection.ReadHeadAsync(tick(aborted)).ConfigureAwait(false)
                        ?? throw new UpstreamProtocolException("the upstream closed the connection after an interim response");
                }
                return (connection, head);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    private static async Task<ForwardResult> CopyBodyAsync(HttpContext context, Stream source, Http1Connection connection, bool startEarly,
        CancellationTokenSource activity)
    {
        CancellationToken aborted = context.RequestAborted;
        HttpResponse response = context.Response;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            if (startEarly && connection.BufferedCount == 0 && !response.HasStarted)
            {
                // Nothing of the body is here yet (a stream about to start, a slow model): the client gets the head now.
                try
                {
                    await response.StartAsync(aborted).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
                {
                    return new ForwardResult(ForwarderError.ResponseBodyClient, e);
                }
            }
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, aborted).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TimeoutException)
                {
                    ForwardResult failure = Failure(e, activity, ForwarderError.ResponseBodyDestination, aborted);
                    if (failure.Error is ForwarderError.ResponseBodyDestination or ForwarderError.RequestTimedOut && response.HasStarted)
                    {
                        // Mid-stream the status line is gone: cut the client's connection so it cannot take a truncated body for a whole one.
                        context.Abort();
                    }
                    return failure;
                }
                if (read == 0)
                {
                    return ForwardResult.Ok;
                }
                try
                {
                    await response.Body.WriteAsync(buffer.AsMemory(0, read), aborted).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
                {
                    return new ForwardResult(aborted.IsCancellationRequested ? ForwarderError.ResponseBodyCanceled : ForwarderError.ResponseBodyClient, e);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ForwardResult Failure(Exception e, CancellationTokenSource activity, ForwarderError upstreamSide, CancellationToken aborted)
    {
        if (aborted.IsCancellationRequested)
        {
            return new ForwardResult(upstreamSide == ForwarderError.Request ? ForwarderError.RequestCanceled : ForwarderError.ResponseBodyCanceled, e);
        }
        if (e is OperationCanceledException && activity.IsCancellationRequested || e is TimeoutException)
        {
            return new ForwardResult(ForwarderError.RequestTimedOut, e as TimeoutException ?? new TimeoutException("the upstream was silent for longer than the timeout", e));
        }
        return new ForwardResult(upstreamSide, e);
    }

    /// <summary>Request line, fields and body in one pooled buffer (returned by the caller), so that one send carries the call.</summary>
    private byte[] BuildRequest(HttpRequest request, ReadOnlyMemory<byte>? body, Func<string, bool> forwardHeader, out int length)
    {
        var writer = new RequestWriter(1024 + (body?.Length ?? 0));
        writer.Write(request.Method);
        writer.Write(" "u8);
        writer.Write(_targetPrefix);
        string path = request.PathBase.Add(request.Path).ToUriComponent();
        writer.Write(path.Length == 0 ? "/" : path);
        writer.Write(request.QueryString.Value ?? "");
        writer.Write(" HTTP/1.1\r\nHost: "u8);
        writer.Write(_pool.HostHeader);
        writer.Write("\r\n"u8);
        foreach (KeyValuePair<string, StringValues> field in request.Headers)
        {
            string name = field.Key;
            if (name.Length == 0 || name[0] == ':' || IsNotForwarded(name) || !forwardHeader(name))
            {
                continue;
            }
            if (field.Value.Count > 1 && name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                WriteField(ref writer, name, string.Join("; ", field.Value.ToArray()));
                continue;
            }
            foreach (string? value in field.Value)
            {
                WriteField(ref writer, name, value ?? "");
            }
        }
        if (body is { } content)
        {
            writer.Write("Content-Length: "u8);
            writer.Write(content.Length);
            writer.Write("\r\n\r\n"u8);
            writer.Write(content.Span);
        }
        else if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            writer.Write("Content-Length: 0\r\n\r\n"u8);
        }
        else
        {
            writer.Write("\r\n"u8);
        }
        return writer.Detach(out length);
    }

    private static void WriteField(ref RequestWriter writer, string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            return;
        }
        writer.Write(name);
        writer.Write(": "u8);
        writer.Write(value);
        writer.Write("\r\n"u8);
    }

    /// <summary>Hop-by-hop and framing fields (RFC 9110 §7.6.1) are the connection's own, not the call's.</summary>
    private static bool IsNotForwarded(string name) =>
        name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Expect", StringComparison.OrdinalIgnoreCase);

    public void Dispose() => _pool.Dispose();

    /// <summary>Appends to a buffer rented from the shared pool, growing by renting a larger one.</summary>
    private struct RequestWriter(int capacity)
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
        }

        public void Write(string text)
        {
            Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
            _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
        }

        public void Write(int value)
        {
            Ensure(11);
            System.Buffers.Text.Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int written);
            _length += written;
        }

        public byte[] Detach(out int length)
        {
            length = _length;
            return _buffer;
        }

        private void Ensure(int more)
        {
            if (_buffer.Length - _length >= more)
            {
                return;
            }
            byte[] larger = ArrayPool<byte>.Shared.Rent(checked(Math.Max(_buffer.Length * 2, _length + more)));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }
}
