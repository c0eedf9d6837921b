using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Lantern.NetLog.Formats;
using Lantern.NetLog.Records;

namespace Lantern.NetLog.Reading;

/// <summary>
/// Finds and parses the lines of one input, block by block. With needles, each block is widened to chars once
/// (Latin-1: one byte → one char, so offsets agree) and searched as a whole with a vectorised multi-string
/// <see cref="SearchValues{T}"/>; newlines are counted with vectorised span counts only up to each hit. Lines without
/// a needle are never split, decoded or looked at individually.
/// </summary>
internal sealed class BlockScanner
{
    /// <summary>Blank lines (spaces, tabs, CR) are skipped, not malformed.</summary>
    private static readonly SearchValues<byte> Blank = SearchValues.Create(" \t\r"u8);

    private readonly string _inputName;
    private readonly ProxyLogReadOptions _options;
    private readonly ProxyLogStats _stats;
    private readonly NeedleSearch? _needles;

    // This (searching) thread's widening window; the reading thread has its own.
    private readonly char[]? _window;
    private readonly int _maxLine;
    private LogLineParser? _parser;
    private string _formatId;

    /// <summary>Number of the first line of the next block (1-based).</summary>
    private long _nextLine = 1;

    public BlockScanner(string inputName, ProxyLogReadOptions options, ProxyLogStats stats, NeedleSearch? needles)
    {
        _inputName = inputName;
        _options = options;
        _stats = stats;
        _maxLine = options.MaxLineBytes;
        _needles = needles;
        _window = needles?.NewWindow();
        _formatId = options.Format;
        if (options.Format != LogFormatIds.Auto)
        {
            _formatId = options.Format == LogFormatIds.SquidCommon ? LogFormatIds.SquidCombined : options.Format;
            _parser = LogLineParser.Create(_formatId);
        }
    }

    public string FormatId => _formatId;

    public void CountOverlongLine()
    {
        _stats.AddLines(1);
        _stats.AddMalformed(_inputName, _nextLine, $"line longer than {_maxLine} bytes", _options.MaxMalformedExamples);
        _nextLine++;
    }

    public IEnumerable<ProxyRecord> Scan(LogBlock block)
    {
        byte[] buffer = block.Buffer!;
        int length = block.Length;
        _parser ??= Detect(buffer, length);
        int newlines = buffer.AsSpan(0, length).Count((byte)'\n');
        long lines = newlines + (length > 0 && buffer[length - 1] != '\n' ? 1 : 0);
        _stats.AddLines(lines);
        var counts = new BlockCounts();
        IEnumerable<ProxyRecord> records = _needles is null
            ? ScanEveryLine(buffer, length, counts)
            : ScanCandidates(block, counts);
        foreach (ProxyRecord record in records)
        {
            yield return record;
        }
        _stats.AddParsed(counts.Parsed);
        _stats.AddSkipped(lines - counts.Parsed - counts.Malformed);
        _nextLine += lines;
    }

    private sealed class BlockCounts
    {
        public long Parsed;
        public long Malformed;
    }

    /// <summary>Full parse (<c>--full-parse</c>): every line.</summary>
    private IEnumerable<ProxyRecord> ScanEveryLine(byte[] buffer, int length, BlockCounts counts)
    {
        long lineNumber = _nextLine;
        int start = 0;
        while (start < length)
        {
            int newline = buffer.AsSpan(start, length - start).IndexOf((byte)'\n');
            int end = newline < 0 ? length : start + newline;
            ProxyRecord? record = HandleLine(buffer, start, end, lineNumber, counts);
            if (record is not null)
            {
                yield return record;
            }
            lineNumber++;
            start = end + 1;
        }
    }

    /// <summary>
    /// Prefiltered: jump from needle hit to needle hit. Besides hits, two kinds of lines are always visited:
    /// directive lines of formats that have them (<c>#Fields:</c> changes the layout) and lines over MaxLineBytes
    /// (counted malformed), found by a window scan that costs one backwards search per MaxLineBytes of input.
    /// </summary>
    private IEnumerable<ProxyRecord> ScanCandidates(LogBlock block, BlockCounts counts)
    {
        byte[] buffer = block.Buffer!;
        int length = block.Length;
        int hitIndex = 0;
        bool directives = _parser!.HasDirectives;
        long lineNumber = _nextLine;
        int counted = 0;
        int position = 0;
        int nextOverlong = NextOverlong(buffer, 0, length);
        int nextDirective = directives ? NextDirective(buffer, 0, length) : -1;
        int nextHit = NextHit(block, ref hitIndex, 0);
        while (true)
        {
            int eventAt = Min(Min(nextHit, nextDirective), nextOverlong);
            if (eventAt < 0)
            {
                break;
            }
            int lineStart = eventAt == nextOverlong || eventAt == nextDirective
                ? eventAt
                : position + buffer.AsSpan(position, eventAt - position).LastIndexOf((byte)'\n') + 1;
            int newline = buffer.AsSpan(eventAt, length - eventAt).IndexOf((byte)'\n');
            int lineEnd = newline < 0 ? length : eventAt + newline;
            lineNumber += buffer.AsSpan(counted, lineStart - counted).Count((byte)'\n');
            counted = lineStart;
            ProxyRecord? record = HandleLine(buffer, lineStart, lineEnd, lineNumber, counts);
            if (record is not null)
            {
                yield return record;
            }
            position = Math.Min(lineEnd + 1, length);
            if (nextOverlong >= 0 && nextOverlong < position)
            {
                nextOverlong = NextOverlong(buffer, position, length);
            }
            if (nextDirective >= 0 && nextDirective < position)
            {
                nextDirective = NextDirective(buffer, position, length);
            }
            if (nextHit >= 0 && nextHit < position)
            {
                nextHit = NextHit(block, ref hitIndex, position);
            }
        }
    }

    /// <summary>Next hit at or after <paramref name="position"/>: first those the reading thread found, then the consumer's own part.</summary>
    private int NextHit(LogBlock block, ref int hitIndex, int position)
    {
        List<int> hits = block.Hits!;
        while (hitIndex < hits.Count)
        {
            int hit = hits[hitIndex];
            if (hit >= position)
            {
                return hit;
            }
            hitIndex++;
        }
        return _needles!.Next(block.Buffer!, Math.Max(position, block.SearchSplit), block.Length, _window!);
    }

    /// <summary>Start of the next line beginning with <c>#</c> at or after the line start <paramref name="from"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NextDirective(byte[] buffer, int from, int length)
    {
        int position = from;
        while (position < length)
        {
            if (buffer[position] == '#' && (position == 0 || buffer[position - 1] == '\n'))
            {
                return position;
            }
            int index = buffer.AsSpan(position, length - position).IndexOf("\n#"u8);
            if (index < 0)
            {
                return -1;
            }
            position += index + 1;
        }
        return -1;
    }

    /// <summary>
    /// Start of the next line longer than MaxLineBytes, from the line start <paramref name="from"/>: a line of at most
    /// MaxLineBytes starting at s has its newline within [s, s + MaxLineBytes], so the last newline of that window
    /// proves every line up to it short and is where the next window starts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int NextOverlong(byte[] buffer, int from, int length)
    {
        int start = from;
        while (length - start > _maxLine)
        {
            int last = buffer.AsSpan(start, _maxLine + 1).LastIndexOf((byte)'\n');
            if (last < 0)
            {
                return start;
            }
            start += last + 1;
        }
        return -1;
    }

    private static int Min(int a, int b) => a < 0 ? b : b < 0 ? a : Math.Min(a, b);

    private ProxyRecord? HandleLine(byte[] buffer, int start, int end, long lineNumber, BlockCounts counts)
    {
        if (end - start > _maxLine)
        {
            Malformed(lineNumber, $"line longer than {_maxLine} bytes", counts);
            return null;
        }
        int trimmedEnd = end > start && buffer[end - 1] == '\r' ? end - 1 : end;
        ReadOnlySpan<byte> bytes = buffer.AsSpan(start, trimmedEnd - start);
        if (!bytes.ContainsAnyExcept(Blank))
        {
            return null;
        }
        // Invalid UTF-8 (binary junk, Latin-1 logs) becomes U+FFFD; nothing is ever rendered or executed.
        string line = Encoding.UTF8.GetString(bytes);
        if (line[0] == '#')
        {
            _parser!.ReadDirective(line);
            return null;
        }
        RecordDraft? draft = _parser!.Parse(line, out string? reason);
        if (draft is null)
        {
            Malformed(lineNumber, reason ?? "unparseable", counts);
            return null;
        }
        LineParse result = RecordNormalizer.Build(draft, _parser.FormatId, _inputName, lineNumber);
        if (result.Record is null)
        {
            Malformed(lineNumber, result.Malformed ?? "unparseable", counts);
            return null;
        }
        counts.Parsed++;
        return result.Record;
    }

    private void Malformed(long lineNumber, string reason, BlockCounts counts)
    {
        counts.Malformed++;
        _stats.AddMalformed(_inputName, lineNumber, reason, _options.MaxMalformedExamples);
    }

    /// <summary>Format from the first non-empty lines of the first block, bounded by <see cref="FormatDetector"/>'s sample limits.</summary>
    private LogLineParser Detect(byte[] buffer, int length)
    {
        var sample = new List<string>(FormatDetector.MaxSampleLines);
        int limit = Math.Min(length, FormatDetector.MaxSampleBytes);
        int start = 0;
        while (start < limit && sample.Count < FormatDetector.MaxSampleLines)
        {
            int newline = buffer.AsSpan(start, limit - start).IndexOf((byte)'\n');
            int end = newline < 0 ? limit : start + newline;
            ReadOnlySpan<byte> bytes = buffer.AsSpan(start, end - start).TrimEnd("\r"u8);
            if (!!bytes.ContainsAnyExcept(Blank))
            {
                sample.Add(Encoding.UTF8.GetString(bytes));
            }
            start = end + 1;
        }
        string? detected = FormatDetector.Detect(sample);
        _formatId = detected ?? LogFormatIds.Unknown;
        return detected is null ? new AnyFormatParser() : LogLineParser.Create(detected)!;
    }
}
