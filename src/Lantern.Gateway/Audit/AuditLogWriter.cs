using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace Lantern.Gateway.Audit;

/// <summary>When appended records reach stable storage (docs/audit-log.md, "Durability").</summary>
public enum AuditFsyncPolicy
{
    /// <summary>fsync before <see cref="AuditLogWriter.AppendAsync"/> completes; concurrent appends share one fsync.</summary>
    Always,

    /// <summary>Written to the OS before the append completes, fsync at most every <see cref="AuditLogOptions.FsyncInterval"/>.</summary>
    Interval,

    /// <summary>Written to the OS before the append completes; fsync only at rotation, checkpoints and close.</summary>
    None,
}

/// <summary>Settings of an <see cref="AuditLogWriter"/>.</summary>
public sealed record AuditLogOptions
{
    public required string Directory { get; init; }
    public required AuditSigningKey SigningKey { get; init; }

    /// <summary>Checkpoint origin line: names this log (C2SP tlog-checkpoint: a schema-less URL is customary).</summary>
    public string Origin { get; init; } = "lantern.audit/" + Environment.MachineName.ToLowerInvariant();
    public AuditFsyncPolicy FsyncPolicy { get; init; } = AuditFsyncPolicy.Always;
    public TimeSpan FsyncInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A segment is closed once it holds this many bytes…</summary>
    public long MaxSegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>…or this many records.</summary>
    public long MaxSegmentRecords { get; init; } = 100_000;

    /// <summary>A checkpoint is written after this many new records…</summary>
    public long CheckpointEveryRecords { get; init; } = 1000;

    /// <summary>…or this long after the last one if records were added since; and always on close.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest canonical record accepted; the verifier's default line limit is the same.</summary>
    public int MaxRecordBytes { get; init; } = AuditLogVerifier.DefaultMaxLineBytes;

    /// <summary>Most records written (and fsynced) together in one group commit.</summary>
    public int MaxBatchRecords { get; init; } = 4096;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>The record as written, with its sequence number, chain link and hash.</summary>
public sealed record AuditAppendResult(AuditRecord Record, string RecordHash);

/// <summary>What the writer found and repaired when it opened the directory.</summary>
public sealed record AuditRecoveryInfo(string Segment, long TruncatedAtOffset, int TornBytes, string SavedAs);

/// <summary>The audit log failed; the gateway fails closed on it.</summary>
public sealed class AuditLogException : IOException
{
    public AuditLogException()
    {
    }

    public AuditLogException(string message)
        : base(message)
    {
    }

    public AuditLogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Appends audit records to hash-chained, RFC 8785-canonical JSONL segments in one directory, keeps an RFC 6962 tree
/// over them and writes Ed25519-signed checkpoints to <c>checkpoints.log</c> (docs/audit-log.md). One writer per
/// directory (an exclusive lock file); appends from any number of threads go through one queue to one writer loop,
/// which writes each batch with one write and one fsync (group commit).
/// </summary>
/// <remarks>
/// Any write error faults the writer: the failing appends and every later append throw
/// <see cref="AuditLogException"/>, because after a partial write the chain state is no longer known. Reopen the
/// directory to recover (the torn tail is truncated away, see <see cref="Recovery"/>).
/// </remarks>
public sealed class AuditLogWriter : IAsyncDisposable, IDisposable
{
    private readonly AuditLogOptions _options;
    private readonly Channel<Pending> _queue;
    private readonly Task _loop;
    private readonly MerkleTree _tree;
    private readonly FileStream _lock;
    private readonly FileStream _checkpoints;
    private FileStream _segment;
    private long _segmentBytes;
    private long _segmentRecords;
    private long _seq;
    private byte[] _prevHash;
    private long _lastCheckpointSize;
    private DateTimeOffset _lastCheckpointTime;
    private DateTimeOffset _lastFsync;
    private bool _unsynced;
    private volatile Exception? _fault;
    private int _disposed;

    /// <summary>Guards the chain, tree, segment and checkpoint state: held by inline appends and by the writer loop.</summary>
    private readonly Lock _gate = new();

    /// <summary>Inline appends (fsync interval/none) reuse one buffer under <see cref="_gate"/>.</summary>
    private readonly MemoryStream _inlineBuffer = new();

    /// <summary>One record's canonical bytes, reused under <see cref="_gate"/>.</summary>
    private readonly System.Buffers.ArrayBufferWriter<byte> _line = new(2048);

    /// <summary>Segments closed by rotation while an fsync outside the gate still uses them; disposed once it ends.</summary>
    private readonly List<FileStream> _retired = [];
    private int _syncsInFlight;

    private AuditLogWriter(AuditLogOptions options, ResumeState state, FileStream lockFile)
    {
        _options = options;
        _lock = lockFile;
        _tree = state.Tree;
        _seq = state.Seq;
        _prevHash = state.PrevHash;
        _lastCheckpointSize = state.Checkpoint?.TreeSize ?? 0;
        _lastCheckpointTime = options.TimeProvider.GetUtcNow();
        _lastFsync = _lastCheckpointTime;
        Recovery = state.Recovery;
        _segment = state.Segment;
        _segmentBytes = state.SegmentBytes;
        _segmentRecords = state.SegmentRecords;
        _checkpoints = state.Checkpoints;
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Raised on the writer loop after each checkpoint is durable; ship it to the SIEM. Handlers must not block.</summary>
    public event EventHandler<AuditCheckpoint>? CheckpointWritten;

    /// <summary>Set when opening repaired a torn last line left by a crash.</summary>
    public AuditRecoveryInfo? Recovery { get; }

    /// <summary>Sequence number of the last record written.</summary>
    public long LastSeq => Interlocked.Read(ref _seq);

    /// <summary>Opens (creating if needed) the log directory and resumes its chain, tree and checkpoint state.</summary>
    /// <exception cref="AuditLogException">Another writer holds the directory, or the directory is inconsistent.</exception>
    public static AuditLogWriter Open(AuditLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AuditCheckpoint.CheckOrigin(options.Origin);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSegmentRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSegmentBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CheckpointEveryRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchRecords, 1);
        System.IO.Directory.CreateDirectory(options.Directory);
        FileStream lockFile;
        try
        {
            // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows: one writer per directory.
            lockFile = new FileStream(Path.Combine(options.Directory, AuditLogLayout.LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new AuditLogException($"audit directory {options.Directory} is in use by another writer", ex);
        }
        try
        {
            ResumeState state = Resume(options);
            var writer = new AuditLogWriter(options, state, lockFile);
            if (state.Checkpoint is null)
            {
                // A new log starts with a signed size-0 head, so a deleted checkpoints.log is always detectable.
                writer.CheckpointAsync().GetAwaiter().GetResult();
            }
            return writer;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends a record (its <see cref="AuditRecord.Seq"/> and <see cref="AuditRecord.Prev"/> are assigned here) and
    /// completes once it is written as the fsync policy promises.
    /// </summary>
    /// <exception cref="ArgumentException">The record cannot be canonicalised or is too large (the log is unharmed).</exception>
    /// <exception cref="AuditLogException">The log could not be written; fail closed.</exception>
    public Task<AuditAppendResult> AppendAsync(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_fault is Exception fault)
        {
            return Task.FromException<AuditAppendResult>(new AuditLogException("audit log is faulted: " + fault.Message, fault));
        }
        if (_options.FsyncPolicy != AuditFsyncPolicy.Always)
        {
            try
            {
                return Task.FromResult(AppendInline(record));
            }
            catch (Exception ex) when (ex is ArgumentException or AuditLogException or ObjectDisposedException)
            {
                return Task.FromException<AuditAppendResult>(ex);
            }
        }
        var pending = new Pending(record, new TaskCompletionSource<AuditAppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        Enqueue(pending);
        return pending.Completion.Task;
    }

    /// <summary>
    /// fsync interval/none: the record only has to reach the OS before the call goes on, so the caller's thread writes
    /// it (one write under the gate) instead of handing it to the writer loop and waiting for a wake-up both ways. The
    /// loop keeps the timers: interval fsyncs (outside the gate) and checkpoints.
    /// </summary>
    private AuditAppendResult AppendInline(AuditRecord record)
    {
        bool checkpointDue;
        AuditAppendResult result;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_fault is Exception fault)
            {
                throw new AuditLogException("audit log is faulted: " + fault.Message, fault);
            }
            try
            {
                result = WriteRecord(record, _inlineBuffer);
                FlushBuffer(_inlineBuffer);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ObjectDisposedException)
            {
                _fault = ex;
                _inlineBuffer.SetLength(0);
                throw new AuditLogException("audit log write failed: " + ex.Message, ex);
            }
            checkpointDue = _tree.Size - _lastCheckpointSize == _options.CheckpointEveryRecords;
        }
        if (checkpointDue)
        {
            // Signed by the loop, off this call's path; nobody waits for it.
            _queue.Writer.TryWrite(new Pending(null, new TaskCompletionSource<AuditAppendResult>(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        return result;
    }

    /// <summary>Writes a checkpoint now (after the records queued before it) and returns it.</summary>
    public async Task<AuditCheckpoint> CheckpointAsync()
    {
        var pending = new Pending(null, new TaskCompletionSource<AuditAppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        Enqueue(pending);
        await pending.Completion.Task.ConfigureAwait(false);
        return pending.Checkpoint!;
    }

    private void Enqueue(Pending pending)
    {
        if (_fault is Exception fault)
        {
            throw new AuditLogException("audit log is faulted: " + fault.Message, fault);
        }
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_options.MaxBatchRecords);
        var buffer = new MemoryStream();
        ChannelReader<Pending> reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryPeek(out _))
            {
                TimeSpan wait;
                lock (_gate)
                {
                    wait = NextTimerDue();
                }
                using var timeout = wait == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(wait, _options.TimeProvider);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    // Timer: periodic fsync or checkpoint with no new records arriving.
                }
            }
            batch.Clear();
            while (batch.Count < _options.MaxBatchRecords && reader.TryRead(out Pending? item))
            {
                batch.Add(item);
            }
            if (_fault is not null)
            {
                FailAll(batch, _fault);
                continue;
            }
            try
            {
                if (_options.FsyncPolicy == AuditFsyncPolicy.Always)
                {
                    lock (_gate)
                    {
                        WriteBatch(batch, buffer);
                    }
                }
                else
                {
                    // Inline appends never queue records here, only checkpoint requests; they are signed and made
                    // durable outside the gate so that appends go on meanwhile.
                    foreach (Pending pending in batch)
                    {
                        if (pending.Record is not null)
                        {
                            // Not queued by this writer today; written in order rather than ever dropped.
                            lock (_gate)
                            {
                                WriteBatch([pending], buffer);
                            }
                            continue;
                        }
                        pending.Checkpoint = CheckpointOutsideGate();
                        pending.Completion.TrySetResult(null!);
                    }
                }
                OnTimers();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ObjectDisposedException)
            {
                _fault = ex;
                FailAll(batch, ex);
            }
        }
    }

    private void WriteBatch(List<Pending> batch, MemoryStream buffer)
    {
        if (batch.Count == 0)
        {
            return;
        }
        buffer.SetLength(0);
        var completed = new List<(Pending, AuditAppendResult)>(batch.Count);
        foreach (Pending pending in batch)
        {
            if (pending.Record is null)
            {
                // Checkpoint request: everything before it must be in the file first.
                FlushBuffer(buffer);
                pending.Checkpoint = WriteCheckpoint();
                completed.Add((pending, null!));
                continue;
            }
            AuditAppendResult appended;
            try
            {
                appended = WriteRecord(pending.Record, buffer);
            }
            catch (ArgumentException ex)
            {
                pending.Completion.TrySetException(ex);
                continue;
            }
            completed.Add((pending, appended));
        }
        FlushBuffer(buffer);
        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        if (_unsynced && (_options.FsyncPolicy == AuditFsyncPolicy.Always
            || (_options.FsyncPolicy == AuditFsyncPolicy.Interval && now - _lastFsync >= _options.FsyncInterval)))
        {
            SyncSegment(now);
        }
        if (_tree.Size - _lastCheckpointSize >= _options.CheckpointEveryRecords)
        {
            WriteCheckpoint();
        }
        foreach ((Pending pending, AuditAppendResult result) in completed)
        {
            pending.Completion.TrySetResult(result);
        }
    }

    /// <summary>
    /// Chains <paramref name="pending"/> to the log: assigns seq and prev, appends its canonical line to
    /// <paramref name="buffer"/> (rotating first when the segment is full) and adds it to the tree. Caller holds the gate.
    /// </summary>
    /// <exception cref="ArgumentException">The record cannot be canonicalised or is too large; the log is unchanged.</exception>
    private AuditAppendResult WriteRecord(AuditRecord pending, MemoryStream buffer)
    {
        AuditRecord record = pending with { Seq = _seq + 1, Prev = Convert.ToHexStringLower(_prevHash) };
        _line.ResetWrittenCount();
        try
        {
            record.WriteCanonicalJson(_line);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            throw new ArgumentException("audit record cannot be canonicalised: " + ex.Message, ex);
        }
        ReadOnlySpan<byte> line = _line.WrittenSpan;
        int length = line.Length;
        if (length > _options.MaxRecordBytes)
        {
            throw new ArgumentException($"audit record is {length} bytes, above the {_options.MaxRecordBytes}-byte limit");
        }
        if (_segmentRecords >= _options.MaxSegmentRecords || (_segmentRecords > 0 && _segmentBytes + length + 1 > _options.MaxSegmentBytes))
        {
            FlushBuffer(buffer);
            Rotate(record.Seq);
        }
        byte[] hash = SHA256.HashData(line);
        buffer.Write(line);
        buffer.WriteByte((byte)'\n');
        _segmentBytes += length + 1;
        _segmentRecords++;
        _tree.AppendLeafHash(MerkleTree.HashLeaf(hash));
        _prevHash = hash;
        Interlocked.Exchange(ref _seq, record.Seq);
        return new AuditAppendResult(record, Convert.ToHexStringLower(hash));
    }

    private void FlushBuffer(MemoryStream buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }
        // One write per batch straight to the OS (the FileStream is unbuffered): survives a kill -9 once it returns.
        _segment.Write(buffer.GetBuffer(), 0, checked((int)buffer.Length));
        buffer.SetLength(0);
        _unsynced = true;
    }

    private void SyncSegment(DateTimeOffset now)
    {
        _segment.Flush(flushToDisk: true);
        _unsynced = false;
        _lastFsync = now;
    }

    private TimeSpan NextTimerDue()
    {
        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        // Nothing new since the last checkpoint and nothing to fsync: sleep until the next append wakes the loop.
        TimeSpan due = _tree.Size > _lastCheckpointSize ? _options.CheckpointInterval - (now - _lastCheckpointTime) : Timeout.InfiniteTimeSpan;
        if (_unsynced && _options.FsyncPolicy == AuditFsyncPolicy.Interval)
        {
            TimeSpan fsyncDue = _options.FsyncInterval - (now - _lastFsync);
            due = due == Timeout.InfiniteTimeSpan || fsyncDue < due ? fsyncDue : due;
        }
        if (_options.FsyncPolicy != AuditFsyncPolicy.Always)
        {
            // Inline appends do not wake the loop: it looks in at least this often for due fsyncs and checkpoints.
            TimeSpan cap = _options.FsyncPolicy == AuditFsyncPolicy.Interval ? _options.FsyncInterval : TimeSpan.FromSeconds(1);
            due = due == Timeout.InfiniteTimeSpan || due > cap ? cap : due;
        }
        if (due == Timeout.InfiniteTimeSpan)
        {
            return due;
        }
        return due < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : due;
    }

    private void OnTimers()
    {
        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        FileStream? syncTarget = null;
        lock (_gate)
        {
            if (_unsynced && _options.FsyncPolicy == AuditFsyncPolicy.Interval && now - _lastFsync >= _options.FsyncInterval)
            {
                syncTarget = _segment;
                _syncsInFlight++;
                _unsynced = false;
                _lastFsync = now;
            }
        }
        if (syncTarget is not null)
        {
            // The periodic fsync runs outside the gate so that appends never wait on the disk under fsync interval; a
            // rotation meanwhile retires the segment instead of closing it under this fsync.
            try
            {
                syncTarget.Flush(flushToDisk: true);
            }
            finally
            {
                ReleaseSync();
            }
        }
        bool due;
        lock (_gate)
        {
            due = _tree.Size > _lastCheckpointSize && now - _lastCheckpointTime >= _options.CheckpointInterval;
        }
        if (due)
        {
            if (_options.FsyncPolicy == AuditFsyncPolicy.Always)
            {
                lock (_gate)
                {
                    WriteCheckpoint();
                }
            }
            else
            {
                CheckpointOutsideGate();
            }
        }
    }

    private void ReleaseSync()
    {
        lock (_gate)
        {
            if (--_syncsInFlight == 0)
            {
                _retired.ForEach(static segment => segment.Dispose());
                _retired.Clear();
            }
        }
    }

    /// <summary>
    /// The writer loop's checkpoint under fsync interval/none: the tree head is taken under the gate, then the
    /// segment fsync (which covers every record of that head: all were written before it was taken, and rotation
    /// fsyncs a segment before closing it), the signature and the checkpoint append happen outside it, so inline
    /// appends are not held up by two fsyncs and a signature. Only the loop writes checkpoints, so they stay in
    /// order of size.
    /// </summary>
    private AuditCheckpoint CheckpointOutsideGate()
    {
        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        FileStream segment;
        long size;
        byte[] root;
        lock (_gate)
        {
            if (_fault is Exception fault)
            {
                throw new AuditLogException("audit log is faulted: " + fault.Message, fault);
            }
            size = _tree.Size;
            root = _tree.Root();
            segment = _segment;
            _syncsInFlight++;
            _lastCheckpointSize = size;
            _lastCheckpointTime = now;
        }
        try
        {
            segment.Flush(flushToDisk: true);
        }
        finally
        {
            ReleaseSync();
        }
        return AppendCheckpoint(AuditCheckpoint.Create(_options.Origin, size, root, _options.SigningKey));
    }

    private void Rotate(long firstSeq)
    {
        // A closed segment is always durable, whatever the policy: later segments must not outlive it.
        _segment.Flush(flushToDisk: true);
        if (_syncsInFlight > 0)
        {
            _retired.Add(_segment);
        }
        else
        {
            _segment.Dispose();
        }
        _segment = OpenSegment(_options.Directory, firstSeq, FileMode.CreateNew);
        DirectorySync.Fsync(_options.Directory);
        _segmentBytes = 0;
        _segmentRecords = 0;
        _unsynced = false;
    }

    private AuditCheckpoint WriteCheckpoint()
    {
        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        // The records a checkpoint covers reach the disk before the checkpoint does (crash ⇒ never a dangling head).
        SyncSegment(now);
        AuditCheckpoint checkpoint = AuditCheckpoint.Create(_options.Origin, _tree.Size, _tree.Root(), _options.SigningKey);
        _lastCheckpointSize = _tree.Size;
        _lastCheckpointTime = now;
        return AppendCheckpoint(checkpoint);
    }

    /// <summary>Appends a signed checkpoint to <c>checkpoints.log</c>, fsyncs it and tells the subscribers.</summary>
    private AuditCheckpoint AppendCheckpoint(AuditCheckpoint checkpoint)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(checkpoint.Text + "\n");
        _checkpoints.Write(bytes);
        _checkpoints.Flush(flushToDisk: true);
        try
        {
            CheckpointWritten?.Invoke(this, checkpoint);
        }
#pragma warning disable CA1031 // A subscriber's failure (e.g. a SIEM queue) must not fault the audit log itself.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        return checkpoint;
    }

    private static void FailAll(List<Pending> batch, Exception cause)
    {
        foreach (Pending pending in batch)
        {
            pending.Completion.TrySetException(new AuditLogException("audit log write failed: " + cause.Message, cause));
        }
    }

    /// <summary>Drains the queue, writes a final checkpoint and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        lock (_gate)
        {
            try
            {
                if (_fault is null && (_tree.Size > _lastCheckpointSize || _checkpoints.Length == 0))
                {
                    WriteCheckpoint();
                }
            }
            finally
            {
                _segment.Dispose();
                _retired.ForEach(static segment => segment.Dispose());
                _checkpoints.Dispose();
                _lock.Dispose();
            }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static FileStream OpenSegment(string directory, long firstSeq, FileMode mode)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 0,
        };
        var stream = new FileStream(Path.Combine(directory, AuditLogLayout.SegmentName(firstSeq)), options);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }

    private static ResumeState Resume(AuditLogOptions options)
    {
        string directory = options.Directory;
        var tree = new MerkleTree();
        byte[] prevHash = new byte[32];
        long count = 0;
        AuditRecoveryInfo? recovery = null;

        // Checkpoints first: the last one tells which tree size's root the records must reproduce.
        string checkpointPath = Path.Combine(directory, AuditLogLayout.CheckpointsFile);
        AuditCheckpoint? last = null;
        long checkpointEnd = 0;
        if (File.Exists(checkpointPath))
        {
            using var reader = new CheckpointLogReader(checkpointPath);
            while (reader.ReadNote())
            {
                if (reader.Torn)
                {
                    break;
                }
                if (reader.Note is null)
                {
                    throw new AuditLogException($"{checkpointPath} line {reader.StartLine}: {reader.Error}; run 'lantern audit verify'");
                }
                CheckpointOpenResult parsed = AuditCheckpoint.ParseUnverified(reader.Note);
                last = parsed.Checkpoint ?? throw new AuditLogException($"{checkpointPath} line {reader.StartLine}: {parsed.Error}");
                checkpointEnd = reader.EndOffset;
            }
        }
        var checkpoints = new FileStream(checkpointPath, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 });
        try
        {
            if (checkpoints.Length > checkpointEnd)
            {
                // A checkpoint cut short by a crash: it was never durable, so it was never shipped either.
                SaveTorn(directory, checkpointPath, checkpointEnd, checkpoints.Length);
                checkpoints.SetLength(checkpointEnd);
                checkpoints.Flush(flushToDisk: true);
            }
            checkpoints.Seek(0, SeekOrigin.End);

            List<(long FirstSeq, string Path)> segments = AuditLogLayout.ListSegments(directory);
            byte[]? lastLine = null;
            byte[]? rootAtCheckpoint = last is { TreeSize: 0 } ? MerkleTree.EmptyRoot() : null;
            for (int s = 0; s < segments.Count; s++)
            {
                (long firstSeq, string path) = segments[s];
                if (firstSeq != count + 1)
                {
                    throw new AuditLogException($"{path} should start at seq {count + 1}; the log is inconsistent, run 'lantern audit verify'");
                }
                using var lines = new SegmentLineReader(path, options.MaxRecordBytes);
                while (lines.ReadLine())
                {
                    if (lines.Kind == LineKind.Torn && s == segments.Count - 1)
                    {
                        int torn = checked((int)(lines.EndOffset - lines.LineOffset));
                        string saved = SaveTorn(directory, path, lines.LineOffset, lines.EndOffset);
                        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read))
                        {
                            truncate.SetLength(lines.LineOffset);
                            truncate.Flush(flushToDisk: true);
                        }
                        recovery = new AuditRecoveryInfo(Path.GetFileName(path), lines.LineOffset, torn, saved);
                        AppendRecoveryNote(directory, recovery, options.TimeProvider.GetUtcNow());
                        break;
                    }
                    if (lines.Kind != LineKind.Complete)
                    {
                        throw new AuditLogException($"{path} line {lines.LineNumber} is not a complete record; run 'lantern audit verify'");
                    }
                    prevHash = SHA256.HashData(lines.Line);
                    tree.AppendLeafHash(MerkleTree.HashLeaf(prevHash));
                    count++;
                    if (last is not null && count == last.TreeSize)
                    {
                        rootAtCheckpoint = tree.Root();
                    }
                    if (s == segments.Count - 1)
                    {
                        lastLine = lines.Line.ToArray();
                    }
                }
            }
            if (last is null && count > 0)
            {
                throw new AuditLogException($"{count} records but no checkpoint ({AuditLogLayout.CheckpointsFile} was removed); run 'lantern audit verify'");
            }
            if (lastLine is not null && ParseSeq(lastLine) != count)
            {
                throw new AuditLogException($"the last record's seq is not {count}; the log is inconsistent, run 'lantern audit verify'");
            }
            if (last is not null && (rootAtCheckpoint is null || !CryptographicOperations.FixedTimeEquals(rootAtCheckpoint, last.RootHash)))
            {
                throw new AuditLogException($"the records do not match the last checkpoint (size {last.TreeSize}); run 'lantern audit verify'");
            }

            FileStream segment;
            long segmentBytes = 0;
            long segmentRecords = 0;
            if (segments.Count == 0)
            {
                segment = OpenSegment(directory, 1, FileMode.CreateNew);
                DirectorySync.Fsync(directory);
            }
            else
            {
                (long firstSeq, _) = segments[^1];
                segment = OpenSegment(directory, firstSeq, FileMode.Open);
                segmentBytes = segment.Length;
                segmentRecords = count - firstSeq + 1;
            }
            return new ResumeState(tree, count, prevHash, last, recovery, segment, segmentBytes, segmentRecords, checkpoints);
        }
        catch
        {
            checkpoints.Dispose();
            throw;
        }
    }

    private static long ParseSeq(byte[] line)
    {
        try
        {
            return AuditRecord.Parse(line).Seq;
        }
        catch (InvalidDataException ex)
        {
            throw new AuditLogException("the last record is not readable; run 'lantern audit verify'", ex);
        }
    }

    /// <summary>Keeps the torn bytes beside the log (evidence, not data) before truncating them away.</summary>
    private static string SaveTorn(string directory, string path, long from, long to)
    {
        string name = $"{Path.GetFileName(path)}.torn-{DateTime.UtcNow:yyyyMMddTHHmmssfffffffZ}";
        using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        source.Seek(from, SeekOrigin.Begin);
        byte[] bytes = new byte[checked((int)(to - from))];
        source.ReadExactly(bytes);
        File.WriteAllBytes(Path.Combine(directory, name), bytes);
        return name;
    }

    private static void AppendRecoveryNote(string directory, AuditRecoveryInfo info, DateTimeOffset now)
    {
        var note = new System.Text.Json.Nodes.JsonObject
        {
            ["event"] = "recovered",
            ["time"] = AuditRecord.FormatTime(now),
            ["segment"] = info.Segment,
            ["truncatedAt"] = info.TruncatedAtOffset,
            ["tornBytes"] = info.TornBytes,
            ["savedAs"] = info.SavedAs,
        };
        byte[] line = [.. JsonCanonicalizer.Canonicalize(note), (byte)'\n'];
        using var stream = new FileStream(Path.Combine(directory, AuditLogLayout.RecoveryFile), FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }

    private sealed class Pending(AuditRecord? record, TaskCompletionSource<AuditAppendResult> completion)
    {
        public AuditRecord? Record { get; } = record;
        public TaskCompletionSource<AuditAppendResult> Completion { get; } = completion;
        public AuditCheckpoint? Checkpoint { get; set; }
    }

    private sealed record ResumeState(
        MerkleTree Tree,
        long Seq,
        byte[] PrevHash,
        AuditCheckpoint? Checkpoint,
        AuditRecoveryInfo? Recovery,
        FileStream Segment,
        long SegmentBytes,
        long SegmentRecords,
        FileStream Checkpoints);
}

/// <summary>fsync of a directory, so a newly created segment's name is as durable as its contents (POSIX).</summary>
internal static partial class DirectorySync
{
    public static void Fsync(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            // NTFS journals the directory entry; Windows has no directory fsync to call.
            return;
        }
        byte[] path = Encoding.UTF8.GetBytes(Path.GetFullPath(directory) + "\0");
        int fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if (Sync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Sync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
