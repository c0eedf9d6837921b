using System.Text;
using System.Text.Json;
using Lantern.Cli.Output;
using Lantern.Core.Reporting;

namespace Lantern.Cli.Tests.Output;

public class ReportRendererTests
{
    [Theory]
    [InlineData("table", "Table")]
    [InlineData("JSON", "Json")]
    [InlineData("cyclonedx", "CycloneDx")]
    [InlineData(" CycloneDX ", "CycloneDx")]
    public void TryParseFormat_KnownName_Parses(string value, string expected)
    {
        // ReportFormat is internal, so the theory names the member as a string.
        Assert.True(ReportRenderer.TryParseFormat(value, out ReportFormat format));
        Assert.Equal(expected, format.ToString());
    }

    [Theory]
    [InlineData("sarif")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseFormat_Unknown_Fails(string? value)
    {
        Assert.False(ReportRenderer.TryParseFormat(value, out _));
    }

    [Fact]
    public void FormatNames_AllParse()
    {
        Assert.All(ReportRenderer.FormatNames, name => Assert.True(ReportRenderer.TryParseFormat(name, out _)));
        Assert.Equal(Enum.GetValues<ReportFormat>().Length, ReportRenderer.FormatNames.Count);
    }

    [Fact]
    public void Render_Json_ToStreamAndWriter_AreTheInventoryJson()
    {
        var inventory = InventoryFixtures.Full();
        using var stream = new MemoryStream();
        ReportRenderer.Render(inventory, ReportFormat.Json, stream);
        using var writer = new StringWriter();
        ReportRenderer.Render(inventory, ReportFormat.Json, writer);
        string expected = InventoryJson.ToJson(inventory) + "\n";
        Assert.Equal(expected, Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Equal(expected, writer.ToString());
    }

    [Fact]
    public void Render_CycloneDx_ToStreamAndWriter_Agree()
    {
        var inventory = InventoryFixtures.Full();
        using var stream = new MemoryStream();
        ReportRenderer.Render(inventory, ReportFormat.CycloneDx, stream);
        using var writer = new StringWriter();
        ReportRenderer.Render(inventory, ReportFormat.CycloneDx, writer);
        byte[] bytes = stream.ToArray();
        Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.Equal(writer.ToString(), Encoding.UTF8.GetString(bytes));
        using var doc = JsonDocument.Parse(bytes);
        Assert.Equal("CycloneDX", doc.RootElement.GetProperty("bomFormat").GetString());
    }

    [Fact]
    public void Render_Table_ToStream_IsPlainUtf8WithoutBom()
    {
        using var stream = new MemoryStream();
        ReportRenderer.Render(InventoryFixtures.Full(), ReportFormat.Table, stream);
        byte[] bytes = stream.ToArray();
        Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
        string text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("Lantern scan of ws-042.corp.example", text);
        Assert.DoesNotContain("\u001b[", text);
    }

    [Fact]
    public void Render_TableWithColours_EmitsAnsi()
    {
        using var writer = new StringWriter();
        ReportRenderer.Render(InventoryFixtures.Full(), ReportFormat.Table, writer, colors: true);
        Assert.Contains("\u001b[", writer.ToString());
    }

    [Fact]
    public void Render_JsonOnConsole_WritesToItsWriter()
    {
        using var writer = new StringWriter();
        ReportRenderer.Render(InventoryFixtures.Empty(), ReportFormat.Json, ReportRenderer.CreateConsole(writer));
        Assert.Equal(InventoryJson.ToJson(InventoryFixtures.Empty()) + "\n", writer.ToString());
    }
}
