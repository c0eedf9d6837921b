using System.Buffers.Text;

namespace Lantern.Gateway.Forwarding.Http1;

/// <summary>
/// The upstream response body, de-framed (Content-Length, chunked or until close) and returned as soon as any bytes
/// are in: a read never waits for a whole chunk, so streamed tokens pass through without buffering.
/// <see cref="Completed"/> is set once the framing says the body ended, which is when the connection may be reused.
/// </summary>
internal sealed class Http1BodyStream : ReadOnlyAsyncStream
{
    /// <summary>Longest chunk-size line (with extensions) or trailer section accepted.</summary>
    private const int MaxChunkLineBytes = 4 * 1024;

    private readonly Http1Connection _connection;
    private readonly BodyFramingKind _framing;
    private readonly Func<CancellationToken, CancellationToken> _activity;
    private long _remaining;
    private ChunkState _chunkState = ChunkState.Size;

    private enum ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailers,
    }

    /// <param name="activity">Called before each wait on the upstream; returns the token to wait with (resets the idle timer).</param>
    public Http1BodyStream(Http1Connection connection, BodyFramingKind framing, long contentLength, Func<CancellationToken, CancellationToken> activity)
    {
        _connection = connection;
        _framing = framing;
        _remaining = contentLength;
        _activity = activity;
        Completed = framing == BodyFramingKind.None;
    }

    public bool Completed { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Completed || buffer.IsEmpty)
        {
            return 0;
        }
        switch (_framing)
        {
            case BodyFramingKind.ContentLength:
            {
                int read = await ReadDataAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new UpstreamProtocolException($"the upstream closed the connection with {_remaining} bytes of its body still to come");
                }
                _remaining -= read;
                Completed = _remaining == 0;
                return read;
            }
            case BodyFramingKind.UntilClose:
            {
                int read = await ReadDataAsync(buffer, cancellationToken).ConfigureAwait(false);
                Completed = read == 0;
                return read;
            }
            default:
                return await ReadChunkedAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Serves buffered bytes first, then waits for at least one more.</summary>
    private async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_connection.BufferedCount == 0 && await _connection.FillAsync(_activity(cancellationToken)).ConfigureAwait(false) == 0)
        {
            return 0;
        }
        int count = Math.Min(buffer.Length, _connection.BufferedCount);
        _connection.Buffered[..count].CopyTo(buffer.Span);
        _connection.Consume(count);
        return count;
    }

    private async ValueTask<int> ReadChunkedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (_chunkState)
            {
                case ChunkState.Size:
                {
                    int length = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    _remaining = ParseChunkSize(_connection.Buffered[..length]);
                    _connection.Consume(length + 2);
                    _chunkState = _remaining == 0 ? ChunkState.Trailers : ChunkState.Data;
                    break;
                }
                case ChunkState.Data:
                {
                    int read = await ReadDataAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new UpstreamProtocolException("the upstream closed the connection in the middle of a chunk");
                    }
                    _remaining -= read;
                    if (_remaining == 0)
                    {
                        _chunkState = ChunkState.DataEnd;
                    }
                    return read;
                }
                case ChunkState.DataEnd:
                {
                    int length = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    _connection.Consume(length + 2);
                    if (length != 0)
                    {
                        throw new UpstreamProtocolException("the upstream's chunk data does not end where its size said");
                    }
                    _chunkState = ChunkState.Size;
                    break;
                }
                default:
                {
                    // Trailer fields are not forwarded (HTTP/1.1 clients rarely read them); their section ends at an empty line.
                    int trailerBytes = 0;
                    while (true)
                    {
                        int length = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                        _connection.Consume(length + 2);
                        if (length == 0)
                        {
                            Completed = true;
                            return 0;
                        }
                        trailerBytes += length + 2;
                        if (trailerBytes > MaxChunkLineBytes)
                        {
                            throw new UpstreamProtocolException($"the upstream's trailer section is longer than {MaxChunkLineBytes} bytes");
                        }
                    }
                }
            }
        }
    }

    /// <summary>Waits until a whole CRLF-terminated line is buffered; returns its length without the CRLF (the caller consumes it).</summary>
    private async ValueTask<int> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int end = _connection.Buffered.IndexOf("\r\n"u8);
            if (end >= 0)
            {
                if (end > MaxChunkLineBytes)
                {
                    throw new UpstreamProtocolException($"the upstream sent a chunk line longer than {MaxChunkLineBytes} bytes");
                }
                return end;
            }
            if (_connection.BufferedCount > MaxChunkLineBytes)
            {
                throw new UpstreamProtocolException($"the upstream sent a chunk line longer than {MaxChunkLineBytes} bytes");
            }
            if (await _connection.FillAsync(_activity(cancellationToken)).ConfigureAwait(false) == 0)
            {
                throw new UpstreamProtocolException("the upstream closed the connection in the middle of a chunked body");
            }
        }
    }

    /// <summary>Hex size before any ';' extension; at most 15 hex digits so that it fits a long with room to spare.</summary>
    internal static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        int semicolon = line.IndexOf((byte)';');
        ReadOnlySpan<byte> digits = (semicolon >= 0 ? line[..semicolon] : line).TrimEnd(" \t"u8);
        if (digits.IsEmpty || digits.Length > 15 || !Utf8Parser.TryParse(digits, out long size, out int consumed, 'X') || consumed != digits.Length)
        {
            throw new UpstreamProtocolException("the upstream sent an invalid chunk size");
        }
        return size;
    }
}
