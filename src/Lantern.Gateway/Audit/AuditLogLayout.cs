using System.Globalization;

namespace Lantern.Gateway.Audit;

/// <summary>File names of an audit directory (docs/audit-log.md, "File layout").</summary>
internal static class AuditLogLayout
{
    public const string CheckpointsFile = "checkpoints.log";
    public const string RecoveryFile = "recovery.log";
    public const string LockFile = "writer.lock";

    private const string SegmentPrefix = "audit-";
    private const string SegmentSuffix = ".jsonl";

    // Width of the first sequence number in a segment name: 20 digits hold any long and sort as text.
    private const int SeqDigits = 20;

    public static string SegmentName(long firstSeq) =>
        SegmentPrefix + firstSeq.ToString("D20", CultureInfo.InvariantCulture) + SegmentSuffix;

    /// <summary>Segments of <paramref name="directory"/> ordered by their first sequence number.</summary>
    public static List<(long FirstSeq, string Path)> ListSegments(string directory)
    {
        var segments = new List<(long, string)>();
        foreach (string path in Directory.EnumerateFiles(directory, SegmentPrefix + "*" + SegmentSuffix))
        {
            if (TryParseSegmentName(Path.GetFileName(path), out long firstSeq))
            {
                segments.Add((firstSeq, path));
            }
        }
        segments.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return segments;
    }

    public static bool TryParseSegmentName(string name, out long firstSeq)
    {
        firstSeq = 0;
        if (name.Length != SegmentPrefix.Length + SeqDigits + SegmentSuffix.Length
            || !name.StartsWith(SegmentPrefix, StringComparison.Ordinal)
            || !name.EndsWith(SegmentSuffix, StringComparison.Ordinal))
        {
            return false;
        }
        ReadOnlySpan<char> digits = name.AsSpan(SegmentPrefix.Length, SeqDigits);
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out firstSeq);
    }
}

/// <summary>How a line of a segment ended.</summary>
internal enum LineKind
{
    /// <summary>Terminated by '\n'.</summary>
    Complete,

    /// <summary>Longer than the limit; its bytes were skipped up to the next '\n'.</summary>
    Oversize,

    /// <summary>Bytes after the last '\n' at the end of the file (a write cut short by a crash, or junk).</summary>
    Torn,
}

/// <summary>
/// Streams the lines of one file with a bounded buffer: a line longer than the limit is reported as oversize and
/// skipped, never buffered, so a hostile file cannot make the reader allocate more than the limit.
/// </summary>
internal sealed class SegmentLineReader : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly FileStream _stream;
    private readonly int _maxLineBytes;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private int _chunkStart;
    private int _chunkEnd;
    private byte[] _line = new byte[4096];
    private long _chunkFileOffset;

    public SegmentLineReader(string path, int maxLineBytes)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>The current line without its newline (valid until the next read).</summary>
    public ReadOnlySpan<byte> Line => _line.AsSpan(0, LineLength);

    public int LineLength { get; private set; }
    public LineKind Kind { get; private set; }

    /// <summary>1-based number of the current line.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Byte offset in the file where the current line starts.</summary>
    public long LineOffset { get; private set; }

    /// <summary>Byte offset just after the current line's newline (or end of file).</summary>
    public long EndOffset { get; private set; }

    public bool ReadLine()
    {
        LineLength = 0;
        bool oversize = false;
        bool any = false;
        LineOffset = _chunkFileOffset + _chunkStart;
        while (true)
        {
            if (_chunkStart == _chunkEnd)
            {
                _chunkFileOffset += _chunkEnd;
                _chunkStart = 0;
                _chunkEnd = _stream.Read(_chunk, 0, _chunk.Length);
                if (_chunkEnd == 0)
                {
                    if (!any)
                    {
                        return false;
                    }
                    LineNumber++;
                    Kind = oversize ? LineKind.Oversize : LineKind.Torn;
                    EndOffset = _chunkFileOffset;
                    return true;
                }
            }
            any = true;
            int newline = Array.IndexOf(_chunk, (byte)'\n', _chunkStart, _chunkEnd - _chunkStart);
            int end = newline < 0 ? _chunkEnd : newline;
            int count = end - _chunkStart;
            if (!oversize)
            {
                if (LineLength + (long)count > _maxLineBytes)
                {
                    oversize = true;
                    LineLength = 0;
                }
                else
                {
                    if (_line.Length < LineLength + count)
                    {
                        Array.Resize(ref _line, Math.Min(_maxLineBytes, Math.Max(_line.Length * 2, LineLength + count)));
                    }
                    Buffer.BlockCopy(_chunk, _chunkStart, _line, LineLength, count);
                    LineLength += count;
                }
            }
            if (newline >= 0)
            {
                _chunkStart = newline + 1;
                LineNumber++;
                Kind = oversize ? LineKind.Oversize : LineKind.Complete;
                EndOffset = _chunkFileOffset + _chunkStart;
                return true;
            }
            _chunkStart = _chunkEnd;
        }
    }

    public void Dispose() => _stream.Dispose();
}
