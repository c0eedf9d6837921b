using System.Text;
using System.Text.Json;
using Lantern.NetLog.Analysis;
using Lantern.NetLog.Reading;
using Lantern.NetLog.Records;
using Lantern.NetLog.Tests.Hubs;
using Lantern.Testing;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Lantern.NetLog.Tests.Analysis;

public class NetLogOutputTests
{
    private const string Sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly string SchemaPath = Path.Combine(TestPaths.RepoRoot, "docs", "schema", "netlog.schema.json");

    /// <summary>A report with every kind of acquisition and access entry, and reader stats with problems.</summary>
    private static NetLogReport FullReport(Action<Acquisition>? sink = null)
    {
        var stats = new ProxyLogStats();
        stats.AddLines(20);
        stats.AddParsed(15);
        stats.AddSkipped(3);
        stats.AddMalformed("access.log", 4, "too few fields", 10);
        stats.Problems.Add(new InputProblem("old.log.gz", "truncated gzip"));
        stats.FormatsByInput["access.log"] = "squid";
        DateTimeOffset t = TestRecords.T0;
        ProxyRecord[] records =
        [
            TestRecords.Get("https://huggingface.co/org/repo/resolve/main/m.gguf", status: 302, time: t, user: "alice"),
            TestRecords.Get($"https://cdn-lfs.hf.co/repos/ab/cd/{Sha}/{Sha}?response-content-disposition=attachment%3B+filename*%3DUTF-8%27%27m.gguf", bytes: 4_000_000_000, time: t.AddMinutes(2)),
            TestRecords.Get("https://registry.ollama.ai/v2/library/llama3.2/manifests/1b", time: t),
            TestRecords.Get($"https://dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", status: 206, bytes: 10, time: t),
            TestRecords.Get($"https://registry.ollama.ai/v2/library/llama3.2/blobs/sha256:{Sha}", status: 307, time: t),
            TestRecords.Get("https://github.com/ggml-org/llama.cpp/releases/download/b4000/llama-b4000-bin-ubuntu-x64.zip", bytes: 90_000_000, time: t),
            TestRecords.Get("https://huggingface.co/datasets/org/d/resolve/main/a.parquet", time: t),
            TestRecords.Connect("cdn-lfs.hf.co", 5_000_000_000, time: t),
            TestRecords.Get("https://huggingface.co/org/repo", time: t, noTime: true),
            TestRecords.Get("https://huggingface.co/api/models/org/repo", time: t),
        ];
        return NetLogAnalyzer.Analyze(records, stats, new NetLogAnalysisOptions { OnAcquisition = sink });
    }

    [Fact]
    public async Task JsonStreamWriter_FullReport_ValidatesAndMatchesWholeReport()
    {
        using var buffer = new MemoryStream();
        NetLogReport report;
        using (var writer = new NetLogJsonStreamWriter(buffer))
        {
            report = FullReport(writer.WriteAcquisition);
            writer.Finish(report);
        }
        string streamed = Encoding.UTF8.GetString(buffer.ToArray());
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);

        Assert.Empty(schema.Validate(streamed));
        using JsonDocument whole = JsonDocument.Parse(NetLogJson.ToJson(FullReport()));
        using JsonDocument parts = JsonDocument.Parse(streamed);
        // TestRecords numbers lines globally, so the two runs differ only in evidence line numbers.
        string[] Acquisitions(JsonDocument d) => [.. d.RootElement.GetProperty("acquisitions").EnumerateArray()
            .Select(a => System.Text.RegularExpressions.Regex.Replace(JsonSerializer.Serialize(a), "access\\.log:[0-9]+", "access.log:N"))
            .Order(StringComparer.Ordinal)];
        Assert.Equal(Acquisitions(whole), Acquisitions(parts));
        Assert.Equal(JsonSerializer.Serialize(whole.RootElement.GetProperty("stats")), JsonSerializer.Serialize(parts.RootElement.GetProperty("stats")));
        Assert.Equal(whole.RootElement.GetProperty("hubAccess").GetArrayLength(), parts.RootElement.GetProperty("hubAccess").GetArrayLength());
    }

    [Fact]
    public async Task Json_FullReport_ValidatesAgainstSchema()
    {
        NetLogReport report = FullReport();
        Assert.Equal(5, report.Acquisitions.Count);
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);
        ICollection<ValidationError> errors = schema.Validate(NetLogJson.ToJson(report));
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"{e.Kind} at {e.Path}: {e}")));
    }

    [Fact]
    public async Task Json_EmptyReport_ValidatesAgainstSchema()
    {
        NetLogReport report = NetLogAnalyzer.Analyze([], new ProxyLogStats(), new NetLogAnalysisOptions());
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);
        Assert.Empty(schema.Validate(NetLogJson.ToJson(report)));
    }

    [Fact]
    public async Task Json_UnknownProperty_FailsSchema()
    {
        // The schema is closed, so it cannot silently fall behind the serialiser.
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);
        string json = NetLogJson.ToJson(FullReport()).Replace("\"schemaVersion\"", "\"extra\": 1, \"schemaVersion\"", StringComparison.Ordinal);
        Assert.NotEmpty(schema.Validate(json));
    }

    [Fact]
    public void Json_Shape_IsCamelCaseWithKebabEnums()
    {
        using var doc = JsonDocument.Parse(NetLogJson.ToJson(FullReport()));
        JsonElement root = doc.RootElement;
        Assert.Equal(["schemaVersion", "acquisitions", "hubAccess", "stats"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.0", root.GetProperty("schemaVersion").GetString());
        string[] kinds = [.. root.GetProperty("acquisitions").EnumerateArray().Select(a => a.GetProperty("kind").GetString()!)];
        Assert.Contains("runtime-installer", kinds);
        Assert.Contains("hub-transfer", kinds);
        Assert.Contains("github-release", root.GetProperty("acquisitions").EnumerateArray().Select(a => a.GetProperty("hub").GetString()));
        Assert.Equal(4, root.GetProperty("stats").GetProperty("malformedExamples")[0].GetProperty("lineNumber").GetInt64());
    }

    [Fact]
    public void Json_Write_EndsWithNewlineAndMatchesToJson()
    {
        NetLogReport report = FullReport();
        using var stream = new MemoryStream();
        NetLogJson.Write(report, stream);
        Assert.Equal(NetLogJson.ToJson(report) + "\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("plain.gguf", "plain.gguf")]
    [InlineData(null, "")]
    public void Csv_Cell_QuotesAndNeutralisesFormulas(string? value, string expected)
    {
        Assert.Equal(expected, NetLogCsv.Cell(value));
    }

    [Fact]
    public void Csv_Acquisitions_OneRowEachWithHeader()
    {
        NetLogReport report = FullReport();
        var writer = new StringWriter();
        NetLogCsv.WriteAcquisitions(report, writer);
        string[] lines = writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(report.Acquisitions.Count + 1, lines.Length);
        Assert.StartsWith("kind,hub,modelId,file,revision,bytes,", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("model,huggingface,org/repo,m.gguf,main,4000000000,", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_CraftedFileName_IsNeutralised()
    {
        ProxyRecord record = TestRecords.Get($"https://cdn-lfs.hf.co/repos/ab/cd/{Sha}/{Sha}?response-content-disposition=attachment%3Bfilename%3D%22%3DCMD()%2Cx.gguf%22", bytes: 5);
        NetLogReport report = NetLogAnalyzer.Analyze([record], new ProxyLogStats(), new NetLogAnalysisOptions());
        var writer = new StringWriter();
        NetLogCsv.WriteAcquisitions(report, writer);
        Assert.Contains(",\"'=CMD(),x.gguf\",", writer.ToString(), StringComparison.Ordinal);
    }
}
