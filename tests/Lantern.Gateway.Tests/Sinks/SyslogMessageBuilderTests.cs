using System.Text;
using System.Text.Json;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Sinks;

namespace Lantern.Gateway.Tests.Sinks;

public class SyslogMessageBuilderTests
{
    private static readonly SyslogMessageBuilder Builder = new(13, "gw01", "lantern", SiemFormat.Rfc5424, procId: 4711);

    [Fact]
    public void Build_Record_HeaderStructuredDataAndBomJson()
    {
        AuditRecord record = SinkTestKit.Record(7, model: "we\"ird]mo\\del");
        SyslogMessage m = SyslogMessage.Parse(Builder.Build(SiemEvent.ForRecord(record), 42));

        Assert.Equal((13 * 8) + 6, m.Pri);
        Assert.Equal(1, m.Version);
        Assert.Equal("2026-01-02T03:04:12.000000Z", m.Timestamp);
        Assert.Equal("gw01", m.Hostname);
        Assert.Equal("lantern", m.AppName);
        Assert.Equal("4711", m.ProcId);
        Assert.Equal("call", m.MsgId);
        Assert.Equal("42", m.Sd("meta")["sequenceId"]);
        IReadOnlyDictionary<string, string> lantern = m.Sd("lantern@32473");
        Assert.Equal(record.Id, lantern["id"]);
        Assert.Equal("7", lantern["seq"]);
        Assert.Equal(record.ComputeHash(), lantern["hash"]);
        Assert.Equal("we\"ird]mo\\del", lantern["model"]);
        Assert.Equal([0xEF, 0xBB, 0xBF], m.Msg[..3]);
        using JsonDocument ocsf = JsonDocument.Parse(m.Msg.AsMemory(3));
        Assert.Equal(6003, ocsf.RootElement.GetProperty("class_uid").GetInt32());
        Assert.Equal(7, ocsf.RootElement.GetProperty("unmapped").GetProperty("lantern").GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Build_ParamValue_EscapesQuoteBackslashBracketOnly()
    {
        string text = Encoding.UTF8.GetString(Builder.Build(SiemEvent.ForRecord(SinkTestKit.Record(1, model: "a\"b\\c]d=e")), 1));
        Assert.Contains("model=\"a\\\"b\\\\c\\]d=e\"", text);
    }

    [Theory]
    [InlineData(AuditEndState.Blocked, 5)]
    [InlineData(AuditEndState.UpstreamError, 4)]
    [InlineData(AuditEndState.ClientAborted, 6)]
    public void Build_Severity_FollowsEndState(AuditEndState state, int severity)
    {
        AuditRecord record = SinkTestKit.Record(1) with { EndState = state };
        SyslogMessage m = SyslogMessage.Parse(new SyslogMessageBuilder(16, "h", "a", SiemFormat.Rfc5424).Build(SiemEvent.ForRecord(record), 1));
        Assert.Equal((16 * 8) + severity, m.Pri);
    }

    [Fact]
    public void Build_Cef_MessageIsCefWithoutBom()
    {
        var cef = new SyslogMessageBuilder(13, "gw01", "lantern", SiemFormat.Cef);
        SyslogMessage m = SyslogMessage.Parse(cef.Build(SiemEvent.ForRecord(SinkTestKit.Record(3)), 1));
        Assert.StartsWith("CEF:0|Lantern|Lantern Gateway|", Encoding.UTF8.GetString(m.Msg));
    }

    [Fact]
    public void Build_OverCap_CutsMsgOnUtf8BoundaryAndMarksTruncation()
    {
        AuditRecord record = SinkTestKit.Record(9) with { RefusalReason = string.Concat(Enumerable.Repeat("é€😀", 2000)) };
        byte[] full = Builder.Build(SiemEvent.ForRecord(record), 1);
        for (int cap = 600; cap < 2100; cap += 97)
        {
            byte[] cut = Builder.Build(SiemEvent.ForRecord(record), 1, cap);
            Assert.True(cut.Length <= cap, $"{cut.Length} > {cap}");
            SyslogMessage m = SyslogMessage.Parse(cut);
            IReadOnlyDictionary<string, string> lantern = m.Sd("lantern@32473");
            Assert.True(long.Parse(lantern["truncated"]) > cap);
            Assert.Equal("9", lantern["seq"]);
            // Valid UTF-8: strict decoding throws on a split sequence.
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(m.Msg);
        }
        Assert.DoesNotContain("truncated=", Encoding.UTF8.GetString(full));
    }

    [Fact]
    public void Build_Checkpoint_CarriesTreeSizeAndRoot()
    {
        SyslogMessage m = SyslogMessage.Parse(Builder.Build(SiemEvent.ForCheckpoint(SinkTestKit.Checkpoint(1000), DateTimeOffset.UnixEpoch), 5));
        Assert.Equal("checkpoint", m.MsgId);
        Assert.Equal("1000", m.Sd("lantern@32473")["treeSize"]);
        Assert.Equal("1970-01-01T00:00:00.000000Z", m.Timestamp);
    }

    [Fact]
    public void Frame_OctetCounting_LengthSpaceMessage()
    {
        byte[] framed = SyslogMessageBuilder.Frame(Encoding.UTF8.GetBytes("<110>1 - - - - - - é"));
        Assert.Equal("21 <110>1 - - - - - - é", Encoding.UTF8.GetString(framed));
    }

    [Fact]
    public void HeaderField_NonAsciiAndOverlong_SanitisedOrNil()
    {
        Assert.Equal("-", SyslogMessageBuilder.HeaderField("", 48));
        Assert.Equal("h_st", SyslogMessageBuilder.HeaderField("hést", 48));
        Assert.Equal(48, SyslogMessageBuilder.HeaderField(new string('a', 100), 48).Length);
    }
}
