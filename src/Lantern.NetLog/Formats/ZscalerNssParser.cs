namespace Lantern.NetLog.Formats;

/// <summary>
/// Zscaler ZIA NSS web feed (help.zscaler.com/zia/nss-feed-output-format; compliance.md §7) in its default field
/// order, tab- or comma-separated with optional quotes, or as <c>key=value</c> pairs (tab-separated, or
/// space-separated where each key is a known NSS field name). <c>eurl</c> has no scheme (<c>proto</c> gives it);
/// <c>time</c> has no zone and is taken as UTC. Cloud NSS JSON is read by <see cref="JsonLineParser"/>.
/// </summary>
internal sealed class ZscalerNssParser : LogLineParser
{
    /// <summary>Default web feed order (§7); a feed with more trailing fields is tolerated.</summary>
    internal static readonly string[] DefaultOrder =
    [
        "time", "login", "proto", "eurl", "action", "appname", "appclass", "reqsize", "respsize", "stime", "ctime",
        "urlclass", "urlsupercat", "urlcat", "malwarecat", "threatname", "riskscore", "dlpeng", "dlpdict", "location",
        "dept", "cip", "sip", "reqmethod", "respcode", "ua", "ereferer", "ruletype", "rulelabel", "contenttype",
        "unscannabletype", "deviceowner", "devicehostname", "keyprotectiontype",
    ];

    private static readonly HashSet<string> KnownKeys = new(DefaultOrder.Concat(["ehost", "hostname", "url", "epochtime", "cintip", "referer", "filetype", "recordid"]), StringComparer.Ordinal);

    /// <summary>The default order up to <c>respcode</c> must be there; later fields are optional.</summary>
    private const int MinDelimitedFields = 25;

    private readonly List<string> _fields = new(40);
    private readonly Dictionary<string, string> _pairs = new(StringComparer.Ordinal);
    private readonly JsonLineParser _json = new();

    public override string FormatId => LogFormatIds.ZscalerNss;

    public override RecordDraft? Parse(string line, out string? reason)
    {
        reason = null;
        _pairs.Clear();
        if (line.StartsWith('{'))
        {
            // Cloud NSS feeds are JSON ({"sourcetype":"zscalernss-web","event":{…}}).
            RecordDraft? json = _json.Parse(line, out reason);
            if (json is not null && json.SourceFormat != LogFormatIds.ZscalerNss)
            {
                reason = "zscaler-nss: JSON line without a zscalernss sourcetype";
                return null;
            }
            return json;
        }
        if (LooksKeyValue(line))
        {
            ReadPairs(line);
        }
        else
        {
            char separator = line.Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
            if (!FieldSplitter.SplitDelimited(line, separator, _fields) || _fields.Count < MinDelimitedFields)
            {
                reason = "zscaler-nss: fewer fields than the default web feed";
                return null;
            }
            for (int i = 0; i < DefaultOrder.Length && i < _fields.Count; i++)
            {
                _pairs[DefaultOrder[i]] = _fields[i];
            }
        }
        RecordDraft? draft = FromFields(_pairs.GetValueOrDefault);
        if (draft is null)
        {
            reason = "zscaler-nss: no time or URL";
        }
        return draft;
    }

    /// <summary>Maps NSS field names (as in the feed, key=value form and Cloud NSS JSON) to a draft.</summary>
    internal static RecordDraft? FromFields(Func<string, string?> lookup)
    {
        // NSS writes "None" / "N/A" for fields without a value.
        string? field(string key) => lookup(key) is { } value && value is not ("None" or "N/A" or "NA") ? value : null;
        string? timeText = field("time");
        DateTimeOffset? time = timeText is null ? null : LogTime.FromZscaler(timeText);
        if (time is null && field("epochtime") is { } epoch)
        {
            time = LogTime.FromEpoch(epoch);
        }
        string? eurl = RecordNormalizer.Clean(field("eurl")) ?? RecordNormalizer.Clean(field("url"));
        string? host = RecordNormalizer.Clean(field("ehost")) ?? RecordNormalizer.Clean(field("hostname"));
        if (time is null || (eurl is null && host is null))
        {
            return null;
        }
        string? proto = RecordNormalizer.Clean(field("proto"))?.ToUpperInvariant();
        return new RecordDraft
        {
            Time = time,
            User = field("login"),
            Scheme = proto switch
            {
                "HTTPS" => "https",
                "HTTP" => "http",
                _ => null,
            },
            Url = eurl,
            Host = host,
            Action = field("action"),
            BytesFromClient = field("reqsize"),
            BytesToClient = field("respsize"),
            Category = field("urlcat"),
            ClientIp = RecordNormalizer.Clean(field("cip")) ?? field("cintip"),
            Method = field("reqmethod"),
            Status = field("respcode"),
            UserAgent = field("ua"),
            Referer = field("ereferer") ?? field("referer"),
            ContentType = field("contenttype"),
            SourceFormat = LogFormatIds.ZscalerNss,
        };
    }

    private static bool LooksKeyValue(string line)
    {
        int equals = line.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && KnownKeys.Contains(line[..equals].Trim());
    }

    private void ReadPairs(string line)
    {
        if (line.Contains('\t', StringComparison.Ordinal))
        {
            int count = 0;
            foreach (string pair in line.Split('\t'))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && count++ < FieldSplitter.MaxFields)
                {
                    _pairs[pair[..equals].Trim()] = pair[(equals + 1)..];
                }
            }
            return;
        }
        // Space-separated: a new pair starts at " key=" where key is an NSS field name; values keep their spaces.
        string? key = null;
        int valueStart = 0;
        int search = 0;
        while (search < line.Length && _pairs.Count < FieldSplitter.MaxFields)
        {
            int equals = line.IndexOf('=', search);
            if (equals < 0)
            {
                break;
            }
            int start = equals;
            while (start > 0 && (char.IsAsciiLetterOrDigit(line[start - 1]) || line[start - 1] == '_'))
            {
                start--;
            }
            if (start < equals && (start == 0 || line[start - 1] == ' ') && KnownKeys.Contains(line[start..equals]))
            {
                if (key is not null)
                {
                    _pairs[key] = line[valueStart..Math.Max(valueStart, start - 1)];
                }
                key = line[start..equals];
                valueStart = equals + 1;
            }
            search = equals + 1;
        }
        if (key is not null)
        {
            _pairs[key] = line[valueStart..];
        }
    }
}
