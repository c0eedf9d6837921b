using System.Net.Sockets;
using System.Text;

namespace Lantern.Testing.Servers;

/// <summary>How <see cref="MisbehavingServer"/> fails its clients.</summary>
public enum Misbehaviour
{
    /// <summary>Answers every request with random non-HTTP bytes, then closes.</summary>
    GarbageBytes,

    /// <summary>Accepts the connection, reads the request, and never writes a byte.</summary>
    NeverAnswers,

    /// <summary>A valid 200 with a 10 MB JSON-looking body.</summary>
    HugeBody,

    /// <summary>Valid headers, then one body byte every 200 ms, forever.</summary>
    SlowDrip,
}

/// <summary>A server that breaks the rules in one chosen way, to prove clients stay bounded.</summary>
public sealed class MisbehavingServer(Misbehaviour misbehaviour) : FakeHttpServer
{
    public const int HugeBodyBytes = 10 * 1024 * 1024;

    public Misbehaviour Misbehaviour { get; } = misbehaviour;

    protected override FakeResponse? Handle(FakeRequest request) => null;

    protected override async Task RespondAsync(FakeRequest request, NetworkStream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        switch (Misbehaviour)
        {
            case Misbehaviour.GarbageBytes:
                byte[] garbage = new byte[4096];
                new Random(1234).NextBytes(garbage);
                await stream.WriteAsync(garbage, cancellationToken).ConfigureAwait(false);
                break;
            case Misbehaviour.NeverAnswers:
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                break;
            case Misbehaviour.HugeBody:
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {HugeBodyBytes}\r\nConnection: close\r\n\r\n"), cancellationToken).ConfigureAwait(false);
                byte[] chunk = Encoding.ASCII.GetBytes(new string('[', 64 * 1024));
                for (int sent = 0; sent < HugeBodyBytes; sent += chunk.Length)
                {
                    await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, HugeBodyBytes - sent)), cancellationToken).ConfigureAwait(false);
                }
                break;
            case Misbehaviour.SlowDrip:
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n"), cancellationToken).ConfigureAwait(false);
                while (!cancellationToken.IsCancellationRequested)
                {
                    await stream.WriteAsync("{"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                }
                break;
        }
    }
}
