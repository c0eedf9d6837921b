using System.Globalization;
using System.Text.Json;

namespace Lantern.NetLog.Formats;

/// <summary>
/// JSON lines: SIEM exports of the hits of Lantern's queries (Splunk CIM Web, Elastic ECS, Sentinel ASIM field
/// names, nested or dotted) and Zscaler Cloud NSS (<c>{"sourcetype":"zscalernss-web","event":{…}}</c>).
/// Splunk's <c>{"result":{…}}</c> and Elasticsearch's <c>{"_source":{…}}</c> wrappers are opened.
/// Field lookups walk at most <see cref="MaxPathSegments"/> levels, iteratively; the document depth is capped by
/// <see cref="DocumentOptions"/>.
/// </summary>
internal sealed class JsonLineParser : LogLineParser
{
    /// <summary>ECS names are at most four levels deep (<c>http.response.body.bytes</c>).</summary>
    private const int MaxPathSegments = 6;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowTrailingCommas = false };

    // Candidates per normalised field, in order of preference: CIM, ECS, ASIM, then generic names.
    private static readonly string[] TimeKeys = ["_time", "@timestamp", "TimeGenerated", "timestamp", "time", "event.created"];
    private static readonly string[] ClientKeys = ["src_ip", "src", "source.ip", "client.ip", "SrcIpAddr", "clientip", "c-ip"];
    private static readonly string[] UserKeys = ["user", "user.name", "SrcUsername", "username", "source.user.name"];
    private static readonly string[] MethodKeys = ["http_method", "http.request.method", "HttpRequestMethod", "method"];
    private static readonly string[] UrlKeys = ["url", "url.original", "url.full", "Url", "UrlOriginal"];
    private static readonly string[] HostKeys = ["url.domain", "dest", "dest_host", "destination.domain", "DstFQDN", "DstHostname", "HttpHost", "server.domain"];
    private static readonly string[] PathKeys = ["url.path", "uri_path"];
    private static readonly string[] QueryKeys = ["url.query", "uri_query"];
    private static readonly string[] SchemeKeys = ["url.scheme"];
    private static readonly string[] PortKeys = ["url.port", "dest_port", "destination.port", "DstPortNumber"];
    private static readonly string[] StatusKeys = ["status", "http.response.status_code", "HttpStatusCode"];
    private static readonly string[] ToClientKeys = ["bytes_in", "http.response.bytes", "DstBytes", "http.response.body.bytes"];
    private static readonly string[] FromClientKeys = ["bytes_out", "http.request.bytes", "SrcBytes", "http.request.body.bytes"];
    private static readonly string[] AgentKeys = ["http_user_agent", "user_agent.original", "HttpUserAgent", "user_agent"];
    private static readonly string[] RefererKeys = ["http_referrer", "http_referer", "http.request.referrer", "HttpReferrer"];
    private static readonly string[] ActionKeys = ["action", "event.action", "DvcAction"];
    private static readonly string[] CategoryKeys = ["category", "url.category", "UrlCategory"];
    private static readonly string[] ContentTypeKeys = ["http_content_type", "http.response.mime_type", "HttpContentType", "content_type"];

    public override string FormatId => LogFormatIds.JsonLines;

    public override RecordDraft? Parse(string line, out string? reason)
    {
        reason = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException)
        {
            reason = "jsonl: not a JSON object";
            return null;
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = "jsonl: not a JSON object";
                return null;
            }
            if (Text(root, "sourcetype") is { } sourceType && sourceType.StartsWith("zscalernss", StringComparison.OrdinalIgnoreCase)
                && root.TryGetProperty("event", out JsonElement zscalerEvent) && zscalerEvent.ValueKind == JsonValueKind.Object)
            {
                RecordDraft? zscaler = ZscalerNssParser.FromFields(key => Text(zscalerEvent, key));
                if (zscaler is null)
                {
                    reason = "zscaler-nss: no time or URL";
                }
                return zscaler;
            }
            foreach (string wrapper in (ReadOnlySpan<string>)["result", "_source"])
            {
                if (root.TryGetProperty(wrapper, out JsonElement inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    root = inner;
                    break;
                }
            }
            RecordDraft? draft = FromObject(root);
            if (draft is null)
            {
                reason = "jsonl: no URL or destination host field";
            }
            return draft;
        }
    }

    private static RecordDraft? FromObject(JsonElement root)
    {
        string? url = First(root, UrlKeys);
        string? host = First(root, HostKeys);
        if (RecordNormalizer.Clean(url) is null && RecordNormalizer.Clean(host) is null)
        {
            return null;
        }
        return new RecordDraft
        {
            Time = First(root, TimeKeys) is { } time ? LogTime.FromIsoOrEpoch(time) : null,
            ClientIp = First(root, ClientKeys),
            User = First(root, UserKeys),
            Method = First(root, MethodKeys),
            Url = RecordNormalizer.Clean(url),
            Host = host,
            Path = First(root, PathKeys),
            Query = First(root, QueryKeys),
            Scheme = First(root, SchemeKeys),
            Port = First(root, PortKeys),
            Status = First(root, StatusKeys),
            BytesToClient = First(root, ToClientKeys),
            BytesFromClient = First(root, FromClientKeys),
            UserAgent = First(root, AgentKeys),
            Referer = First(root, RefererKeys),
            Action = First(root, ActionKeys),
            Category = First(root, CategoryKeys),
            ContentType = First(root, ContentTypeKeys),
        };
    }

    private static string? First(JsonElement root, string[] keys)
    {
        foreach (string key in keys)
        {
            if (Text(root, key) is { } value)
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>Value at <paramref name="path"/>: the dotted name as one property first (flattened exports), then nested objects.</summary>
    private static string? Text(JsonElement root, string path)
    {
        if (root.TryGetProperty(path, out JsonElement direct))
        {
            return Scalar(direct);
        }
        int dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return null;
        }
        JsonElement current = root;
        int segments = 0;
        foreach (Range range in path.AsSpan().Split('.'))
        {
            if (++segments > MaxPathSegments || current.ValueKind != JsonValueKind.Object
                || !current.TryGetProperty(path.AsSpan()[range], out JsonElement next))
            {
                return null;
            }
            current = next;
        }
        return Scalar(current);
    }

    /// <summary>Strings and numbers as text; CIM multi-value fields (arrays) give their first scalar.</summary>
    private static string? Scalar(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                return item.ValueKind is JsonValueKind.String or JsonValueKind.Number ? Scalar(item) : null;
            }
            return null;
        }
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.TryGetInt64(out long integer)
                ? integer.ToString(CultureInfo.InvariantCulture)
                : element.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            _ => null,
        };
    }
}
