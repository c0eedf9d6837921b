namespace Lantern.NetLog.Formats;

/// <summary>
/// Squid native <c>squid</c> logformat (squid-cache.org/Doc/config/logformat; compliance.md §7):
/// <c>%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt</c>. Extra trailing fields are tolerated
/// (sites append UA or referer); the MIME type may be missing.
/// </summary>
internal sealed class SquidNativeParser : LogLineParser
{
    private readonly List<string> _fields = new(16);

    public override string FormatId => LogFormatIds.Squid;

    public override RecordDraft? Parse(string line, out string? reason)
    {
        reason = null;
        if (!FieldSplitter.SplitWhitespace(line, _fields, quotes: false, brackets: false) || _fields.Count < 9)
        {
            reason = "squid: fewer than 9 fields";
            return null;
        }
        DateTimeOffset? time = LogTime.FromEpochSeconds(_fields[0]);
        int slash = _fields[3].IndexOf('/', StringComparison.Ordinal);
        bool elapsedIsNumber = _fields[1].Length > 0 && !_fields[1].AsSpan().ContainsAnyExcept(CharSets.Digits);
        if (time is null || slash <= 0 || !elapsedIsNumber)
        {
            reason = "squid: bad timestamp, elapsed or result code";
            return null;
        }
        return new RecordDraft
        {
            Time = time,
            ClientIp = _fields[2],
            Action = _fields[3][..slash],
            Status = _fields[3][(slash + 1)..],
            BytesToClient = _fields[4],
            Method = _fields[5],
            Url = _fields[6],
            User = _fields[7],
            ContentType = _fields.Count > 9 ? _fields[9] : null,
        };
    }
}

/// <summary>
/// Squid <c>common</c> (<c>%>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st %Ss:%Sh</c>) and <c>combined</c>
/// (adds <c>"%{Referer}>h" "%{User-Agent}>h"</c> before <c>%Ss:%Sh</c>), compliance.md §7. Both are reported as
/// <c>squid-combined</c>.
/// </summary>
internal sealed class SquidCombinedParser : LogLineParser
{
    private readonly List<string> _fields = new(16);

    public override string FormatId => LogFormatIds.SquidCombined;

    public override RecordDraft? Parse(string line, out string? reason)
    {
        reason = null;
        if (!FieldSplitter.SplitWhitespace(line, _fields, quotes: true, brackets: true) || _fields.Count < 7)
        {
            reason = "squid-combined: fewer than 7 fields";
            return null;
        }
        DateTimeOffset? time = LogTime.FromCommonLog(_fields[3]);
        string[] request = _fields[4].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (time is null || request.Length is < 2 or > 3)
        {
            reason = "squid-combined: bad [time] or \"request\"";
            return null;
        }
        var draft = new RecordDraft
        {
            Time = time,
            ClientIp = _fields[0],
            User = RecordNormalizer.Clean(_fields[2]) ?? RecordNormalizer.Clean(_fields[1]),
            Method = request[0],
            Url = request[1],
            Status = _fields[5],
            BytesToClient = _fields[6],
        };
        int next = 7;
        if (_fields.Count >= 10)
        {
            draft.Referer = _fields[7];
            draft.UserAgent = _fields[8];
            next = 9;
        }
        if (_fields.Count > next)
        {
            string squidStatus = _fields[next];
            int colon = squidStatus.IndexOf(':', StringComparison.Ordinal);
            draft.Action = colon > 0 ? squidStatus[..colon] : squidStatus;
        }
        return draft;
    }
}
