using System.IO.Compression;
using System.Text;
using Lantern.Governance.Advisories;
using Lantern.Testing;

namespace Lantern.Governance.Tests.Advisories;

public class AdvisoryImporterTests
{
    private static string Doc(string id, string ecosystem = "PyPI", string name = "vllm", string fixedVersion = "9.9.9") => $$"""
        {"id":"{{id}}","modified":"2026-01-01T00:00:00Z","summary":"test {{id}}",
         "affected":[{"package":{"ecosystem":"{{ecosystem}}","name":"{{name}}"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"{{fixedVersion}}"}]}]}]}
        """;

    private static void WriteZip(string path, params (string Name, byte[] Content)[] entries)
    {
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string name, byte[] content) in entries)
        {
            ZipArchiveEntry e = zip.CreateEntry(name, CompressionLevel.SmallestSize);
            using Stream s = e.Open();
            s.Write(content);
        }
    }

    [Fact]
    public void Import_SingleJson_WritesFileNamedById()
    {
        using var dir = new TempDirectory();
        string src = dir.File("in/some-name.json");
        File.WriteAllText(src, Doc("PYSEC-2099-1"));
        string target = Path.Combine(dir.Path, "target");
        ImportReport report = AdvisoryImporter.Import(src, target);
        Assert.Equal(["PYSEC-2099-1"], report.Imported);
        Assert.True(File.Exists(Path.Combine(target, "PYSEC-2099-1.json")));
        Assert.Empty(Directory.GetFiles(target, "*.tmp"));
        Assert.Contains(AdvisoryDatabase.LoadDefault(target).Match("vllm", "9.0"), m => m.Id == "PYSEC-2099-1");
    }

    [Fact]
    public void Import_Directory_ImportsValidSkipsInvalidAndIrrelevant()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("src/a.json"), Doc("PYSEC-2099-2"));
        File.WriteAllText(dir.File("src/sub/b.json"), Doc("GO-2099-3", "Go", "github.com/ollama/ollama"));
        File.WriteAllText(dir.File("src/c.json"), Doc("PYSEC-2099-4", name: "requests"));
        File.WriteAllText(dir.File("src/d.json"), """{"id":"X-1"}""");
        File.WriteAllText(dir.File("src/notes.txt"), "ignored");
        ImportReport report = AdvisoryImporter.Import(Path.Combine(dir.Path, "src"), Path.Combine(dir.Path, "t"));
        Assert.Equal(["GO-2099-3", "PYSEC-2099-2"], report.Imported);
        Assert.Equal(1, report.NotRelevant);
        ImportSkip skip = Assert.Single(report.Skipped);
        Assert.Contains("modified", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_Zip_ImportsEntriesAndIgnoresEntryNames()
    {
        using var dir = new TempDirectory();
        string zip = dir.File("all.zip");
        WriteZip(zip,
            ("../../evil.json", Encoding.UTF8.GetBytes(Doc("PYSEC-2099-5"))),
            ("/abs/evil2.json", Encoding.UTF8.GetBytes(Doc("PYSEC-2099-6"))),
            ("dir/", []),
            ("readme.md", "x"u8.ToArray()));
        string target = Path.Combine(dir.Path, "deep", "target");
        ImportReport report = AdvisoryImporter.Import(zip, target);
        Assert.Equal(["PYSEC-2099-5", "PYSEC-2099-6"], report.Imported);
        Assert.False(File.Exists(Path.Combine(dir.Path, "deep", "evil.json")));
        Assert.False(File.Exists(Path.Combine(dir.Path, "evil.json")));
        Assert.Equal(["PYSEC-2099-5.json", "PYSEC-2099-6.json"], Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains(report.Skipped, s => s.Source == "readme.md");
    }

    [Fact]
    public void Import_ZipWithTraversalId_Rejected()
    {
        using var dir = new TempDirectory();
        string zip = dir.File("all.zip");
        WriteZip(zip, ("a.json", Encoding.UTF8.GetBytes(Doc("..\\\\..\\\\x"))), ("b.json", Encoding.UTF8.GetBytes(Doc("../x"))));
        ImportReport report = AdvisoryImporter.Import(zip, Path.Combine(dir.Path, "t"));
        Assert.Empty(report.Imported);
        Assert.Equal(2, report.Skipped.Count);
        Assert.All(report.Skipped, s => Assert.Contains("id", s.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Import_OversizedEntry_SkippedWithoutReadingItAll()
    {
        using var dir = new TempDirectory();
        string zip = dir.File("all.zip");
        // A document padded past the limit: valid JSON, but too big.
        string big = Doc("PYSEC-2099-7").Replace("\"summary\":\"", "\"summary\":\"" + new string('a', 5000), StringComparison.Ordinal);
        WriteZip(zip, ("big.json", Encoding.UTF8.GetBytes(big)), ("ok.json", Encoding.UTF8.GetBytes(Doc("PYSEC-2099-8"))));
        ImportReport report = AdvisoryImporter.Import(zip, Path.Combine(dir.Path, "t"), new ImportLimits { MaxDocumentBytes = 2048 });
        Assert.Equal(["PYSEC-2099-8"], report.Imported);
        Assert.Contains(report.Skipped, s => s.Source == "big.json" && s.Reason.Contains("2048", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_ZipBomb_StopsAtTotalBudget()
    {
        using var dir = new TempDirectory();
        string zip = dir.File("bomb.zip");
        byte[] zeros = new byte[1_000_000];
        WriteZip(zip, [.. Enumerable.Range(0, 20).Select(i => ($"z{i}.json", zeros))]);
        Assert.True(new FileInfo(zip).Length < 100_000, "fixture should compress well");
        ImportReport report = AdvisoryImporter.Import(zip, Path.Combine(dir.Path, "t"),
            new ImportLimits { MaxDocumentBytes = 2_000_000, MaxTotalInflatedBytes = 3_500_000 });
        Assert.True(report.Truncated);
        Assert.Empty(report.Imported);
        Assert.Contains(report.Skipped, s => s.Reason.Contains("budget", StringComparison.Ordinal));
        Assert.True(report.Skipped.Count <= 5);
    }

    [Fact]
    public void Import_TooManyEntries_FailsBeforeInflating()
    {
        using var dir = new TempDirectory();
        string zip = dir.File("many.zip");
        WriteZip(zip, [.. Enumerable.Range(0, 11).Select(i => ($"{i}.json", Encoding.UTF8.GetBytes(Doc($"PYSEC-2099-{100 + i}"))))]);
        ImportReport report = AdvisoryImporter.Import(zip, Path.Combine(dir.Path, "t"), new ImportLimits { MaxEntries = 10 });
        Assert.NotNull(report.Failure);
        Assert.Empty(report.Imported);
    }

    [Fact]
    public void Import_CorruptZip_ReportsFailure()
    {
        using var dir = new TempDirectory();
        string zip = dir.File("bad.zip");
        File.WriteAllBytes(zip, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5]);
        ImportReport report = AdvisoryImporter.Import(zip, Path.Combine(dir.Path, "t"));
        Assert.NotNull(report.Failure);
    }

    [Fact]
    public void Import_MissingPath_ReportsFailure()
    {
        using var dir = new TempDirectory();
        ImportReport report = AdvisoryImporter.Import(Path.Combine(dir.Path, "nope"), Path.Combine(dir.Path, "t"));
        Assert.Contains("does not exist", report.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_OversizedFile_Skipped()
    {
        using var dir = new TempDirectory();
        string src = dir.File("big.json");
        File.WriteAllText(src, Doc("PYSEC-2099-9") + new string(' ', 5000));
        ImportReport report = AdvisoryImporter.Import(src, Path.Combine(dir.Path, "t"), new ImportLimits { MaxDocumentBytes = 1000 });
        Assert.Empty(report.Imported);
        Assert.Contains("limit", Assert.Single(report.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_SameIdTwice_OverwritesAtomically()
    {
        using var dir = new TempDirectory();
        string target = Path.Combine(dir.Path, "t");
        File.WriteAllText(dir.File("one.json"), Doc("PYSEC-2099-10", fixedVersion: "1.0"));
        File.WriteAllText(dir.File("two.json"), Doc("PYSEC-2099-10", fixedVersion: "2.0"));
        AdvisoryImporter.Import(dir.File("one.json"), target);
        AdvisoryImporter.Import(dir.File("two.json"), target);
        Assert.Contains("\"2.0\"", File.ReadAllText(Path.Combine(target, "PYSEC-2099-10.json")), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(target));
    }
}
