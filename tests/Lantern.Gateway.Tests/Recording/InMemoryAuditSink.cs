using System.Collections.Concurrent;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Tests.Recording;

/// <summary>Keeps records in memory; can be made to fail to test fail-closed behaviour.</summary>
public sealed class InMemoryAuditSink : IAuditSink
{
    private readonly ConcurrentQueue<GatewayCallRecord> _records = new();

    public bool Healthy { get; set; } = true;
    public bool Fail { get; set; }
    public bool IsHealthy => Healthy;

    public IReadOnlyList<GatewayCallRecord> Records => _records.ToArray();

    public ValueTask RecordAsync(GatewayCallRecord record, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new IOException("disk full");
        }
        _records.Enqueue(record);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until at least <paramref name="count"/> records exist (records can follow the response by a moment on aborts).</summary>
    public async Task<IReadOnlyList<GatewayCallRecord>> WaitForAsync(int count, int timeoutMs = 10_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (_records.Count < count && clock.ElapsedMilliseconds < timeoutMs)
        {
            await Task.Delay(10);
        }
        return Records;
    }
}
