using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Lantern.Gateway.Forwarding.Http1;

/// <summary>
/// Keep-alive connections to one plain-HTTP upstream. Idle connections are kept up to <see cref="MaxIdle"/> and for
/// <see cref="IdleTimeout"/>; the number in use is not capped (as with SocketsHttpHandler's default), because every
/// call in flight already holds one client connection of its own.
/// </summary>
internal sealed class Http1ConnectionPool : IDisposable
{
    public const int MaxIdle = 256;

    private readonly ConcurrentStack<Http1Connection> _idle = new();
    private readonly EndPoint _endpoint;
    private readonly TimeProvider _clock;
    private int _idleCount;
    private bool _disposed;

    public Http1ConnectionPool(Uri upstream, TimeProvider clock)
    {
        _endpoint = IPAddress.TryParse(upstream.IdnHost, out IPAddress? address)
            ? new IPEndPoint(address, upstream.Port)
            : new DnsEndPoint(upstream.IdnHost, upstream.Port);
        _clock = clock;
        HostHeader = upstream.IsDefaultPort ? upstream.IdnHost : upstream.IdnHost + ":" + upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (upstream.HostNameType == UriHostNameType.IPv6)
        {
            HostHeader = upstream.IsDefaultPort ? "[" + upstream.IdnHost + "]" : "[" + upstream.IdnHost + "]:" + upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The Host field for requests to this upstream (its authority, as YARP's default transform sends it).</summary>
    public string HostHeader { get; }

    /// <summary>An idle connection not past its idle timeout, or null when a new one must be opened.</summary>
    public Http1Connection? TryRentIdle()
    {
        while (_idle.TryPop(out Http1Connection? connection))
        {
            Interlocked.Decrement(ref _idleCount);
            if (_clock.GetElapsedTime(connection.LastUsedTimestamp) < IdleTimeout && connection.IsIdleAndClean())
            {
                return connection;
            }
            connection.Dispose();
        }
        return null;
    }

    public async ValueTask<Http1Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(_endpoint, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"connecting to the upstream took longer than {ConnectTimeout.TotalSeconds:0} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new Http1Connection(socket, _clock.GetTimestamp());
    }

    /// <summary>Returns a connection whose last response was read completely and allows reuse.</summary>
    public void Return(Http1Connection connection)
    {
        connection.LastUsedTimestamp = _clock.GetTimestamp();
        if (_disposed || Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }
        _idle.Push(connection);
        if (_disposed && _idle.TryPop(out Http1Connection? late))
        {
            // Dispose raced with this return: nothing may stay open after the pool is gone.
            Interlocked.Decrement(ref _idleCount);
            late.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out Http1Connection? connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
        }
    }
}
