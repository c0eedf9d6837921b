namespace Lantern.NetLog.Reading;

/// <summary>
/// Counters for one analysis, shared by every input. <c>LinesRead = Parsed + Skipped + Malformed</c>
/// (directive and blank lines count as skipped). Thread-safe through <see cref="Interlocked"/> where the
/// reader works on several chunks at once.
/// </summary>
public sealed class ProxyLogStats
{
    private readonly List<MalformedLine> _malformedExamples = [];
    private long _linesRead;
    private long _parsed;
    private long _skipped;
    private long _malformed;
    private long _bytesRead;

    public long LinesRead => Interlocked.Read(ref _linesRead);
    public long Parsed => Interlocked.Read(ref _parsed);
    public long Skipped => Interlocked.Read(ref _skipped);
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Bytes after decompression.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Files the reader could not finish (truncated gzip, read error), with the reason.</summary>
    public List<InputProblem> Problems { get; } = [];

    /// <summary>Format detected or forced per input name.</summary>
    public Dictionary<string, string> FormatsByInput { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<MalformedLine> MalformedExamples
    {
        get
        {
            lock (_malformedExamples)
            {
                return [.. _malformedExamples];
            }
        }
    }

    public void AddLines(long count) => Interlocked.Add(ref _linesRead, count);
    public void AddParsed(long count) => Interlocked.Add(ref _parsed, count);
    public void AddSkipped(long count) => Interlocked.Add(ref _skipped, count);
    public void AddBytes(long count) => Interlocked.Add(ref _bytesRead, count);

    public void AddMalformed(string input, long lineNumber, string reason, int keep)
    {
        Interlocked.Increment(ref _malformed);
        lock (_malformedExamples)
        {
            if (_malformedExamples.Count < keep)
            {
                _malformedExamples.Add(new MalformedLine(input, lineNumber, reason));
            }
        }
    }
}

/// <summary>A line that could not be parsed: where, and why.</summary>
public sealed record MalformedLine(string Input, long LineNumber, string Reason);

/// <summary>An input that stopped early or could not be opened.</summary>
public sealed record InputProblem(string Input, string Reason);
