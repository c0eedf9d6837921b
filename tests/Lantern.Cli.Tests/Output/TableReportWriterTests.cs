using Lantern.Cli.Output;
using Lantern.Core.Model;

namespace Lantern.Cli.Tests.Output;

public class TableReportWriterTests
{
    private static string Render(Inventory inventory, int width = 240)
    {
        using var writer = new StringWriter();
        TableReportWriter.Write(inventory, ReportRenderer.CreateConsole(writer, colors: false, width: width));
        return writer.ToString();
    }

    [Fact]
    public void Write_Full_ShowsHeaderEverySectionAndSummary()
    {
        string text = Render(InventoryFixtures.Full());
        Assert.Contains("Lantern scan of ws-042.corp.example as alice at 2026-03-14 09:26:53Z: INCOMPLETE", text);
        foreach (string title in new[] { "Runtimes", "Models", "Listening servers", "Processes", "Findings", "Problems" })
        {
            Assert.Contains(title, text);
        }
        Assert.Contains("3 runtimes, 5 model files (4 distinct), 2 servers (1 exposed), 1 process, 2 findings, 1 problem.", text);
        Assert.Contains("Scan INCOMPLETE", text);
        Assert.DoesNotContain("\u001b[", text);
    }

    [Fact]
    public void Write_Full_ShowsRowValues()
    {
        string text = Render(InventoryFixtures.Full());
        Assert.Contains("2 (critical)", text);               // Ollama advisories, worst first
        Assert.Contains("1 (medium)", text);                 // llama.cpp
        Assert.Contains("1.2 GiB", text);                    // 1,321,083,008 bytes
        Assert.Contains("Q8_0", text);
        Assert.Contains("6a1a2eb6d156", text);               // short digest
        Assert.DoesNotContain(InventoryFixtures.LlamaSha, text);
        Assert.Contains("llama3.2", text);
        Assert.Contains("0.0.0.0:11434", text);
        Assert.Contains("1.5 GiB", text);                    // GPU memory of pid 1234
        Assert.Contains("LNT-SRV-001", text);
        Assert.Contains("critical", text);
        Assert.Contains("unreadable", text);
        Assert.Contains("/root/.ollama", text);
        Assert.Contains("not-a-model", text);
    }

    [Fact]
    public void Write_PathWithMarkup_RendersLiterally()
    {
        // The fixture's second artifact is "/home/alice/models/[red]llama-copy.gguf" with no model name,
        // so the file name is shown; Spectre would throw or colour it if it were parsed as markup.
        string text = Render(InventoryFixtures.Full());
        Assert.Contains("[red]llama-copy.gguf", text);
    }

    [Fact]
    public void Write_MarkupEverywhere_RendersLiterally()
    {
        Inventory inventory = InventoryFixtures.Empty() with
        {
            Host = "[bold]host",
            User = "[/]",
            Complete = true,
            Problems = [new ScanProblem { Subject = "[red]/x", Code = "unreadable", Message = "[link]y[/]" }],
        };
        string text = Render(inventory);
        Assert.Contains("[bold]host", text);
        Assert.Contains("as [/] at", text);
        Assert.Contains("[red]/x", text);
        Assert.Contains("[link]y[/]", text);
    }

    [Fact]
    public void Write_TerminalEscapeInName_IsNeutralised()
    {
        Inventory inventory = InventoryFixtures.Empty() with
        {
            Artifacts = [new ModelArtifact { Path = "/m/evil\u001b]0;pwned\u0007\u202Efdog.gguf", Format = "gguf" }],
        };
        string text = Render(inventory);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.DoesNotContain('\u202E', text);
        Assert.Contains("evil\uFFFD]0;pwned\uFFFD\uFFFDfdog.gguf", text);
    }

    [Fact]
    public void Write_Empty_SaysNoneFoundAndComplete()
    {
        string text = Render(InventoryFixtures.Empty());
        Assert.Contains("Runtimes: none found.", text);
        Assert.Contains("Models: none found.", text);
        Assert.Contains("0 runtimes, 0 model files (0 distinct), 0 servers (0 exposed), 0 processes, 0 findings, 0 problems.", text);
        Assert.Contains("Scan complete.", text);
    }

    [Fact]
    public void Write_UnvettedArtifact_IsNeverShownSafe()
    {
        Inventory inventory = InventoryFixtures.Empty() with
        {
            Artifacts = [new ModelArtifact { Path = "/m/a.gguf", Format = "gguf" }],
        };
        string text = Render(inventory);
        Assert.Contains("not vetted", text);
        Assert.DoesNotContain("safe", text);
    }

    [Fact]
    public void Write_LongCommandLine_IsTruncated()
    {
        string command = "/usr/bin/llama-server " + new string('x', 500);
        Inventory inventory = InventoryFixtures.Empty() with
        {
            Processes = [new InferenceProcess { Pid = 7, Name = "llama-server", CommandLine = command }],
        };
        string text = Render(inventory, width: 400);
        Assert.Contains("…", text);
        Assert.DoesNotContain(new string('x', 100), text);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1_321_083_008, "1.2 GiB")]
    [InlineData(long.MaxValue, "8.0 EiB")]
    public void HumanSize_Formats(long bytes, string expected)
    {
        Assert.Equal(expected, TableReportWriter.HumanSize(bytes));
    }
}
