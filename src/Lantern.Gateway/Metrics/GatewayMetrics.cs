using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Metrics;

/// <summary>
/// The gateway's counters, rendered in the Prometheus text exposition format 0.0.4 (issue 7, "Metrics":
/// calls, refusals, latency histogram, queue depth, sink errors). Lock-free on the hot path.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>Gateway overhead buckets in seconds: the issue's targets are 0.3 ms p50 and 1 ms p99.</summary>
    private static readonly double[] OverheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

    /// <summary>Total call buckets in seconds: local inference takes from milliseconds (info) to minutes (long generations).</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly ConcurrentDictionary<(RouteClass, CallEndState), Counter> _calls = new();
    private readonly ConcurrentDictionary<string, Counter> _refusals = new(StringComparer.Ordinal);
    private readonly Histogram _overhead = new(OverheadBuckets);
    private readonly Histogram _duration = new(DurationBuckets);
    private long _sinkErrors;
    private long _inFlight;
    private Func<long>? _queueDepth;

    /// <summary>Source of the audit queue depth once a queued sink exists; 0 until then.</summary>
    public void SetQueueDepthSource(Func<long> source) => _queueDepth = source;

    private Func<IReadOnlyList<Sinks.SinkStatus>>? _siemStatus;

    /// <summary>Per-sink SIEM delivery counters, read at each scrape.</summary>
    public void SetSiemStatusSource(Func<IReadOnlyList<Sinks.SinkStatus>> source) => _siemStatus = source;

    public void CallStarted() => Interlocked.Increment(ref _inFlight);

    public void CallEnded(RouteClass routeClass, CallEndState state, double durationSeconds, double overheadSeconds)
    {
        Interlocked.Decrement(ref _inFlight);
        _calls.GetOrAdd((routeClass, state), static _ => new Counter()).Increment();
        _duration.Observe(durationSeconds);
        if (state != CallEndState.Blocked)
        {
            _overhead.Observe(overheadSeconds);
        }
    }

    public void Refused(string reasonCode) => _refusals.GetOrAdd(reasonCode, static _ => new Counter()).Increment();

    public void SinkError() => Interlocked.Increment(ref _sinkErrors);

    public long SinkErrors => Interlocked.Read(ref _sinkErrors);

    public long Calls(RouteClass routeClass, CallEndState state) =>
        _calls.TryGetValue((routeClass, state), out Counter? c) ? c.Value : 0;

    public long Refusals(string reasonCode) => _refusals.TryGetValue(reasonCode, out Counter? c) ? c.Value : 0;

    public string Render()
    {
        var text = new StringBuilder(2048);
        text.Append("# HELP lantern_gateway_calls_total Calls by route class and end state.\n# TYPE lantern_gateway_calls_total counter\n");
        foreach (KeyValuePair<(RouteClass, CallEndState), Counter> pair in _calls.OrderBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"lantern_gateway_calls_total{{route_class=\"{Label(pair.Key.Item1)}\",end_state=\"{Label(pair.Key.Item2)}\"}} {pair.Value.Value}\n");
        }
        text.Append("# HELP lantern_gateway_refusals_total Refused calls by reason code.\n# TYPE lantern_gateway_refusals_total counter\n");
        foreach (KeyValuePair<string, Counter> pair in _refusals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"lantern_gateway_refusals_total{{reason=\"{pair.Key}\"}} {pair.Value.Value}\n");
        }
        _overhead.Render(text, "lantern_gateway_overhead_seconds", "Time the gateway spent before forwarding (identity, classification, policy).");
        _duration.Render(text, "lantern_gateway_request_duration_seconds", "Total call duration as seen by the gateway.");
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP lantern_gateway_in_flight Calls in progress.\n# TYPE lantern_gateway_in_flight gauge\nlantern_gateway_in_flight {Interlocked.Read(ref _inFlight)}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP lantern_gateway_audit_queue_depth Records waiting for the SIEM sinks.\n# TYPE lantern_gateway_audit_queue_depth gauge\nlantern_gateway_audit_queue_depth {_queueDepth?.Invoke() ?? 0}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP lantern_gateway_sink_errors_total Audit sink write failures.\n# TYPE lantern_gateway_sink_errors_total counter\nlantern_gateway_sink_errors_total {SinkErrors}\n");
        // Process health an operator watches next to the call counters (names as the OpenTelemetry .NET runtime metrics).
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP dotnet_gc_heap_allocated_bytes_total Bytes allocated on the managed heap since the gateway started.\n# TYPE dotnet_gc_heap_allocated_bytes_total counter\ndotnet_gc_heap_allocated_bytes_total {GC.GetTotalAllocatedBytes()}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP dotnet_gc_collections_total Garbage collections by generation.\n# TYPE dotnet_gc_collections_total counter\n");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append(CultureInfo.InvariantCulture, $"dotnet_gc_collections_total{{generation=\"gen{generation}\"}} {GC.CollectionCount(generation)}\n");
        }
        if (_siemStatus?.Invoke() is { Count: > 0 } sinks)
        {
            foreach ((string metric, string help, Func<Sinks.SinkStatus, long> value) in new (string, string, Func<Sinks.SinkStatus, long>)[]
            {
                ("lantern_gateway_siem_sent_total", "Events delivered to a SIEM sink.", s => s.Sent),
                ("lantern_gateway_siem_send_errors_total", "Failed deliveries to a SIEM sink (retried).", s => s.SendErrors),
                ("lantern_gateway_siem_spilled_total", "Events spilled to disk while a SIEM sink was behind.", s => s.Spilled),
                ("lantern_gateway_siem_dropped_total", "Events dropped past the spill cap (reported to the SIEM when it recovers).", s => s.Dropped),
            })
            {
                text.Append(CultureInfo.InvariantCulture, $"# HELP {metric} {help}\n# TYPE {metric} counter\n");
                foreach (Sinks.SinkStatus sink in sinks)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{metric}{{sink=\"{sink.Id}\"}} {value(sink)}\n");
                }
            }
        }
        return text.ToString();
    }

    internal static string Label(RouteClass value) => value switch
    {
        RouteClass.Inference => "inference",
        RouteClass.Management => "management",
        RouteClass.CloudAccount => "cloud_account",
        RouteClass.Info => "info",
        _ => "other",
    };

    internal static string Label(CallEndState value) => value switch
    {
        CallEndState.Completed => "completed",
        CallEndState.ClientAborted => "client_aborted",
        CallEndState.UpstreamError => "upstream_error",
        _ => "blocked",
    };

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    private sealed class Histogram(double[] bounds)
    {
        private readonly long[] _counts = new long[bounds.Length + 1];
        private long _sumMicros;

        public void Observe(double seconds)
        {
            if (double.IsNaN(seconds) || seconds < 0)
            {
                seconds = 0;
            }
            int i = 0;
            while (i < bounds.Length && seconds > bounds[i])
            {
                i++;
            }
            Interlocked.Increment(ref _counts[i]);
            // Microsecond resolution keeps the sum in a long that Interlocked can add to.
            Interlocked.Add(ref _sumMicros, (long)Math.Min(seconds * 1e6, long.MaxValue / 4));
        }

        public void Render(StringBuilder text, string name, string help)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
            long cumulative = 0;
            for (int i = 0; i < bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[i]);
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"{bounds[i].ToString("R", CultureInfo.InvariantCulture)}\"}} {cumulative}\n");
            }
            cumulative += Interlocked.Read(ref _counts[^1]);
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"+Inf\"}} {cumulative}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum {(Interlocked.Read(ref _sumMicros) / 1e6).ToString("R", CultureInfo.InvariantCulture)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count {cumulative}\n");
        }
    }
}
