using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Cli.Output;
using Lantern.Cli.Tests.Output;
using Lantern.Core.Findings;
using Lantern.Testing;
using Lantern.Vetting.Engine;
using NJsonSchema;
using Xunit;

namespace Lantern.Cli.Tests.Vet;

[Collection(ConsoleTests.Name)]
public sealed class SarifOutputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<JsonSchema> SarifSchema() =>
        JsonSchema.FromFileAsync(Path.Combine(TestPaths.SharedDir!, "schemas", "sarif", "sarif-schema-2.1.0.json"));

    private async Task<string> SarifOfMaliciousAsync()
    {
        string path = _dir.File("models/model.gguf");
        File.WriteAllBytes(path, VetCommandTests.Gguf("{{ ().__class__.__base__ }}"));
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _dir.Path;
        try
        {
            (int exit, string stdout, _) = await VetCommandTests.RunAsync(path, "--format", "sarif");
            Assert.Equal(1, exit);
            return stdout;
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [SharedFact]
    public async Task Sarif_ValidatesAgainstSchema()
    {
        string sarif = await SarifOfMaliciousAsync();

        var errors = (await SarifSchema()).Validate(sarif);

        Assert.True(errors.Count == 0, SchemaErrors.Describe(errors));
    }

    [SharedFact]
    public async Task Sarif_BrokenDocument_ValidatorBites()
    {
        JsonNode doc = JsonNode.Parse(await SarifOfMaliciousAsync())!;
        doc["runs"]![0]!["results"]![0]!["level"] = "fatal";
        doc["version"] = "3.0";

        var errors = (await SarifSchema()).Validate(doc.ToJsonString());

        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task Sarif_ResultShape_ForCodeScanning()
    {
        using JsonDocument doc = JsonDocument.Parse(await SarifOfMaliciousAsync());
        JsonElement run = doc.RootElement.GetProperty("runs")[0];
        JsonElement driver = run.GetProperty("tool").GetProperty("driver");
        JsonElement result = run.GetProperty("results")[0];
        JsonElement location = result.GetProperty("locations")[0].GetProperty("physicalLocation");

        Assert.Equal("lantern", driver.GetProperty("name").GetString());
        JsonElement rule = driver.GetProperty("rules")[result.GetProperty("ruleIndex").GetInt32()];
        Assert.Equal(result.GetProperty("ruleId").GetString(), rule.GetProperty("id").GetString());
        Assert.Equal("9.5", rule.GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.Equal("error", rule.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("error", result.GetProperty("level").GetString());
        Assert.Equal("models/model.gguf", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("%SRCROOT%", location.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
        Assert.True(location.GetProperty("region").GetProperty("byteOffset").GetInt64() > 0);
        Assert.Equal(32, result.GetProperty("partialFingerprints").GetProperty("lanternFindingHash/v1").GetString()!.Length);
    }

    [Fact]
    public void Sarif_ArchiveMember_LogicalLocationAndNoRegion()
    {
        var finding = new VetFinding
        {
            RuleId = "LNT-PKL-001", Implies = Verdict.Suspicious, Severity = Severity.High, Message = "import of x.y",
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["offset"] = "12" },
        };
        string file = Path.Combine(_dir.Path, "m.pt");
        var report = new VetReport
        {
            Results = [new VetResult { Path = file, Format = "pytorch-zip", Verdict = Verdict.Suspicious, Members = [new VetResult { Path = file + "!archive/data.pkl", Format = "pickle", Verdict = Verdict.Suspicious, Findings = [finding] }] }],
            Counts = new Dictionary<Verdict, long> { [Verdict.Suspicious] = 1 },
            Worst = Verdict.Suspicious,
            BaseDirectory = _dir.Path,
        };
        using var writer = new StringWriter();

        SarifWriter.Write(report, writer);

        using JsonDocument doc = JsonDocument.Parse(writer.ToString());
        JsonElement result = doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("warning", result.GetProperty("level").GetString());
        Assert.Equal("archive/data.pkl", result.GetProperty("properties").GetProperty("member").GetString());
        Assert.Equal("archive/data.pkl", result.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("name").GetString());
        Assert.False(result.GetProperty("locations")[0].GetProperty("physicalLocation").TryGetProperty("region", out _));
        Assert.Equal("m.pt", result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [Fact]
    public void ArtifactUri_OutsideBase_AbsoluteFileUri()
    {
        (string uri, bool relative) = SarifWriter.ArtifactUri(Path.Combine(_dir.Path, "repo"), Path.Combine(_dir.Path, "other", "a b.gguf"));

        Assert.False(relative);
        Assert.StartsWith("file://", uri, StringComparison.Ordinal);
        Assert.Contains("a%20b.gguf", uri, StringComparison.Ordinal);
    }

    [Fact]
    public void Level_Verdicts_MapAsDocumented()
    {
        Assert.Equal("error", SarifWriter.Level(Verdict.Malicious));
        Assert.Equal("error", SarifWriter.Level(Verdict.Malformed));
        Assert.Equal("warning", SarifWriter.Level(Verdict.Suspicious));
        Assert.Equal("note", SarifWriter.Level(Verdict.Incomplete));
    }
}
