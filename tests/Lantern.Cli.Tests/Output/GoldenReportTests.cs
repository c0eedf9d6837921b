using Lantern.Cli.Output;
using Lantern.Core.Model;
using Lantern.Testing;

namespace Lantern.Cli.Tests.Output;

/// <summary>
/// Whole reports compared with checked-in golden files (Verify is not in our package mirror).
/// To accept an intended change: run with LANTERN_UPDATE_GOLDEN=1, then review the diff.
/// </summary>
public class GoldenReportTests
{
    private static readonly string GoldenDir = Path.Combine(TestPaths.RepoRoot, "tests", "Lantern.Cli.Tests", "Output", "Golden");

    [Theory]
    [InlineData("full.cdx.json", "cyclonedx", true)]
    [InlineData("empty.cdx.json", "cyclonedx", false)]
    [InlineData("full.json", "json", true)]
    [InlineData("full.table.txt", "table", true)]
    public void Render_Fixture_MatchesGolden(string file, string format, bool full)
    {
        Assert.True(ReportRenderer.TryParseFormat(format, out ReportFormat reportFormat));
        Inventory inventory = full ? InventoryFixtures.Full() : InventoryFixtures.Empty();
        using var writer = new StringWriter();
        if (reportFormat == ReportFormat.Table)
        {
            // A fixed width: Spectre sizes tables to the console.
            TableReportWriter.Write(inventory, ReportRenderer.CreateConsole(writer, colors: false, width: 160));
        }
        else
        {
            ReportRenderer.Render(inventory, reportFormat, writer);
        }
        string actual = writer.ToString().ReplaceLineEndings("\n");
        string path = Path.Combine(GoldenDir, file);
        if (Environment.GetEnvironmentVariable("LANTERN_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(GoldenDir);
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"Golden file {path} is missing; run with LANTERN_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
