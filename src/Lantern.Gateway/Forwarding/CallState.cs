using Lantern.Gateway.Apis;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Forwarding;

/// <summary>Everything one call accumulates on its way to its single record.</summary>
internal sealed class CallState(string id, long sequence, long startTimestamp, DateTimeOffset startedAt, ApiRoute route)
{
    private int _recorded;

    public string Id { get; } = id;
    public long Sequence { get; } = sequence;
    public long StartTimestamp { get; } = startTimestamp;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public ApiRoute Route { get; } = route;

    public CallerInfo? Caller { get; set; }
    public InferenceRequest Request { get; set; } = InferenceRequest.Empty;
    public ModelIdentity? Model { get; set; }
    public string? UseCase { get; set; }
    public PromptClassification Classification { get; set; } = PromptClassification.Unclassified;
    public bool UsageInjected { get; set; }
    public long ForwardTimestamp { get; set; }

    /// <summary>Set by the response transformer once upstream headers are in.</summary>
    public ResponseObserver? Observer { get; set; }

    public SseUsageFilter? Filter { get; set; }
    public int UpstreamStatus { get; set; }

    /// <summary>Upstream Content-Length when known and the body passes unfiltered; the record is written before its last byte.</summary>
    public long? UpstreamLength { get; set; }

    /// <summary>The record could not be written and the gateway is fail-closed: the response must not complete.</summary>
    public bool SinkFailed { get; set; }

    public bool Recorded => Volatile.Read(ref _recorded) != 0;

    /// <summary>Claims the one record of this call; false when it is already written (or being written).</summary>
    public bool TryClaimRecord() => Interlocked.Exchange(ref _recorded, 1) == 0;
}
