using System.Threading.Channels;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Sinks;

/// <summary>Bounds and timings of <see cref="SiemForwarder"/> (docs/siem-sinks.md, "Delivery").</summary>
public sealed record SiemForwarderLimits
{
    /// <summary>Events held in memory per sink before spilling to disk.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>Size cap of each sink's spill file; beyond it events are dropped and counted.</summary>
    public long MaxSpillBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Events per delivery (one POST, one TCP write, one file append).</summary>
    public int MaxBatchEvents { get; init; } = 500;

    /// <summary>Spill bytes read for one batch.</summary>
    public long MaxBatchBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>First retry delay; doubles per failure up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>One delivery attempt (connect, TLS, send, response) is abandoned after this long.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="SiemForwarder.DisposeAsync"/> keeps delivering before it spills the rest.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSpillBytes, 0, nameof(MaxSpillBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchEvents, 1, nameof(MaxBatchEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1, nameof(MaxBatchBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SendTimeout, TimeSpan.Zero, nameof(SendTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
    }
}

/// <summary>Counters of one sink, for <c>/metrics</c>.</summary>
/// <param name="Sink">Display name (no secrets), e.g. <c>syslog+tls://siem:6514</c>.</param>
/// <param name="Id">Stable id; also the spill file's name.</param>
/// <param name="QueueDepth">Events waiting: in memory, in flight and in the spill file.</param>
/// <param name="Spilled">Events written to the spill file since start.</param>
/// <param name="Dropped">Events lost for good since start (spill full, rejected by the receiver, unreadable spill line).</param>
/// <param name="SendErrors">Failed delivery attempts since start.</param>
/// <param name="Sent">Events handed to the receiver since start (duplicates on retry included).</param>
/// <param name="SpillBytes">Current size of the spill file.</param>
/// <param name="LastError">The last delivery error, or null.</param>
public sealed record SinkStatus(
    string Sink,
    string Id,
    long QueueDepth,
    long Spilled,
    long Dropped,
    long SendErrors,
    long Sent,
    long SpillBytes,
    string? LastError,
    DateTimeOffset? LastErrorTime,
    DateTimeOffset? LastSuccessTime);

/// <summary>
/// Forwards audit records and checkpoints to SIEM sinks off the hot path (issue 7, docs/siem-sinks.md): per sink a
/// bounded in-memory queue, an append-only spill file when the queue is full, a sender loop with batching, exponential
/// backoff with jitter and in-order replay, and at-least-once delivery (each event carries record id and seq so the
/// SIEM can de-duplicate). <see cref="TryEnqueue(AuditRecord)"/> never waits for the network.
/// </summary>
public sealed class SiemForwarder : IAsyncDisposable
{
    private readonly SinkWorker[] _sinks;
    private readonly TimeProvider _time;
    private int _disposed;

    /// <exception cref="SiemSinkSpecException">A sink's token, CA or client certificate cannot be loaded.</exception>
    /// <exception cref="IOException">The spill directory cannot be used, or another process holds a spill file.</exception>
    public SiemForwarder(IEnumerable<SiemSinkSpec> sinks, string spillDirectory, SiemForwarderLimits? limits = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentException.ThrowIfNullOrEmpty(spillDirectory);
        limits ??= new SiemForwarderLimits();
        limits.Validate();
        _time = timeProvider ?? TimeProvider.System;
        List<SiemSinkSpec> specs = [.. sinks];
        string? duplicate = specs.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1)?.First().DisplayName;
        if (duplicate is not null)
        {
            throw new ArgumentException($"sink {duplicate} is given twice", nameof(sinks));
        }
        var workers = new List<SinkWorker>();
        try
        {
            foreach (SiemSinkSpec spec in specs)
            {
                workers.Add(new SinkWorker(spec, spillDirectory, limits, _time));
            }
        }
        catch
        {
            foreach (SinkWorker worker in workers)
            {
                worker.Abandon();
            }
            throw;
        }
        _sinks = [.. workers];
        foreach (SinkWorker worker in _sinks)
        {
            worker.Start();
        }
    }

    /// <summary>Queues a record (with its seq, as returned by <c>AuditLogWriter.AppendAsync</c>) for every sink.</summary>
    /// <returns>False when some sink dropped it (spill full, or the forwarder is stopped); the drop is counted.</returns>
    public bool TryEnqueue(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Enqueue(SiemEvent.ForRecord(record));
    }

    /// <summary>
    /// Queues a signed checkpoint (hook it to <c>AuditLogWriter.CheckpointWritten</c>): the SIEM copy is the external
    /// witness against truncation of the log (docs/audit-log.md).
    /// </summary>
    public bool TryEnqueue(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Enqueue(SiemEvent.ForCheckpoint(checkpoint, _time.GetUtcNow()));
    }

    /// <summary>Events waiting across all sinks (for <c>GatewayMetrics.SetQueueDepthSource</c>).</summary>
    public long QueueDepth => _sinks.Sum(s => s.QueueDepth);

    /// <summary>Counters per sink, in the order the sinks were given.</summary>
    public IReadOnlyList<SinkStatus> Status() => [.. _sinks.Select(s => s.Status())];

    /// <summary>
    /// Stops accepting, keeps delivering for <see cref="SiemForwarderLimits.ShutdownTimeout"/>, then writes whatever
    /// is left to the spill files, which the next start resumes from.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await Task.WhenAll(_sinks.Select(s => s.StopAsync())).ConfigureAwait(false);
    }

    private bool Enqueue(SiemEvent e)
    {
        bool all = true;
        foreach (SinkWorker sink in _sinks)
        {
            all &= sink.TryEnqueue(e);
        }
        return all;
    }
}

/// <summary>One sink: queue, spill file, sender loop and counters.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "StopAsync, the only way out, disposes the token source.")]
internal sealed class SinkWorker
{
    private readonly SiemSinkSpec _spec;
    private readonly SiemForwarderLimits _limits;
    private readonly TimeProvider _time;
    private readonly Channel<SiemEvent> _channel;
    private readonly SiemSpillFile _spill;
    private readonly SiemTransport _transport;
    private readonly CancellationTokenSource _stop = new();

    // _gate orders producers against the sender's switch out of spill mode: while the spill file holds events, new
    // events go behind them in the file (not into the channel), so replay keeps the order they were enqueued in.
    private readonly Lock _gate = new();
    private bool _spillMode;
    private bool _closed;
    private long _spilled;
    private long _dropped;
    private long _unreportedDrops;
    private long? _dropFirstSeq;
    private long? _dropLastSeq;
    private DateTimeOffset _dropFrom;
    private DateTimeOffset _dropTo;
    private string _dropReason = "";

    private long _sendErrors;
    private long _sent;
    private string? _lastError;
    private DateTimeOffset? _lastErrorTime;
    private DateTimeOffset? _lastSuccessTime;

    // Owned by the sender loop (and by StopAsync once the loop has ended).
    private List<SiemEvent>? _pending;
    private long _pendingSpillEnd = -1;
    private int _pendingCount;
    private int _pendingCorrupt;
    private Task _run = Task.CompletedTask;

    public SinkWorker(SiemSinkSpec spec, string spillDirectory, SiemForwarderLimits limits, TimeProvider time)
    {
        _spec = spec;
        _limits = limits;
        _time = time;
        _channel = Channel.CreateBounded<SiemEvent>(new BoundedChannelOptions(limits.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // only TryWrite is used: "full" means spill, never wait.
        });
        _spill = SiemSpillFile.Open(spillDirectory, spec.Id, limits.MaxSpillBytes);
        try
        {
            _transport = SiemTransport.Create(spec, limits, time);
        }
        catch
        {
            _spill.Dispose();
            throw;
        }
        // Events left by the previous run come first.
        _spillMode = _spill.HasUnread;
    }

    public long QueueDepth
    {
        get
        {
            lock (_gate)
            {
                return _channel.Reader.Count + _spill.PendingEvents + Volatile.Read(ref _pendingCount);
            }
        }
    }

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Constructor of another sink failed: release files without delivering.</summary>
    public void Abandon()
    {
        _spill.Dispose();
        _transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public bool TryEnqueue(SiemEvent e)
    {
        lock (_gate)
        {
            if (_closed)
            {
                CountDrop(e, 1, "forwarder stopped");
                return false;
            }
            if (!_spillMode && _channel.Writer.TryWrite(e))
            {
                return true;
            }
            _spillMode = true;
            try
            {
                if (_spill.TryAppend(e.ToSpillLine()))
                {
                    _spilled++;
                    return true;
                }
                CountDrop(e, 1, "spill file full");
            }
            catch (IOException ex)
            {
                CountDrop(e, 1, "spill file not writable: " + ex.Message);
            }
            return false;
        }
    }

    public SinkStatus Status()
    {
        lock (_gate)
        {
            return new SinkStatus(_spec.DisplayName, _spec.Id,
                _channel.Reader.Count + _spill.PendingEvents + Volatile.Read(ref _pendingCount),
                _spilled, _dropped, _sendErrors, _sent, _spill.Length, _lastError, _lastErrorTime, _lastSuccessTime);
        }
    }

    public async Task StopAsync()
    {
        lock (_gate)
        {
            _closed = true;
        }
        _channel.Writer.TryComplete();
        _stop.CancelAfter(_limits.ShutdownTimeout);
        try
        {
            // The loop honours _stop; the margin covers a transport that is slow to notice.
            await _run.WaitAsync(_limits.ShutdownTimeout + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        await _transport.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            var front = new List<byte[]>();
            if (_unreportedDrops > 0)
            {
                front.Add(TakeDropNotice().ToSpillLine());
            }
            // An in-flight batch read from the spill file is still in it (uncommitted); one from memory is not.
            if (_pending is not null && _pendingSpillEnd < 0)
            {
                front.AddRange(_pending.Select(e => e.ToSpillLine()));
            }
            while (_channel.Reader.TryRead(out SiemEvent? e))
            {
                front.Add(e.ToSpillLine());
            }
            try
            {
                _spill.Close(front);
            }
            catch (IOException ex)
            {
                _lastError = "could not save undelivered events at shutdown: " + ex.Message;
            }
            _spill.Dispose();
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        TimeSpan backoff = _limits.InitialBackoff;
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            if (_pending is null && !TakeBatch())
            {
                try
                {
                    if (!await _channel.Reader.WaitToReadAsync(stop).ConfigureAwait(false) && !SpillHasUnread())
                    {
                        break; // stopped and everything delivered
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            try
            {
                await DeliverAsync(_pending!, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure of a receiver is retried; the loop must outlive it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                lock (_gate)
                {
                    _sendErrors++;
                    _lastError = Describe(ex);
                    _lastErrorTime = _time.GetUtcNow();
                }
                try
                {
                    await Task.Delay(Jitter(backoff), _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(_limits.MaxBackoff.Ticks, backoff.Ticks * 2));
                continue;
            }
            backoff = _limits.InitialBackoff;
            Delivered();
        }
    }

    private bool SpillHasUnread()
    {
        lock (_gate)
        {
            return _spillMode && _spill.HasUnread;
        }
    }

    /// <summary>Next batch: what is in memory (older), then the spill file; false when both are empty.</summary>
    private bool TakeBatch()
    {
        var batch = new List<SiemEvent>();
        while (batch.Count < _limits.MaxBatchEvents && _channel.Reader.TryRead(out SiemEvent? e))
        {
            batch.Add(e);
        }
        if (batch.Count > 0)
        {
            SetPending(batch, -1);
            return true;
        }
        while (true)
        {
            long from;
            long to;
            lock (_gate)
            {
                if (!_spillMode)
                {
                    return false;
                }
                if (!_spill.HasUnread)
                {
                    // Caught up: in spill mode nothing enters the channel, so everything is delivered. Back to memory.
                    try
                    {
                        _spill.Reset();
                        _spillMode = false;
                    }
                    catch (IOException ex)
                    {
                        _lastError = "could not empty the spill file: " + ex.Message;
                    }
                    return false;
                }
                from = _spill.ReadPosition;
                to = _spill.Length;
            }
            (List<SiemEvent> events, long end, int corrupt) = _spill.Read(from, to, _limits.MaxBatchEvents, _limits.MaxBatchBytes);
            if (corrupt > 0)
            {
                lock (_gate)
                {
                    CountDrop(null, corrupt, "unreadable line in the spill file");
                }
            }
            if (events.Count > 0)
            {
                SetPending(events, end);
                _pendingCorrupt = corrupt;
                return true;
            }
            lock (_gate)
            {
                _spill.Commit(end, corrupt);
            }
        }
    }

    private void SetPending(List<SiemEvent> batch, long spillEnd)
    {
        _pending = batch;
        _pendingSpillEnd = spillEnd;
        _pendingCorrupt = 0;
        Volatile.Write(ref _pendingCount, spillEnd < 0 ? batch.Count : 0);
    }

    /// <summary>Sends the batch; a batch the receiver refuses is resent one event at a time so only the bad ones are dropped.</summary>
    private async Task DeliverAsync(List<SiemEvent> batch, CancellationToken stop)
    {
        try
        {
            await SendOnceAsync(batch, stop).ConfigureAwait(false);
            return;
        }
        catch (SiemRejectedException ex) when (batch.Count == 1)
        {
            RejectOne(batch[0], ex);
            return;
        }
        catch (SiemRejectedException)
        {
        }
        foreach (SiemEvent e in batch)
        {
            try
            {
                await SendOnceAsync([e], stop).ConfigureAwait(false);
            }
            catch (SiemRejectedException ex)
            {
                RejectOne(e, ex);
            }
        }
    }

    private void RejectOne(SiemEvent e, SiemRejectedException ex)
    {
        lock (_gate)
        {
            _lastError = "receiver rejected an event: " + ex.Message;
            _lastErrorTime = _time.GetUtcNow();
            CountDrop(e, 1, "rejected by the receiver: " + ex.Message);
        }
    }

    private async Task SendOnceAsync(IReadOnlyList<SiemEvent> batch, CancellationToken stop)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
        attempt.CancelAfter(_limits.SendTimeout);
        try
        {
            await _transport.SendAsync(batch, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!stop.IsCancellationRequested)
        {
            throw new SiemSendException($"no answer within {_limits.SendTimeout.TotalSeconds:0.#} s", ex);
        }
    }

    private void Delivered()
    {
        List<SiemEvent> batch = _pending!;
        long spillEnd = _pendingSpillEnd;
        lock (_gate)
        {
            if (spillEnd >= 0)
            {
                try
                {
                    _spill.Commit(spillEnd, batch.Count + _pendingCorrupt);
                }
                catch (IOException ex)
                {
                    // The position is kept in memory; only a crash now would replay (duplicates, not loss).
                    _lastError = "could not save the spill position: " + ex.Message;
                }
            }
            _sent += batch.Count;
            _lastSuccessTime = _time.GetUtcNow();
            _pending = null;
            Volatile.Write(ref _pendingCount, 0);
            // The receiver is back: tell it what it missed, before anything else.
            if (_unreportedDrops > 0)
            {
                SetPending([TakeDropNotice()], -1);
            }
        }
    }

    /// <summary>Counts a lost event (caller holds <see cref="_gate"/>).</summary>
    private void CountDrop(SiemEvent? e, long count, string reason)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (_unreportedDrops == 0)
        {
            _dropFrom = now;
            _dropFirstSeq = null;
            _dropLastSeq = null;
        }
        _dropped += count;
        _unreportedDrops += count;
        _dropTo = now;
        _dropReason = reason;
        if (e?.Kind == SiemEventKind.Record)
        {
            long seq = e.Record!.Seq;
            _dropFirstSeq = _dropFirstSeq is long first ? Math.Min(first, seq) : seq;
            _dropLastSeq = _dropLastSeq is long last ? Math.Max(last, seq) : seq;
        }
    }

    /// <summary>Turns the unreported drops into an event and resets them (caller holds <see cref="_gate"/>).</summary>
    private SiemEvent TakeDropNotice()
    {
        var notice = new SiemDropNotice(_spec.DisplayName, _unreportedDrops, _dropFirstSeq, _dropLastSeq, _dropFrom, _dropTo, _dropReason);
        _unreportedDrops = 0;
        _dropFirstSeq = null;
        _dropLastSeq = null;
        return SiemEvent.ForDrop(notice);
    }

    /// <summary>"Equal jitter": half the delay fixed, half random, so that many gateways do not retry in step.</summary>
    private static TimeSpan Jitter(TimeSpan backoff)
    {
        long half = backoff.Ticks / 2;
#pragma warning disable CA5394 // Retry jitter, not security.
        return TimeSpan.FromTicks(half + (long)(Random.Shared.NextDouble() * half));
#pragma warning restore CA5394
    }

    private static string Describe(Exception ex)
    {
        string message = ex.Message;
        if (ex.InnerException is Exception inner && !string.IsNullOrEmpty(inner.Message) && !message.Contains(inner.Message, StringComparison.Ordinal))
        {
            message += " (" + inner.Message + ")";
        }
        return message.Length <= 300 ? message : message[..300] + "…";
    }
}
