using System.Buffers;
using System.Net;
using Lantern.Gateway.Forwarding.Http1;

namespace Lantern.Gateway.Forwarding;

/// <summary>
/// Replaces the upstream response content so that YARP copies from <see cref="ObservedResponseStream"/>: every chunk is
/// shown to the observer and returned as soon as it is read, so nothing is buffered (the SSE usage filter aside).
/// </summary>
internal sealed class ObservedResponseContent(HttpContent inner, IForwardedResponseObserver observer) : HttpContent
{
    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        Stream stream = await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return observer.ObserveBody(stream);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Stream source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Read side of the tee: observe, optionally filter, and hold the last byte of a sized body until the record is written.</summary>
internal sealed class ObservedResponseStream(Stream inner, CallState call, Func<CallState, CancellationToken, ValueTask> beforeLastBytes) : ReadOnlyAsyncStream
{
    private readonly ArrayBufferWriter<byte>? _ready = call.Filter is null ? null : new ArrayBufferWriter<byte>();
    private int _readyOffset;
    private long _total;
    private byte[]? _scratch;
    private bool _ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        if (_ready is null)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                call.Observer?.Observe(buffer.Span[..read]);
                _total += read;
                if (call.UpstreamLength is long length && _total >= length)
                {
                    // The client has a complete response once these bytes are out: record first (docs/gateway.md "Durability").
                    await beforeLastBytes(call, cancellationToken).ConfigureAwait(false);
                }
            }
            return read;
        }
        while (true)
        {
            if (_readyOffset < _ready.WrittenCount)
            {
                int count = Math.Min(buffer.Length, _ready.WrittenCount - _readyOffset);
                _ready.WrittenSpan.Slice(_readyOffset, count).CopyTo(buffer.Span);
                _readyOffset += count;
                if (_readyOffset == _ready.WrittenCount)
                {
                    _ready.ResetWrittenCount();
                    _readyOffset = 0;
                }
                return count;
            }
            if (_ended)
            {
                return 0;
            }
            _scratch ??= new byte[buffer.Length];
            int read = await inner.ReadAsync(_scratch, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
                call.Filter!.Flush(_ready);
                continue;
            }
            call.Observer?.Observe(_scratch.AsSpan(0, read));
            _total += read;
            call.Filter!.Process(_scratch.AsSpan(0, read), _ready);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
