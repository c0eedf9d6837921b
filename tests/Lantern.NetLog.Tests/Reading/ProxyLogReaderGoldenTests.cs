using Lantern.NetLog.Records;
using Xunit;
using static Lantern.NetLog.Tests.Reading.LogFixtures;

namespace Lantern.NetLog.Tests.Reading;

/// <summary>One golden comparison per format: lines written to the documented field order, normalised records expected.</summary>
public sealed class ProxyLogReaderGoldenTests
{
    [Fact]
    public void Read_SquidNative_NormalisesConnectAndSignedUrl()
    {
        string[] lines =
        [
            SquidLine(Jan1.AddMilliseconds(123), "10.0.0.15", "TCP_TUNNEL", 200, 4718592000, "CONNECT", "cdn-lfs.hf.co:443", "alice"),
            SquidLine(Jan1.AddSeconds(5), "10.0.0.16", "TCP_MISS", 302, 1234, "GET",
                "https://bob:s3cret@HuggingFace.co:443/org/repo/resolve/main/model.gguf?download=true&token=abc&X-Amz-Signature=ff", "-", "text/plain"),
            SquidLine(Jan1.AddSeconds(6), "10.0.0.17", "TCP_MISS", 200, 10, "GET", "http://example.org/index.html"),
        ];
        List<ProxyRecord> records = ReadLines(lines, Options(), out var stats);
        AssertRecords(
        [
            "2026-01-01T00:00:00.123Z|10.0.0.15|alice|CONNECT|~|cdn-lfs.hf.co|443||~|200|4718592000|~|~|~|TCP_TUNNEL|~|~|squid|1",
            "2026-01-01T00:00:05.000Z|10.0.0.16|~|GET|https|huggingface.co|443|/org/repo/resolve/main/model.gguf|download=true|302|1234|~|~|~|TCP_MISS|~|text/plain|squid|2",
            "2026-01-01T00:00:06.000Z|10.0.0.17|~|GET|http|example.org|~|/index.html|~|200|10|~|~|~|TCP_MISS|~|~|squid|3",
        ], records);
        Assert.Equal("squid", stats.FormatsByInput["test.log"]);
        Assert.Equal(3, stats.Parsed);
        Assert.DoesNotContain(records, r => (r.Query ?? "").Contains("abc", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_SquidCommonAndCombined_ReportedAsSquidCombined()
    {
        DateTimeOffset local = new(2026, 1, 2, 10, 0, 0, TimeSpan.FromHours(1));
        string[] lines =
        [
            SquidCombined(local, "10.0.0.1", "carol", "GET", "http://registry.ollama.ai/v2/library/llama3/manifests/latest", 200, 512,
                "https://ollama.com/library", "ollama/0.5.7 (amd64 linux) Go/go1.23.4"),
            SquidCombined(local, "10.0.0.2", "-", "CONNECT", "huggingface.co:443", 200, 9000, null, null, "TCP_TUNNEL"),
        ];
        List<ProxyRecord> records = ReadLines(lines, Options(), out var stats);
        AssertRecords(
        [
            "2026-01-02T09:00:00.000Z|10.0.0.1|carol|GET|http|registry.ollama.ai|~|/v2/library/llama3/manifests/latest|~|200|512|~|ollama/0.5.7 (amd64 linux) Go/go1.23.4|https://ollama.com/library|TCP_MISS|~|~|squid-combined|1",
            "2026-01-02T09:00:00.000Z|10.0.0.2|~|CONNECT|~|huggingface.co|443||~|200|9000|~|~|~|TCP_TUNNEL|~|~|squid-combined|2",
        ], records);
        Assert.Equal("squid-combined", stats.FormatsByInput["test.log"]);
    }

    [Fact]
    public void Read_BlueCoatW3c_QuotedFieldsDoubleSpacesAndTunnel()
    {
        const string Fields = "#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id";
        string[] lines =
        [
            "#Software: SGOS 6.7.5.1",
            "#Version: 1.0",
            "#Date: 2026-01-01 00:00:00",
            Fields,
            "2026-01-01 08:15:00 250 10.1.2.3 dave grp - OBSERVED \"Technology/Internet\" -  200 TCP_NC_MISS GET application/octet-stream https huggingface.co 443 /org/m/resolve/main/w.safetensors ?download=true&Signature=zz safetensors \"Mozilla/5.0 (X11; Linux x86_64) hf_hub/0.26\" 192.0.2.1 1048576 420 -",
            "2026-01-01 08:16:00 10 10.1.2.4 - - - OBSERVED \"Technology/Internet\" - 200 TUNNELED CONNECT - ssl cdn-lfs.hf.co 443 / - - - 192.0.2.1 900000000 1200 -",
        ];
        List<ProxyRecord> records = ReadLines(lines, Options(), out var stats);
        AssertRecords(
        [
            "2026-01-01T08:15:00.000Z|10.1.2.3|dave|GET|https|huggingface.co|443|/org/m/resolve/main/w.safetensors|download=true|200|1048576|420|Mozilla/5.0 (X11; Linux x86_64) hf_hub/0.26|~|TCP_NC_MISS|Technology/Internet|application/octet-stream|w3c|5",
            "2026-01-01T08:16:00.000Z|10.1.2.4|~|CONNECT|~|cdn-lfs.hf.co|443||~|200|900000000|1200|~|~|TUNNELED|Technology/Internet|~|w3c|6",
        ], records);
        Assert.Equal("w3c", stats.FormatsByInput["test.log"]);
        Assert.Equal(4, stats.Skipped);
    }

    [Fact]
    public void Read_ZscalerNssDefaultFeed_TabCommaAndKeyValue()
    {
        // Default web feed order (§7): time login proto eurl action appname appclass reqsize respsize stime ctime urlclass
        // urlsupercat urlcat malwarecat threatname riskscore dlpeng dlpdict location dept cip sip reqmethod respcode ua
        // ereferer ruletype rulelabel contenttype unscannabletype deviceowner devicehostname keyprotectiontype
        string[] values =
        [
            "Thu Jan  1 09:30:00 2026", "erin@example.com", "HTTPS", "huggingface.co/org/repo/resolve/main/model.gguf?download=true",
            "Allowed", "Hugging Face", "General Browsing", "700", "4294967296", "0", "1", "Business Use", "Information Technology",
            "AI and ML Applications", "None", "None", "0", "None", "None", "HQ", "R&D", "10.2.0.7", "198.51.100.3", "GET", "200",
            "python-requests/2.32 hf_hub/0.26", "None", "None", "None", "application/octet-stream", "None", "erin", "LAPTOP-7", "N/A",
        ];
        string tab = string.Join('\t', values);
        string comma = string.Join(',', values.Select(v => v.Contains(' ', StringComparison.Ordinal) ? $"\"{v}\"" : v));
        string keyValue = string.Join('\t', Lantern.NetLog.Formats.ZscalerNssParser.DefaultOrder.Zip(values, (k, v) => $"{k}={v}"));
        const string Expected = "2026-01-01T09:30:00.000Z|10.2.0.7|erin@example.com|GET|https|huggingface.co|~|/org/repo/resolve/main/model.gguf|download=true|200|4294967296|700|python-requests/2.32 hf_hub/0.26|~|Allowed|AI and ML Applications|application/octet-stream|zscaler-nss|";
        foreach ((string line, int number) in new[] { (tab, 1), (comma, 1), (keyValue, 1) })
        {
            List<ProxyRecord> records = ReadLines([line], Options(), out var stats);
            Assert.Equal(Expected + number, Compact(Assert.Single(records)));
            Assert.Equal("zscaler-nss", stats.FormatsByInput["test.log"]);
        }
    }

    [Fact]
    public void Read_ZscalerCloudNssJson_ReportedAsZscaler()
    {
        const string Line = """{"sourcetype":"zscalernss-web","event":{"time":"Thu Jan  1 09:30:00 2026","login":"erin@example.com","proto":"HTTP","eurl":"registry.ollama.ai/v2/library/qwen/blobs/sha256:abcd","action":"Allowed","reqmethod":"GET","respcode":"307","cip":"10.2.0.7","respsize":"812","reqsize":"300","urlcat":"AI and ML Applications","ua":"ollama/0.5.7"}}""";
        List<ProxyRecord> records = ReadLines([Line, Line], Options(), out var stats);
        Assert.Equal("2026-01-01T09:30:00.000Z|10.2.0.7|erin@example.com|GET|http|registry.ollama.ai|~|/v2/library/qwen/blobs/sha256:abcd|~|307|812|300|ollama/0.5.7|~|Allowed|AI and ML Applications|~|zscaler-nss|2", Compact(records[1]));
        Assert.Equal("zscaler-nss", stats.FormatsByInput["test.log"]);
    }

    [Fact]
    public void Read_CefBehindSyslog_EscapesAndZscalerMapping()
    {
        string[] lines =
        [
            // Generic proxy CEF behind an RFC 5424 header; escaped '=' and '\\' in values, '\|' in the header.
            "<134>1 2026-01-01T10:00:00Z proxy01 squid - - - CEF:0|Acme\\|Labs|WebGW|2.1|100|request allowed|3|rt=1767261600000 src=10.3.0.9 suser=fr\\\\ank requestMethod=GET request=https://huggingface.co/api/models/org/m?expand\\=siblings&api_key\\=k1 requestClientApplication=curl/8.5 a\\=b in=2048 out=100 act=allowed outcome=200 cat=AI",
            // Zscaler NSS CEF feed (§7 mapping): request has no scheme, app carries it.
            "Jan  1 10:05:00 nss CEF:0|Zscaler|NSSWeblog|5.7|Allowed|None|3|rt=Jan 01 2026 10:05:00 act=Allowed app=HTTPS dhost=civitai.com src=10.3.0.10 sourceTranslatedAddress=198.51.100.9 in=5000 out=200 request=civitai.com/api/download/models/12345?type=Model&token=sekrit requestMethod=GET suser=gina outcome=200 cat=AI and ML Applications requestClientApplication=Mozilla/5.0 (Windows NT 10.0)",
        ];
        List<ProxyRecord> records = ReadLines(lines, Options(), out var stats);
        AssertRecords(
        [
            "2026-01-01T10:00:00.000Z|10.3.0.9|fr\\ank|GET|https|huggingface.co|~|/api/models/org/m|expand=siblings|200|2048|100|curl/8.5 a=b|~|allowed|AI|~|cef|1",
            "2026-01-01T10:05:00.000Z|10.3.0.10|gina|GET|https|civitai.com|~|/api/download/models/12345|type=Model|200|5000|200|Mozilla/5.0 (Windows NT 10.0)|~|Allowed|AI and ML Applications|~|cef|2",
        ], records);
        Assert.Equal("cef", stats.FormatsByInput["test.log"]);
    }

    [Fact]
    public void Read_SiemJsonExports_CimEcsAsim()
    {
        string[] lines =
        [
            // Splunk CIM Web, in Splunk's {"result":{…}} export wrapper.
            """{"preview":false,"result":{"_time":"2026-01-01T11:00:00.000+01:00","src":"10.4.0.1","user":"hank","url":"https://hf.co/org/r/resolve/main/a.gguf?download=true&X-Amz-Credential=x","http_method":"GET","status":"200","bytes_in":"3000","bytes_out":"120","http_user_agent":"hf_hub/0.26","dest":"hf.co","action":"allowed"}}""",
            // Elastic ECS, nested and dotted names mixed.
            """{"@timestamp":"2026-01-01T10:01:00Z","source":{"ip":"10.4.0.2"},"user.name":"ivy","url":{"domain":"Modelscope.cn","path":"/api/v1/models/qwen/Qwen2/repo","query":"Revision=master&FilePath=config.json&sig=s"},"http":{"request":{"method":"get"},"response":{"status_code":200,"bytes":777}},"user_agent":{"original":"modelscope/1.20"}}""",
            // Sentinel ASIM web session.
            """{"TimeGenerated":"2026-01-01T10:02:00.5Z","SrcIpAddr":"10.4.0.3","SrcUsername":"jack","Url":"https://github.com/ggml-org/llama.cpp/releases/download/b4000/llama-b4000-bin-win-cuda-x64.zip","HttpRequestMethod":"GET","HttpStatusCode":302,"DstBytes":1500,"SrcBytes":90,"HttpUserAgent":"Wget/1.21","DvcAction":"Allow","UrlCategory":"Software"}""",
        ];
        List<ProxyRecord> records = ReadLines(lines, Options(), out var stats);
        AssertRecords(
        [
            "2026-01-01T10:00:00.000Z|10.4.0.1|hank|GET|https|hf.co|~|/org/r/resolve/main/a.gguf|download=true|200|3000|120|hf_hub/0.26|~|allowed|~|~|jsonl|1",
            "2026-01-01T10:01:00.000Z|10.4.0.2|ivy|GET|~|modelscope.cn|~|/api/v1/models/qwen/Qwen2/repo|Revision=master&FilePath=config.json|200|777|~|modelscope/1.20|~|~|~|~|jsonl|2",
            "2026-01-01T10:02:00.500Z|10.4.0.3|jack|GET|https|github.com|~|/ggml-org/llama.cpp/releases/download/b4000/llama-b4000-bin-win-cuda-x64.zip|~|302|1500|90|Wget/1.21|~|Allow|Software|~|jsonl|3",
        ], records);
        Assert.Equal("jsonl", stats.FormatsByInput["test.log"]);
    }
}
