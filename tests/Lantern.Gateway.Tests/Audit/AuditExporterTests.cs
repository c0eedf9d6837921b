using System.Text.Json.Nodes;
using Lantern.Gateway.Audit;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Audit;

public class AuditExporterTests
{
    [Fact]
    public void Export_Jsonl_WritesTheStoredLinesInTheTimeWindow()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10, segmentRecords: 3);
        var output = new StringWriter();
        DateTimeOffset since = AuditLogFixture.Record(4).StartTime;
        DateTimeOffset until = AuditLogFixture.Record(8).StartTime;
        AuditExportResult result = AuditExporter.Export(dir.Path, AuditExportFormat.Jsonl, since, until, output);
        Assert.Equal(4, result.RecordsWritten);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] stored = [.. Directory.GetFiles(dir.Path, "audit-*.jsonl").Order(StringComparer.Ordinal).SelectMany(AuditLogFixture.Lines)];
        Assert.Equal(stored[3..7], lines);
    }

    [Fact]
    public void Export_SkipsJunkLinesAndCountsThem()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 3);
        File.AppendAllText(AuditLogFixture.SingleSegment(dir.Path), "junk\n");
        AuditExportResult result = AuditExporter.Export(dir.Path, AuditExportFormat.Cef, null, null, new StringWriter());
        Assert.Equal(new AuditExportResult(3, 1), result);
    }

    [Fact]
    public void OcsfFormat_Record_IsApiActivityWithAiOperationProfile()
    {
        AuditRecord record = AuditLogFixture.Record(1) with { Seq = 17 };
        JsonObject o = JsonNode.Parse(OcsfFormatter.Format(record))!.AsObject();
        Assert.Equal(6, (int)o["category_uid"]!);
        Assert.Equal(6003, (int)o["class_uid"]!);
        Assert.Equal(1, (int)o["activity_id"]!);
        Assert.Equal(600301, (int)o["type_uid"]!);
        Assert.Equal(1, (int)o["severity_id"]!);
        Assert.Equal(record.StartTime.ToUnixTimeMilliseconds(), (long)o["time"]!);
        Assert.Equal("1.8.0", (string)o["metadata"]!["version"]!);
        Assert.Equal("Lantern", (string)o["metadata"]!["product"]!["name"]!);
        Assert.Contains("ai_operation", o["metadata"]!["profiles"]!.AsArray().Select(p => (string)p!));
        Assert.Contains("data_classification", o["metadata"]!["profiles"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(17, (long)o["metadata"]!["sequence"]!);
        Assert.Equal("alice", (string)o["actor"]!["user"]!["name"]!);
        Assert.Equal(4242, (int)o["actor"]!["process"]!["pid"]!);
        Assert.Equal("POST /api/chat", (string)o["api"]!["operation"]!);
        Assert.Equal("127.0.0.1", (string)o["src_endpoint"]!["ip"]!);
        Assert.Equal(50123, (int)o["src_endpoint"]!["port"]!);
        Assert.Equal("POST", (string)o["http_request"]!["http_method"]!);
        Assert.Equal(200, (int)o["http_response"]!["code"]!);
        Assert.Equal("llama3.2:latest", (string)o["ai_model"]!["name"]!);
        Assert.Equal(record.ModelDigest, (string)o["ai_model"]!["uid"]!);
        Assert.Equal("ollama", (string)o["ai_model"]!["ai_provider"]!);
        Assert.Equal(11, (long)o["message_context"]!["prompt_tokens"]!);
        Assert.Equal(21, (long)o["message_context"]!["completion_tokens"]!);
        Assert.Equal(32, (long)o["message_context"]!["total_tokens"]!);
        Assert.Equal(99, (int)o["data_classification"]!["confidentiality_id"]!);
        Assert.Equal(2, (long)o["unmapped"]!["lantern"]!["detector_hits"]!["email"]!);
        Assert.Equal("coding", (string)o["unmapped"]!["lantern"]!["use_case"]!);
    }

    [Fact]
    public void OcsfFormat_BlockedCall_IsDeniedWithHigherSeverityAndNoTextByDefault()
    {
        AuditRecord record = AuditLogFixture.Record(1, AuditEndState.Blocked) with
        {
            RefusalReason = "model not approved",
            PromptText = "secret prompt",
            DataClass = "Restricted",
            Route = new AuditRoute("DELETE", "/api/delete"),
        };
        JsonObject o = JsonNode.Parse(OcsfFormatter.Format(record))!.AsObject();
        Assert.Equal(600304, (int)o["type_uid"]!);
        Assert.Equal(3, (int)o["severity_id"]!);
        Assert.Equal(2, (int)o["action_id"]!);
        Assert.Equal(2, (int)o["disposition_id"]!);
        Assert.Equal("model not approved", (string)o["api"]!["response"]!["message"]!);
        Assert.Equal(6, (int)o["data_classification"]!["confidentiality_id"]!);
        Assert.DoesNotContain("secret prompt", o.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("secret prompt", OcsfFormatter.Format(record, includeText: true), StringComparison.Ordinal);
    }

    [Fact]
    public void CefFormat_Record_HasHeaderAndMappedExtensions()
    {
        AuditRecord record = AuditLogFixture.Record(1) with { Seq = 9, PromptText = "never in CEF" };
        string line = CefFormatter.Format(record, "gw01");
        Assert.StartsWith("CEF:0|Lantern|Lantern Gateway|", line, StringComparison.Ordinal);
        string[] header = line.Split('|');
        Assert.Equal("gateway-completed", header[4]);
        Assert.Equal("AI call", header[5]);
        Assert.Equal("1", header[6]);
        Assert.Contains($"rt={record.EndTime.ToUnixTimeMilliseconds()}", line, StringComparison.Ordinal);
        Assert.Contains("dvchost=gw01", line, StringComparison.Ordinal);
        Assert.Contains("suser=alice", line, StringComparison.Ordinal);
        Assert.Contains("src=127.0.0.1 spt=50123", line, StringComparison.Ordinal);
        Assert.Contains("request=/api/chat", line, StringComparison.Ordinal);
        Assert.Contains("act=allow", line, StringComparison.Ordinal);
        Assert.Contains("cs1Label=model cs1=llama3.2:latest", line, StringComparison.Ordinal);
        Assert.Contains("cs2Label=modelDigest cs2=sha256:", line, StringComparison.Ordinal);
        Assert.Contains("cs5Label=detectorHits cs5=email:2", line, StringComparison.Ordinal);
        Assert.Contains("cn1Label=tokensIn cn1=11", line, StringComparison.Ordinal);
        Assert.Contains("flexNumber1Label=seq flexNumber1=9", line, StringComparison.Ordinal);
        Assert.Contains($"externalId={record.Id}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("never in CEF", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void CefFormat_HostileValues_AreEscaped()
    {
        AuditRecord record = AuditLogFixture.Record(1, AuditEndState.Blocked) with
        {
            Caller = new AuditCaller { User = "eve=admin\\x|y\nz\rw" },
            RefusalReason = "a=b",
        };
        string line = CefFormatter.Format(record, "host|with\\pipe");
        Assert.Contains("suser=eve\\=admin\\\\x|y\\nz\\rw", line, StringComparison.Ordinal);
        Assert.Contains("reason=a\\=b", line, StringComparison.Ordinal);
        Assert.Contains("dvchost=host|with\\\\pipe", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.Contains("|AI call blocked by policy|5|", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a=b", "a=b")]
    [InlineData("a\nb", "a b")]
    public void EscapeHeader_SpecialCharacters_FollowCef(string raw, string escaped)
    {
        Assert.Equal(escaped, CefFormatter.EscapeHeader(raw));
    }

    [Theory]
    [InlineData("a=b", "a\\=b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a|b", "a|b")]
    [InlineData("a\r\nb", "a\\r\\nb")]
    public void EscapeExtension_SpecialCharacters_FollowCef(string raw, string escaped)
    {
        Assert.Equal(escaped, CefFormatter.EscapeExtension(raw));
    }
}
