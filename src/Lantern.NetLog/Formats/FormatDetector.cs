namespace Lantern.NetLog.Formats;

/// <summary>
/// Picks the format of one input from its first lines: W3C by its directives, the others by how many sample lines
/// their parser accepts. The sample is bounded by the caller (<see cref="MaxSampleLines"/> non-empty lines within
/// <see cref="MaxSampleBytes"/>), so detection costs the same whatever the file size.
/// </summary>
internal static class FormatDetector
{
    public const int MaxSampleLines = 32;
    public const int MaxSampleBytes = 64 * 1024;

    private static readonly string[] Candidates =
        [LogFormatIds.Squid, LogFormatIds.SquidCombined, LogFormatIds.ZscalerNss, LogFormatIds.Cef, LogFormatIds.JsonLines];

    /// <summary>The format id, or null when no sample line fits any format.</summary>
    public static string? Detect(IReadOnlyList<string> sample)
    {
        foreach (string line in sample)
        {
            if (line.StartsWith("#Fields:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("#Software:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("#Version:", StringComparison.OrdinalIgnoreCase))
            {
                return LogFormatIds.W3c;
            }
        }
        string? best = null;
        int bestScore = 0;
        foreach (string id in Candidates)
        {
            LogLineParser parser = LogLineParser.Create(id)!;
            int score = 0;
            bool zscalerJson = false;
            foreach (string line in sample)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }
                RecordDraft? draft = parser.Parse(line, out _);
                if (draft is not null && RecordNormalizer.Build(draft, id, "", 0).Record is not null)
                {
                    score++;
                    zscalerJson |= draft.SourceFormat == LogFormatIds.ZscalerNss;
                }
            }
            if (score > bestScore)
            {
                bestScore = score;
                best = id == LogFormatIds.JsonLines && zscalerJson ? LogFormatIds.ZscalerNss : id;
            }
        }
        return best;
    }
}

/// <summary>Used when detection found nothing: each line goes to the first parser that accepts it.</summary>
internal sealed class AnyFormatParser : LogLineParser
{
    private readonly LogLineParser[] _parsers =
        [new SquidNativeParser(), new SquidCombinedParser(), new ZscalerNssParser(), new CefParser(), new JsonLineParser()];

    public override string FormatId => LogFormatIds.Unknown;

    public override RecordDraft? Parse(string line, out string? reason)
    {
        foreach (LogLineParser parser in _parsers)
        {
            if (parser.Parse(line, out _) is { } draft)
            {
                draft.SourceFormat ??= parser.FormatId;
                reason = null;
                return draft;
            }
        }
        reason = "line fits no known format";
        return null;
    }
}
