namespace Lantern.NetLog.Formats;

/// <summary>
/// W3C extended / ELFF (W3C WD-logfile-960323; Blue Coat ProxySG main and bcreportermain_v1, IIS; compliance.md §7).
/// The layout comes from the latest <c>#Fields:</c> directive, so a proxy restart that changes the format mid-file
/// is followed. Fields are space separated (runs collapsed: Blue Coat writes double spaces), quoted values may hold
/// spaces. Lines before any <c>#Fields:</c> are malformed. Date and time are UTC by the W3C draft.
/// </summary>
internal sealed class W3cParser : LogLineParser
{
    private readonly List<string> _fields = new(48);
    private string[] _layout = [];

    public override string FormatId => LogFormatIds.W3c;

    public override bool HasDirectives => true;

    public override void ReadDirective(string line)
    {
        const string Fields = "#Fields:";
        if (line.StartsWith(Fields, StringComparison.OrdinalIgnoreCase))
        {
            string[] names = line[Fields.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            _layout = names.Length <= FieldSplitter.MaxFields ? names : [];
        }
    }

    public override RecordDraft? Parse(string line, out string? reason)
    {
        reason = null;
        if (_layout.Length == 0)
        {
            reason = "w3c: no #Fields: directive before this line";
            return null;
        }
        if (!FieldSplitter.SplitWhitespace(line, _fields, quotes: true, brackets: false) || _fields.Count < _layout.Length)
        {
            reason = "w3c: fewer fields than #Fields: declares";
            return null;
        }
        var draft = new RecordDraft();
        string? date = null;
        string? time = null;
        string? uriStem = null;
        string? serverIp = null;
        string? fullUri = null;
        for (int i = 0; i < _layout.Length; i++)
        {
            string value = _fields[i];
            switch (_layout[i].ToLowerInvariant())
            {
                case "date": date = value; break;
                case "time": time = value; break;
                case "c-ip": draft.ClientIp = value; break;
                case "cs-username": draft.User = value; break;
                case "cs-method": draft.Method = value; break;
                case "cs-uri-scheme": draft.Scheme = value; break;
                case "cs-host": draft.Host = value; break;
                case "cs-uri-port": draft.Port = value; break;
                case "cs-uri-path": draft.Path = value; break;
                case "cs-uri-stem": uriStem = value; break;
                case "cs-uri-query": draft.Query = value; break;
                case "cs-uri": case "cs-url": fullUri = value; break;
                case "sc-status": draft.Status = value; break;
                case "sc-bytes": draft.BytesToClient = value; break;
                case "cs-bytes": draft.BytesFromClient = value; break;
                case "cs(user-agent)": draft.UserAgent = value; break;
                case "cs(referer)": draft.Referer = value; break;
                case "s-action": draft.Action = value; break;
                case "cs-categories": draft.Category = value; break;
                case "rs(content-type)": draft.ContentType = value; break;
                case "s-ip": serverIp = value; break;
                default: break;
            }
        }
        draft.Time = LogTime.FromW3c(date, time);
        draft.Path ??= uriStem;
        // IIS logs are server logs: without cs-host the request was for this server (s-ip).
        draft.Host = RecordNormalizer.Clean(draft.Host) ?? serverIp;
        if (fullUri is not null && RecordNormalizer.Clean(fullUri) is { } uri && uri.Contains("://", StringComparison.Ordinal))
        {
            draft.Url = uri;
        }
        // IIS writes '+' for spaces in cs(User-Agent) (W3C draft: no spaces inside fields).
        if (draft.UserAgent is { } ua && !ua.Contains(' ', StringComparison.Ordinal))
        {
            draft.UserAgent = ua.Replace('+', ' ');
        }
        if (draft.Time is null && (date is not null || time is not null))
        {
            reason = "w3c: bad date/time";
            return null;
        }
        return draft;
    }
}
