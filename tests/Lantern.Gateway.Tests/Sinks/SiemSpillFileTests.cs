using System.Text;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Sinks;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Sinks;

public class SiemSpillFileTests
{
    [Fact]
    public async Task Resume_GarbageAndTornLines_ValidEventsDeliveredRestCountedAsDropped()
    {
        using var temp = new TempDirectory("siem");
        string output = Path.Combine(temp.Path, "events.jsonl");
        SiemSinkSpec spec = SiemSinkSpec.Parse("file://" + output);
        string spill = Path.Combine(temp.Path, "spill", spec.Id + ".spill");
        Directory.CreateDirectory(Path.GetDirectoryName(spill)!);
        byte[] first = SiemEvent.ForRecord(SinkTestKit.Record(1)).ToSpillLine();
        byte[] second = SiemEvent.ForRecord(SinkTestKit.Record(2)).ToSpillLine();
        using (var f = File.Create(spill))
        {
            f.Write(first);
            f.WriteByte((byte)'\n');
            f.Write("{\"kind\":\"record\",\"record\":{\"v\":1}}\n"u8);
            f.Write("not json at all \u0000\n"u8);
            f.Write(second);
            f.WriteByte((byte)'\n');
            f.Write(first.AsSpan(0, 40)); // torn by a crash: no newline
        }

        await using (var forwarder = new SiemForwarder([spec], Path.Combine(temp.Path, "spill"), SinkTestKit.FastLimits()))
        {
            await SinkTestKit.WaitUntilAsync(() => forwarder.Status()[0].QueueDepth == 0, "replay");
            Assert.Equal(2, forwarder.Status()[0].Dropped);
        }
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(1, AuditRecord.Parse(Encoding.UTF8.GetBytes(lines[0])).Seq);
        Assert.Equal(2, AuditRecord.Parse(Encoding.UTF8.GetBytes(lines[1])).Seq);
        Assert.Contains("\"type\":\"dropped\"", lines[2]);
        Assert.Contains("\"count\":2", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Open_SecondHolder_Refused()
    {
        using var temp = new TempDirectory("siem");
        using SiemSpillFile first = SiemSpillFile.Open(temp.Path, "sink-a", 1 << 20);
        var ex = Assert.Throws<IOException>(() => SiemSpillFile.Open(temp.Path, "sink-a", 1 << 20));
        Assert.Contains("in use", ex.Message);
    }

    [Fact]
    public void SpillLine_AllKinds_RoundTrip()
    {
        AuditRecord record = SinkTestKit.Record(5) with { PromptText = "é\n\"x\"" };
        SiemEvent? r = SiemEvent.FromSpillLine(SiemEvent.ForRecord(record).ToSpillLine());
        Assert.Equal(record.ComputeHash(), r!.RecordHash);
        AuditCheckpoint checkpoint = SinkTestKit.Checkpoint(9);
        SiemEvent? c = SiemEvent.FromSpillLine(SiemEvent.ForCheckpoint(checkpoint, DateTimeOffset.UnixEpoch).ToSpillLine());
        Assert.Equal(checkpoint.Text, c!.Checkpoint!.Text);
        Assert.Equal(DateTimeOffset.UnixEpoch, c.Time);
        var drop = new SiemDropNotice("s", 3, 1, 7, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), "spill file full");
        Assert.Equal(drop, SiemEvent.FromSpillLine(SiemEvent.ForDrop(drop).ToSpillLine())!.Drop);
        Assert.Null(SiemEvent.FromSpillLine("[1,2]"u8));
        Assert.Null(SiemEvent.FromSpillLine("{\"time\":\"x\",\"kind\":\"record\"}"u8));
    }
}
