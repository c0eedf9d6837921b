using System.Runtime;
using Lantern.NetLog.Hubs;
using Lantern.NetLog.Reading;
using Lantern.NetLog.Records;

namespace Lantern.NetLog.Analysis;

/// <summary>
/// Turns proxy records into a <see cref="NetLogReport"/>: classify each record (compliance.md §8), filter
/// by time, join redirect chains, blob parts and pulls into acquisitions, and count the rest as access.
/// Streams: memory is bounded by the open joins and the report, never by the input size.
/// </summary>
public static class NetLogAnalyzer
{
    // Matched records between heap checks: a power of two, frequent enough to catch growth within a few MB.
    private const long HeapCheckInterval = 1 << 12;

    /// <summary>
    /// Joins live minutes to hours, so the generational GC promotes them and frees them only at rare full
    /// collections: on months of logs the heap would grow with garbage, not with state. Past the budget, one
    /// compacting full collection gives that memory back, which keeps the process flat (issue target ≤ 100 MB).
    /// </summary>
    private static void KeepHeapFlat(long budgetBytes)
    {
        if (GC.GetTotalMemory(forceFullCollection: false) > budgetBytes)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    /// <summary>
    /// Analyses <paramref name="records"/> (typically <c>ProxyLogReader.ReadFile</c> over every input, in time order).
    /// <paramref name="readerStats"/> is read after the last record, so the reader may fill it while streaming.
    /// </summary>
    public static NetLogReport Analyze(IEnumerable<ProxyRecord> records, ProxyLogStats readerStats, NetLogAnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(readerStats);
        ArgumentNullException.ThrowIfNull(options);
        if (options.JoinWindow <= TimeSpan.Zero || options.MaxOpenJoins < 1 || options.MaxEvidence < 0 || options.MaxBlobs < 0)
        {
            throw new ArgumentException("Join window, open-join and evidence limits must be positive.", nameof(options));
        }

        var joiner = new AcquisitionJoiner(options);
        long total = 0;
        long matched = 0;
        long outside = 0;
        long withoutTime = 0;
        foreach (ProxyRecord record in records)
        {
            total++;
            if (record.Time is not { } time)
            {
                withoutTime++;
            }
            else if ((options.Since is { } since && time < since) || (options.Until is { } until && time >= until))
            {
                outside++;
                continue;
            }
            if (HubClassifier.Classify(record) is not { } classification)
            {
                continue;
            }
            matched++;
            joiner.Add(record, classification);
            if ((matched & (HeapCheckInterval - 1)) == 0)
            {
                KeepHeapFlat(options.ManagedHeapBudgetBytes);
            }
        }
        joiner.Complete();

        IReadOnlyList<Acquisition> acquisitions = joiner.Acquisitions();
        IReadOnlyList<HubAccess> access = joiner.HubAccess();
        var stats = new NetLogStatsReport
        {
            LinesRead = readerStats.LinesRead,
            Parsed = readerStats.Parsed,
            Skipped = readerStats.Skipped,
            Malformed = readerStats.Malformed,
            BytesRead = readerStats.BytesRead,
            MalformedExamples = [.. readerStats.MalformedExamples.Select(m => new MalformedLineReport(m.Input, m.LineNumber, m.Reason))],
            InputProblems = [.. readerStats.Problems.Select(p => new InputProblemReport(p.Input, p.Reason))],
            Formats = new Dictionary<string, string>(readerStats.FormatsByInput, StringComparer.Ordinal),
            Records = total,
            Matched = matched,
            OutsideTimeRange = outside,
            WithoutTime = withoutTime,
            Acquisitions = joiner.AcquisitionCount,
            HubAccessEntries = access.Count,
            AcquisitionsDropped = joiner.AcquisitionsDropped,
            HubAccessDropped = joiner.HubAccessDropped,
            JoinsEvictedEarly = joiner.JoinsEvictedEarly,
        };
        return new NetLogReport { Acquisitions = acquisitions, HubAccess = access, Stats = stats };
    }
}
