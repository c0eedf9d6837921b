using System.Net.Sockets;

namespace Lantern.Gateway.Forwarding.Http1;

/// <summary>
/// One keep-alive TCP connection to the upstream with its receive buffer. Not thread-safe: a connection serves one call
/// at a time and goes back to <see cref="Http1ConnectionPool"/> only when that call's response was read to its end.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    /// <summary>Largest response head (status line and fields) accepted from the upstream.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>Receive buffer; a head larger than this grows it up to <see cref="MaxHeadBytes"/>.</summary>
    private const int BufferBytes = 16 * 1024;

    private readonly IHttp1Transport _transport;
    private byte[] _buffer = new byte[BufferBytes];
    private int _start;
    private int _end;

    public Http1Connection(Socket socket, long createdTimestamp)
        : this(new SocketTransport(socket), createdTimestamp)
    {
    }

    /// <summary>Over any byte transport: the fuzz target feeds upstream answers from memory in arbitrary slices.</summary>
    internal Http1Connection(IHttp1Transport transport, long createdTimestamp)
    {
        _transport = transport;
        LastUsedTimestamp = createdTimestamp;
    }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last time this connection finished a call.</summary>
    public long LastUsedTimestamp { get; set; }

    /// <summary>Calls this connection has carried; a reused connection may have been closed by the upstream meanwhile.</summary>
    public int Uses { get; set; }

    /// <summary>Bytes received and not yet consumed.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public int BufferedCount => _end - _start;

    public void Consume(int count) => _start += count;

    /// <summary>
    /// An idle connection is reused unless the upstream sent bytes nobody asked for. Whether the upstream closed it
    /// meanwhile is not probed (that would be a syscall per call): a closed one fails before any answer and the call is
    /// retried once on a fresh connection (<see cref="Http1Forwarder"/>), as SocketsHttpHandler does.
    /// </summary>
    public bool IsIdleAndClean() => _end == _start;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int sent = await _transport.SendAsync(data, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>Receives more bytes after what is buffered; 0 means the upstream closed the connection.</summary>
    public async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            else
            {
                if (_buffer.Length >= MaxHeadBytes)
                {
                    throw new UpstreamProtocolException($"the upstream sent a line or head longer than {MaxHeadBytes} bytes");
                }
                Array.Resize(ref _buffer, Math.Min(MaxHeadBytes, _buffer.Length * 2));
            }
        }
        int read = await _transport.ReceiveAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read;
    }

    /// <summary>Reads the next response head; null when the upstream closed the connection before sending a byte.</summary>
    public async ValueTask<Http1ResponseHead?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        int searched = 0;
        while (true)
        {
            ReadOnlySpan<byte> buffered = Buffered;
            int end = buffered[Math.Max(0, searched - 3)..].IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                end += Math.Max(0, searched - 3);
                Http1ResponseHead head = Http1ResponseHead.Parse(buffered[..end]);
                Consume(end + 4);
                return head;
            }
            searched = buffered.Length;
            if (searched >= MaxHeadBytes)
            {
                throw new UpstreamProtocolException($"the upstream's response head is larger than {MaxHeadBytes} bytes");
            }
            int before = BufferedCount;
            if (await FillAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                if (before == 0)
                {
                    return null;
                }
                throw new UpstreamProtocolException("the upstream closed the connection in the middle of a response head");
            }
            // A compaction in FillAsync moved the bytes but not their count: the search resumes at the same offset.
        }
    }

    public void Dispose() => _transport.Dispose();

    private sealed class SocketTransport(Socket socket) : IHttp1Transport
    {
        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

        public ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            socket.SendAsync(data, SocketFlags.None, cancellationToken);

        public void Dispose()
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already reset by the peer: closing is all that is left.
            }
            socket.Dispose();
        }
    }
}

/// <summary>The bytes under an <see cref="Http1Connection"/>: a TCP socket in the gateway, memory in the fuzz target.</summary>
internal interface IHttp1Transport : IDisposable
{
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
