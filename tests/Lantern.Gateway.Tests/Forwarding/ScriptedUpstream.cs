using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Gateway.Tests.Forwarding;

/// <summary>
/// An upstream that answers with exact bytes, for framing cases a well-behaved server never produces: close-delimited
/// bodies, chunk extensions and trailers, broken status lines, oversized heads, connections dropped after an answer.
/// </summary>
internal sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, string, ScriptedAnswer> _answer;
    private readonly ConcurrentQueue<string> _requestHeads = new();
    private readonly Task _accept;
    private int _requests;
    private int _connections;

    /// <param name="answer">Given the request number (from 0) and the request head, the bytes to send back.</param>
    public ScriptedUpstream(Func<int, string, ScriptedAnswer> answer)
    {
        _answer = answer;
        _listener.Start();
        _accept = Task.Run(AcceptAsync);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
    public int Connections => Volatile.Read(ref _connections);
    public IReadOnlyList<string> RequestHeads => [.. _requestHeads];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var received = new List<byte>();
            byte[] buffer = new byte[8192];
            try
            {
                while (true)
                {
                    int end;
                    while ((end = IndexOf(received, "\r\n\r\n"u8)) < 0)
                    {
                        int read = await socket.ReceiveAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }
                        received.AddRange(buffer.AsSpan(0, read));
                    }
                    string head = Encoding.ASCII.GetString([.. received.Take(end)]);
                    int length = ContentLength(head);
                    while (received.Count < end + 4 + length)
                    {
                        int read = await socket.ReceiveAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }
                        received.AddRange(buffer.AsSpan(0, read));
                    }
                    received.RemoveRange(0, end + 4 + length);
                    _requestHeads.Enqueue(head);
                    ScriptedAnswer answer = _answer(Interlocked.Increment(ref _requests) - 1, head);
                    foreach (byte[] part in answer.Parts)
                    {
                        await socket.SendAsync(part, _stop.Token);
                        await Task.Delay(answer.PartDelay, _stop.Token);
                    }
                    if (answer.CloseAfter)
                    {
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private static int ContentLength(string head)
    {
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> pattern)
    {
        for (int i = 0; i + pattern.Length <= data.Count; i++)
        {
            int j = 0;
            while (j < pattern.Length && data[i + j] == pattern[j])
            {
                j++;
            }
            if (j == pattern.Length)
            {
                return i;
            }
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }
}

/// <summary>What the scripted upstream sends for one request: raw parts (a pause between them), then maybe a close.</summary>
internal sealed record ScriptedAnswer(IReadOnlyList<byte[]> Parts, bool CloseAfter = false, int PartDelayMs = 0)
{
    public TimeSpan PartDelay => TimeSpan.FromMilliseconds(PartDelayMs);

    public static ScriptedAnswer Of(string raw, bool closeAfter = false) => new([Encoding.UTF8.GetBytes(raw)], closeAfter);
}
