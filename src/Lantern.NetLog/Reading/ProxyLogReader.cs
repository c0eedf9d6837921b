using System.Collections.Concurrent;
using System.Text;
using Lantern.NetLog.Formats;
using Lantern.NetLog.Records;

namespace Lantern.NetLog.Reading;

/// <summary>
/// Reads web-proxy logs (compliance.md §7) into <see cref="ProxyRecord"/>s. One thread reads and decompresses blocks of
/// whole lines; the enumerating thread searches each whole block for the prefilter needles at once and parses only the
/// lines that contain one. Content never makes it throw: a bad line is counted malformed, a cut or corrupt compressed
/// input ends that input with an <see cref="InputProblem"/>. Only argument errors throw.
/// </summary>
public static class ProxyLogReader
{
    /// <summary>Lines shorter than this cannot be told apart from noise; the bound keeps option mistakes visible.</summary>
    private const int MinMaxLineBytes = 256;

    /// <summary>Upper bound on MaxLineBytes: a block holds one such line plus 1 MiB, and a few blocks are in flight.</summary>
    private const int MaxMaxLineBytes = 64 << 20;

    /// <summary>Needles are host names (RFC 1035: ≤ 253); the cap keeps a mistaken argument from costing the search.</summary>
    private const int MaxNeedles = 1024;

    public static IEnumerable<ProxyRecord> ReadFile(string path, ProxyLogReadOptions options, ProxyLogStats stats)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Validate(options, stats);
        return ReadFileCore(path, options, stats);
    }

    public static IEnumerable<ProxyRecord> Read(Stream input, string inputName, ProxyLogReadOptions options, ProxyLogStats stats)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(inputName);
        Validate(options, stats);
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream is not readable.", nameof(input));
        }
        return ReadCore(input, inputName, options, stats);
    }

    private static void Validate(ProxyLogReadOptions options, ProxyLogStats stats)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stats);
        if (!LogFormatIds.IsKnown(options.Format))
        {
            throw new ArgumentException($"Unknown log format '{options.Format}'.", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLineBytes, MinMaxLineBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxLineBytes, MaxMaxLineBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxMalformedExamples, nameof(options));
        if (options.PrefilterNeedles is { } needles)
        {
            if (needles.Count > MaxNeedles || needles.Any(n => string.IsNullOrEmpty(n) || n.Length > 253 || n.Contains('\n', StringComparison.Ordinal)))
            {
                throw new ArgumentException("Prefilter needles must be 1–1024 non-empty host names of at most 253 characters.", nameof(options));
            }
        }
    }

    private static IEnumerable<ProxyRecord> ReadFileCore(string path, ProxyLogReadOptions options, ProxyLogStats stats)
    {
        Stream? stream = OpenFile(path, stats);
        if (stream is null)
        {
            yield break;
        }
        using (stream)
        {
            foreach (ProxyRecord record in ReadCore(stream, path, options, stats))
            {
                yield return record;
            }
        }
    }

    private static Stream? OpenFile(string path, ProxyLogStats stats)
    {
        if (path == "-")
        {
            return Console.OpenStandardInput();
        }
        try
        {
            // bufferSize 0: the reader asks for whole blocks, a FileStream buffer would only add a copy.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            AddProblem(stats, path, "cannot open: " + exception.Message);
            return null;
        }
    }

    private static void AddProblem(ProxyLogStats stats, string input, string reason)
    {
        lock (stats.Problems)
        {
            stats.Problems.Add(new InputProblem(input, reason));
        }
    }

    private static IEnumerable<ProxyRecord> ReadCore(Stream input, string inputName, ProxyLogReadOptions options, ProxyLogStats stats)
    {
        Stream decoded;
        try
        {
            decoded = InputDecompression.Open(input, out _);
        }
        catch (Exception exception) when (InputDecompression.IsInputError(exception))
        {
            AddProblem(stats, inputName, "cannot read: " + exception.Message);
            yield break;
        }
        using var queue = new BlockingCollection<LogBlock>(BlockProducer.QueueDepth);
        using var cancellation = new CancellationTokenSource();
        NeedleSearch? needles = options.PrefilterNeedles is { } list ? new NeedleSearch(list) : null;
        var producer = new BlockProducer(decoded, options.MaxLineBytes, queue, stats.AddBytes, needles);
        Task reading = Task.Factory.StartNew(() => producer.Run(cancellation.Token), cancellation.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var scanner = new BlockScanner(inputName, options, stats, needles);
        try
        {
            foreach (LogBlock block in queue.GetConsumingEnumerable())
            {
                if (block.Problem is not null)
                {
                    AddProblem(stats, inputName, block.Problem);
                    continue;
                }
                if (block.OverlongLine)
                {
                    scanner.CountOverlongLine();
                    continue;
                }
                try
                {
                    foreach (ProxyRecord record in scanner.Scan(block))
                    {
                        yield return record;
                    }
                }
                finally
                {
                    producer.Bytes.Return(block.Buffer);
                }
            }
        }
        finally
        {
            // Stopped early (the caller broke off) or done: stop the reader, give back what is queued, wait for it.
            cancellation.Cancel();
            while (queue.TryTake(out LogBlock? left))
            {
                producer.Bytes.Return(left.Buffer);
            }
            try
            {
                reading.Wait();
            }
            catch (AggregateException exception) when (exception.InnerExceptions.All(e => e is OperationCanceledException))
            {
                // Cancelled on purpose above.
            }
            while (queue.TryTake(out LogBlock? left))
            {
                producer.Bytes.Return(left.Buffer);
            }
            decoded.Dispose();
            lock (stats.FormatsByInput)
            {
                stats.FormatsByInput[inputName] = scanner.FormatId;
            }
        }
    }
}
