namespace Lantern.Gateway.Recording;

/// <summary>
/// Where the gateway writes one <see cref="GatewayCallRecord"/> per call. The gateway awaits
/// <see cref="RecordAsync"/> before it lets the response complete (docs/gateway.md, "Durability"), so an
/// implementation returns only once the record is as durable as it promises.
/// </summary>
public interface IAuditSink
{
    /// <summary>False while the sink knows it cannot write (disk full, log closed); the gateway then refuses calls unless fail-open.</summary>
    bool IsHealthy { get; }

    /// <summary>Writes the record durably; throws when it cannot.</summary>
    ValueTask RecordAsync(GatewayCallRecord record, CancellationToken cancellationToken);
}
