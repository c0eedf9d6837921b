using System.Text;
using Lantern.NetLog.Reading;
using Lantern.NetLog.Records;
using Xunit;
using static Lantern.NetLog.Tests.Reading.LogFixtures;

namespace Lantern.NetLog.Tests.Reading;

public sealed class ProxyLogReaderEdgeTests
{
    private static string HubLine(int i) =>
        SquidLine(Jan1.AddSeconds(i), "10.0.0.1", "TCP_MISS", 200, 1000 + i, "GET", $"https://huggingface.co/org/m{i}/resolve/main/x.gguf");

    private static string OtherLine(int i) =>
        SquidLine(Jan1.AddSeconds(i), "10.0.0.2", "TCP_MISS", 200, 50, "GET", $"http://intranet.example/page/{i}?q=1");

    /// <summary>A Squid log over several 4 MiB blocks with one hub line in 200 (~0.5 %).</summary>
    private static byte[] MixedLog(int lines, out int hubLines)
    {
        var text = new StringBuilder();
        hubLines = 0;
        for (int i = 0; i < lines; i++)
        {
            bool hub = i % 200 == 7;
            hubLines += hub ? 1 : 0;
            text.Append(hub ? HubLine(i) : OtherLine(i)).Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    [Fact]
    public void Read_PrefilterOnAndOff_SameHubRecords()
    {
        byte[] log = MixedLog(150_000, out int hubLines);
        Assert.True(log.Length > 3 * BlockProducer.BlockBytes);
        List<ProxyRecord> filtered = ReadAll(log, Options(prefilter: true), out ProxyLogStats on);
        List<ProxyRecord> all = ReadAll(log, Options(), out ProxyLogStats off);
        Assert.Equal(hubLines, filtered.Count);
        Assert.Equal(150_000, all.Count);
        Assert.Equal(all.Where(r => r.Host == "huggingface.co").Select(Compact), filtered.Select(Compact));
        Assert.Equal(150_000, on.LinesRead);
        Assert.Equal(on.LinesRead, on.Parsed + on.Skipped + on.Malformed);
        Assert.Equal(150_000 - hubLines, on.Skipped);
        Assert.Equal(log.Length, on.BytesRead);
        Assert.Equal(0, off.Skipped);
        // Line numbers survive block boundaries: line n is the n-th written.
        Assert.All(filtered, r => Assert.Equal(1000 + r.LineNumber - 1, r.BytesToClient));
    }

    [Fact]
    public void Read_NeedleCase_MatchesAsciiCaseInsensitively()
    {
        string line = SquidLine(Jan1, "10.0.0.1", "TCP_MISS", 200, 1, "GET", "https://HUGGINGFACE.CO/a");
        Assert.Equal("huggingface.co", Assert.Single(ReadLines([OtherLine(1), line], Options(prefilter: true), out _)).Host);
    }

    [Fact]
    public void Read_BinaryJunkAndBadLines_CountedMalformedWithLineNumbers()
    {
        var random = new Random(42);
        byte[] junk = new byte[300];
        random.NextBytes(junk);
        junk = [.. junk.Where(b => b != '\n')];
        using var data = new MemoryStream();
        data.Write(Encoding.ASCII.GetBytes(HubLine(1) + "\n"));
        data.Write(junk);
        data.Write("\nnot a log line at all huggingface.co\n\n"u8);
        data.Write(Encoding.ASCII.GetBytes(HubLine(5) + "\n"));
        foreach (bool prefilter in new[] { false, true })
        {
            List<ProxyRecord> records = ReadAll(data.ToArray(), Options(prefilter), out ProxyLogStats stats);
            Assert.Equal([1L, 5L], records.Select(r => r.LineNumber));
            Assert.Equal(5, stats.LinesRead);
            Assert.Equal(prefilter ? 1 : 2, stats.Malformed);
            Assert.Contains(stats.MalformedExamples, m => m.LineNumber == 3 && m.Input == "test.log");
            Assert.Equal(stats.LinesRead, stats.Parsed + stats.Skipped + stats.Malformed);
        }
    }

    [Fact]
    public void Read_MalformedExamples_KeepsOnlyTheConfiguredNumber()
    {
        string[] lines = [HubLine(0), .. Enumerable.Range(0, 30).Select(i => $"{i} garbage"), HubLine(1)];
        var options = Options() with { MaxMalformedExamples = 3 };
        ReadLines(lines, options, out ProxyLogStats stats);
        Assert.Equal(30, stats.Malformed);
        Assert.Equal([2L, 3L, 4L], stats.MalformedExamples.Select(m => m.LineNumber));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_LineOf3MiB_SkippedAsMalformedAndReadingGoesOn(bool prefilter)
    {
        // One 3 MiB line in the middle of a block, one at the very end without a newline.
        string huge = "x huggingface.co " + new string('a', 3 << 20);
        string[] lines = [HubLine(1), huge, HubLine(3)];
        byte[] data = Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n" + huge);
        List<ProxyRecord> records = ReadAll(data, Options(prefilter), out ProxyLogStats stats);
        Assert.Equal([1L, 3L], records.Select(r => r.LineNumber));
        Assert.Equal(4, stats.LinesRead);
        Assert.Equal(2, stats.Malformed);
        Assert.Equal([2L, 4L], stats.MalformedExamples.Select(m => m.LineNumber));
    }

    [Fact]
    public void Read_LineLongerThanABlock_NotBufferedWhole()
    {
        // 9 MiB without a newline: more than the 4 MiB block, so the producer must drop it while reading.
        string huge = new('b', 9 << 20);
        byte[] data = Encoding.ASCII.GetBytes(HubLine(1) + "\n" + huge + "\n" + HubLine(3) + "\n");
        List<ProxyRecord> records = ReadAll(data, Options(prefilter: true), out ProxyLogStats stats);
        Assert.Equal([1L, 3L], records.Select(r => r.LineNumber));
        Assert.Equal(3, stats.LinesRead);
        Assert.Equal(2L, Assert.Single(stats.MalformedExamples).LineNumber);
    }

    [Fact]
    public void Read_CrlfAndNoTrailingNewline_ParsedTheSame()
    {
        byte[] data = Encoding.ASCII.GetBytes(HubLine(1) + "\r\n" + HubLine(2) + "\r\n" + HubLine(3));
        foreach (bool prefilter in new[] { false, true })
        {
            List<ProxyRecord> records = ReadAll(data, Options(prefilter), out ProxyLogStats stats);
            Assert.Equal(3, records.Count);
            Assert.All(records, r => Assert.Null(r.ContentType));
            Assert.Equal("/org/m3/resolve/main/x.gguf", records[2].Path);
            Assert.Equal(3, stats.LinesRead);
        }
    }

    [Fact]
    public void Read_GzipSeveralMembers_ReadsAll()
    {
        byte[] first = Encoding.ASCII.GetBytes(HubLine(1) + "\n" + OtherLine(2) + "\n");
        byte[] second = Encoding.ASCII.GetBytes(HubLine(3) + "\n");
        byte[] data = [.. Gzip(first), .. Gzip(second)];
        List<ProxyRecord> records = ReadAll(data, Options(prefilter: true), out ProxyLogStats stats);
        Assert.Equal([1L, 3L], records.Select(r => r.LineNumber));
        Assert.Empty(stats.Problems);
        Assert.Equal(first.Length + second.Length, stats.BytesRead);
    }

    [Fact]
    public void Read_TruncatedGzip_KeepsRecordsAndRecordsProblem()
    {
        byte[] log = MixedLog(40_000, out _);
        byte[] gzip = Gzip(log);
        byte[] cut = gzip[..(gzip.Length / 2)];
        List<ProxyRecord> whole = ReadAll(gzip, Options(prefilter: true), out ProxyLogStats wholeStats);
        List<ProxyRecord> records = ReadAll(cut, Options(prefilter: true), out ProxyLogStats stats, "cut.log.gz");
        Assert.Empty(wholeStats.Problems);
        Assert.InRange(records.Count, 1, whole.Count - 1);
        Assert.Equal(whole.Take(records.Count - 1).Select(Compact), records.Take(records.Count - 1).Select(Compact));
        InputProblem problem = Assert.Single(stats.Problems);
        Assert.Equal("cut.log.gz", problem.Input);
        Assert.Contains("truncated", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipCutAtEveryOffset_NeverThrowsAndReportsTheCut()
    {
        byte[] gzip = Gzip(Encoding.ASCII.GetBytes(HubLine(1) + "\n" + HubLine(2) + "\n"));
        for (int length = 2; length < gzip.Length; length++)
        {
            ReadAll(gzip[..length], Options(), out ProxyLogStats stats);
            Assert.Single(stats.Problems);
        }
    }

    [Fact]
    public void Read_Zstd_DecodedByMagic()
    {
        byte[] log = MixedLog(5_000, out int hubLines);
        byte[] zstd = Zstd(log);
        List<ProxyRecord> records = ReadAll(zstd, Options(prefilter: true), out ProxyLogStats stats, "access.log.1");
        Assert.Equal(hubLines, records.Count);
        Assert.Empty(stats.Problems);
        ReadAll(zstd[..(zstd.Length * 2 / 3)], Options(prefilter: true), out ProxyLogStats cutStats);
        Assert.Single(cutStats.Problems);
    }

    [Fact]
    public void Read_W3cFieldsChangeMidFile_FollowsNewLayout()
    {
        string[] lines =
        [
            "#Fields: date time c-ip cs-method cs-host cs-uri-path sc-status sc-bytes",
            "2026-01-01 00:00:01 10.0.0.1 GET huggingface.co /a 200 10",
            "#Fields: date time c-ip cs-username cs-method cs-uri sc-status sc-bytes cs(User-Agent)",
            "2026-01-01 00:00:02 10.0.0.2 kim GET https://hf.co/b?download=true 200 20 \"Mozilla/5.0 (Mac OS X)\"",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
            "2026-01-01 00:00:03 192.0.2.7 GET /c token=x 443 - 10.0.0.3 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 5",
        ];
        foreach (bool prefilter in new[] { false, true })
        {
            List<ProxyRecord> records = ReadLines(lines, Options(prefilter) with { PrefilterNeedles = prefilter ? ["huggingface.co", "hf.co", "192.0.2.7"] : null }, out _);
            AssertRecords(
            [
                "2026-01-01T00:00:01.000Z|10.0.0.1|~|GET|~|huggingface.co|~|/a|~|200|10|~|~|~|~|~|~|w3c|2",
                "2026-01-01T00:00:02.000Z|10.0.0.2|kim|GET|https|hf.co|~|/b|download=true|200|20|~|Mozilla/5.0 (Mac OS X)|~|~|~|~|w3c|4",
                "2026-01-01T00:00:03.000Z|10.0.0.3|~|GET|~|192.0.2.7|~|/c|~|200|~|~|Mozilla/5.0 (Windows NT 10.0)|~|~|~|~|w3c|6",
            ], records);
        }
    }

    [Fact]
    public void Read_W3cLineBeforeFields_Malformed()
    {
        ReadLines(["2026-01-01 00:00:01 10.0.0.1 GET huggingface.co /a 200 10"], Options(format: "w3c"), out ProxyLogStats stats);
        Assert.Equal(1, stats.Malformed);
        Assert.Contains("#Fields", stats.MalformedExamples[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MixedFormatsInOneFile_OtherLinesMalformedNotFatal()
    {
        string cef = "CEF:0|V|P|1|1|n|1|request=https://huggingface.co/x src=10.0.0.9";
        List<ProxyRecord> records = ReadLines([HubLine(1), HubLine(2), cef, HubLine(4)], Options(prefilter: true), out ProxyLogStats stats);
        Assert.Equal(3, records.Count);
        Assert.Equal(1, stats.Malformed);
        Assert.Equal("squid", stats.FormatsByInput["test.log"]);
    }

    [Fact]
    public void Read_ForcedSquidCombined_AcceptsCommonLines()
    {
        string common = SquidCombined(Jan1, "10.0.0.1", "-", "GET", "http://ollama.com/download", 200, 5, null, null);
        foreach (string format in new[] { "squid-combined", "squid-common" })
        {
            ProxyRecord record = Assert.Single(ReadLines([common], Options(format: format), out ProxyLogStats stats));
            Assert.Equal("squid-combined", record.SourceFormat);
            Assert.Equal("squid-combined", stats.FormatsByInput["test.log"]);
        }
    }

    [Fact]
    public void Read_UnknownFormat_TriesEveryParserPerLine()
    {
        string[] lines = ["junk", "more junk", HubLine(3)];
        // Detection sees the Squid line too; what matters is that an unrecognised head does not lose later records.
        Assert.Single(ReadLines(lines, Options(), out _));
        List<ProxyRecord> records = ReadLines([.. Enumerable.Repeat("junk", 40), HubLine(41)], Options(), out ProxyLogStats stats);
        Assert.Equal("squid", Assert.Single(records).SourceFormat);
        Assert.Equal("unknown", stats.FormatsByInput["test.log"]);
    }

    [Fact]
    public void Read_CallerStopsEarly_ReaderShutsDown()
    {
        byte[] log = MixedLog(100_000, out _);
        var stats = new ProxyLogStats();
        using var stream = new MemoryStream(log);
        ProxyRecord first = ProxyLogReader.Read(stream, "x", Options(), stats).First();
        Assert.Equal(1, first.LineNumber);
    }

    [Fact]
    public void ReadFile_MissingFile_ProblemNotException()
    {
        var stats = new ProxyLogStats();
        Assert.Empty(ProxyLogReader.ReadFile("/nonexistent/dir/access.log", Options(), stats));
        Assert.Contains("cannot open", Assert.Single(stats.Problems).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_GzipFileOnDisk_Read()
    {
        using var directory = new Lantern.Testing.TempDirectory();
        string path = Path.Combine(directory.Path, "access.log.gz");
        File.WriteAllBytes(path, Gzip(Encoding.ASCII.GetBytes(HubLine(1) + "\n")));
        var stats = new ProxyLogStats();
        ProxyRecord record = Assert.Single(ProxyLogReader.ReadFile(path, Options(), stats));
        Assert.Equal(path, record.SourceFile);
        Assert.Equal("squid", stats.FormatsByInput[path]);
    }

    [Fact]
    public void Read_BadArguments_Throw()
    {
        var stats = new ProxyLogStats();
        Assert.Throws<ArgumentException>(() => ProxyLogReader.Read(Stream.Null, "x", Options(format: "apache"), stats));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxyLogReader.Read(Stream.Null, "x", Options(maxLine: 10), stats));
        Assert.Throws<ArgumentException>(() => ProxyLogReader.Read(Stream.Null, "x", Options() with { PrefilterNeedles = [""] }, stats));
    }

    [Fact]
    public void Read_TruncatedAtEveryOffset_NeverThrows()
    {
        string text = string.Join('\n',
            "#Fields: date time c-ip cs-method cs-uri sc-status", "2026-01-01 00:00:01 10.0.0.1 GET \"https://hf.co/a b\" 200",
            HubLine(2), "CEF:0|Z|P|1|x|y|1|request=hf.co/x\\=y dhost=hf.co", "{\"url\":\"https://hf.co/z\",\"_time\":1767225600}") + "\n";
        byte[] data = Encoding.UTF8.GetBytes(text);
        for (int length = 0; length <= data.Length; length++)
        {
            foreach (string format in new[] { "auto", "w3c", "squid", "squid-combined", "zscaler-nss", "cef", "jsonl" })
            {
                ReadAll(data[..length], Options(format: format), out ProxyLogStats stats);
                Assert.Equal(stats.LinesRead, stats.Parsed + stats.Skipped + stats.Malformed);
            }
        }
    }
}
