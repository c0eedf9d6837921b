using System.Globalization;

namespace Lantern.Gateway.Sinks;

/// <summary>
/// A sink's append-only overflow file (<c>&lt;sink id&gt;.spill</c>): one <see cref="SiemEvent"/> spill line per event,
/// a read position persisted beside it (<c>.pos</c>) after every delivered batch, and a lock file so that two gateways
/// cannot share it. Emptied when the sender catches up; rewritten at shutdown with the undelivered in-memory events in
/// front so the next start resumes in order. Not thread-safe: the forwarder serialises calls.
/// </summary>
internal sealed class SiemSpillFile : IDisposable
{
    private const int ReadBufferBytes = 64 * 1024;

    private readonly string _path;
    private readonly string _positionPath;
    private readonly long _maxBytes;
    private readonly FileStream _lock;
    private FileStream? _writer;
    private long _length;
    private long _readPosition;

    private SiemSpillFile(string path, long maxBytes, FileStream lockFile)
    {
        _path = path;
        _positionPath = path + ".pos";
        _maxBytes = maxBytes;
        _lock = lockFile;
    }

    /// <summary>Bytes in the file (all whole lines).</summary>
    public long Length => _length;

    public long ReadPosition => _readPosition;

    public bool HasUnread => _readPosition < _length;

    /// <summary>Events written and not yet delivered.</summary>
    public long PendingEvents { get; private set; }

    public string Path => _path;

    /// <summary>Opens or creates the spill file of a sink, repairing a torn last line left by a crash.</summary>
    /// <exception cref="IOException">Another process holds the spill file.</exception>
    public static SiemSpillFile Open(string directory, string sinkId, long maxBytes)
    {
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, sinkId + ".spill");
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"spill file {path} is in use by another process (two gateways with one spill directory?)", ex);
        }
        var spill = new SiemSpillFile(path, maxBytes, lockFile);
        try
        {
            spill.Load();
        }
        catch
        {
            spill.Dispose();
            throw;
        }
        return spill;
    }

    private void Load()
    {
        _writer = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        long length = _writer.Length;
        long end = LastNewlineEnd(_writer, length);
        if (end != length)
        {
            // A crash cut the last line: drop the fragment (its event was never acknowledged as spilled).
            _writer.SetLength(end);
            length = end;
        }
        _writer.Position = length;
        _length = length;
        long position = 0;
        if (File.Exists(_positionPath))
        {
            string text = File.ReadAllText(_positionPath).Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out position) || position > length)
            {
                position = 0; // unreadable or stale: replay from the start (duplicates, never loss).
            }
        }
        _readPosition = position;
        PendingEvents = CountLines(position, length);
    }

    /// <summary>Appends one line if it fits under the size cap; false when the cap is reached.</summary>
    public bool TryAppend(byte[] line)
    {
        long needed = checked(_length + line.Length + 1);
        if (needed > _maxBytes)
        {
            return false;
        }
        FileStream writer = _writer ?? throw new ObjectDisposedException(nameof(SiemSpillFile));
        writer.Write(line);
        writer.WriteByte((byte)'\n');
        writer.Flush(); // to the OS, so that the sender's reader sees it; fsync is not needed to survive a gateway crash.
        _length = needed;
        PendingEvents++;
        return true;
    }

    /// <summary>Reads whole lines from <paramref name="from"/> up to <paramref name="to"/>, stopping at the batch limits.</summary>
    public (List<SiemEvent> Events, long End, int Corrupt) Read(long from, long to, int maxEvents, long maxBytes)
    {
        var events = new List<SiemEvent>();
        int corrupt = 0;
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, ReadBufferBytes);
        stream.Position = from;
        var line = new MemoryStream();
        bool oversize = false;
        long position = from;
        long lineStart = from;
        while (position < to && events.Count < maxEvents && position - from < maxBytes)
        {
            int b = stream.ReadByte();
            if (b < 0)
            {
                break;
            }
            position++;
            if (b != '\n')
            {
                if (line.Length < SiemEvent.MaxSpillLineBytes)
                {
                    line.WriteByte((byte)b);
                }
                else
                {
                    oversize = true;
                }
                continue;
            }
            SiemEvent? e = oversize ? null : SiemEvent.FromSpillLine(line.GetBuffer().AsSpan(0, checked((int)line.Length)));
            if (e is null)
            {
                corrupt++;
            }
            else
            {
                events.Add(e);
            }
            line.SetLength(0);
            oversize = false;
            lineStart = position;
        }
        // Never end inside a line: the rest of it is read next time.
        return (events, lineStart, corrupt);
    }

    /// <summary>Marks lines up to <paramref name="end"/> delivered and persists the position.</summary>
    public void Commit(long end, int lines)
    {
        _readPosition = end;
        PendingEvents = Math.Max(0, PendingEvents - lines);
        WritePosition(end);
    }

    /// <summary>Empties the file once everything in it is delivered.</summary>
    public void Reset()
    {
        FileStream writer = _writer ?? throw new ObjectDisposedException(nameof(SiemSpillFile));
        writer.SetLength(0);
        writer.Position = 0;
        _length = 0;
        _readPosition = 0;
        PendingEvents = 0;
        WritePosition(0);
    }

    /// <summary>
    /// Shutdown: rewrites the file as <paramref name="front"/> (older, undelivered in-memory events) followed by the
    /// unread remainder, then closes it. Deletes the files when nothing is left.
    /// </summary>
    public void Close(IReadOnlyList<byte[]> front)
    {
        FileStream writer = _writer ?? throw new ObjectDisposedException(nameof(SiemSpillFile));
        if (front.Count == 0 && !HasUnread)
        {
            writer.Dispose();
            _writer = null;
            File.Delete(_path);
            File.Delete(_positionPath);
            return;
        }
        if (front.Count > 0 || _readPosition > 0)
        {
            string temporary = _path + ".tmp";
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, ReadBufferBytes))
            {
                foreach (byte[] line in front)
                {
                    output.Write(line);
                    output.WriteByte((byte)'\n');
                }
                writer.Position = _readPosition;
                byte[] buffer = new byte[ReadBufferBytes];
                long left = _length - _readPosition;
                while (left > 0)
                {
                    int read = writer.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0)
                    {
                        break;
                    }
                    output.Write(buffer, 0, read);
                    left -= read;
                }
                output.Flush(flushToDisk: true);
            }
            writer.Dispose();
            _writer = null;
            File.Move(temporary, _path, overwrite: true);
            WritePosition(0);
            return;
        }
        writer.Flush(flushToDisk: true);
        writer.Dispose();
        _writer = null;
    }

    private void WritePosition(long position)
    {
        string temporary = _positionPath + ".tmp";
        File.WriteAllText(temporary, position.ToString(CultureInfo.InvariantCulture));
        File.Move(temporary, _positionPath, overwrite: true);
    }

    private long CountLines(long from, long to)
    {
        if (to <= from)
        {
            return 0;
        }
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        stream.Position = from;
        byte[] buffer = new byte[ReadBufferBytes];
        long count = 0;
        long left = to - from;
        while (left > 0)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                break;
            }
            count += buffer.AsSpan(0, read).Count((byte)'\n');
            left -= read;
        }
        return count;
    }

    /// <summary>Offset just after the last newline (0 when there is none), scanning back in chunks.</summary>
    private static long LastNewlineEnd(FileStream stream, long length)
    {
        byte[] buffer = new byte[ReadBufferBytes];
        long end = length;
        while (end > 0)
        {
            int chunk = (int)Math.Min(buffer.Length, end);
            stream.Position = end - chunk;
            stream.ReadExactly(buffer, 0, chunk);
            int index = buffer.AsSpan(0, chunk).LastIndexOf((byte)'\n');
            if (index >= 0)
            {
                return end - chunk + index + 1;
            }
            end -= chunk;
        }
        return 0;
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _lock.Dispose();
    }
}
