using System.Globalization;
using Lantern.Vetting.Engine;
using Spectre.Console;

namespace Lantern.Cli.Output;

/// <summary>The vet report for people: one row per model, its verdict and its reasons, then a summary line.</summary>
internal static class VetReportTableWriter
{
    private const int MaxReasonsPerRow = 5;

    public static void Write(VetReport report, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(console);
        if (report.Results.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Model vetting[/]");
            table.AddColumn("Verdict");
            table.AddColumn("Format");
            table.AddColumn("Path");
            table.AddColumn("Reasons");
            foreach (VetResult result in report.Results)
            {
                var flat = Lantern.Vetting.Integration.InventoryVetting.Flatten(result).Findings;
                var reasons = flat.Take(MaxReasonsPerRow)
                    .Select(f => f.RuleId + " " + f.Message + (f.Evidence.TryGetValue("member", out string? m) ? " [" + m + "]" : string.Empty))
                    .ToList();
                if (flat.Count > MaxReasonsPerRow)
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture, $"… and {flat.Count - MaxReasonsPerRow} more"));
                }
                table.AddRow(
                    new Markup(Colour(result.Verdict)),
                    new Text(TableReportWriter.Sanitize(result.Format)),
                    new Text(TableReportWriter.Sanitize(result.Path)),
                    new Text(reasons.Count == 0 ? "-" : TableReportWriter.Sanitize(string.Join(Environment.NewLine, reasons))));
            }
            console.Write(table);
        }
        string counts = string.Join(", ", Enum.GetValues<Verdict>().Reverse()
            .Where(v => report.Counts.GetValueOrDefault(v) > 0)
            .Select(v => string.Create(CultureInfo.InvariantCulture, $"{report.Counts[v]} {v.ToReportId()}")));
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{report.Files} file(s) vetted: {Markup.Escape(counts.Length == 0 ? "none" : counts)}; worst: {Colour(report.Worst)}"));
    }

    private static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Malicious => "[bold red]malicious[/]",
        Verdict.Suspicious => "[red]suspicious[/]",
        Verdict.Malformed => "[yellow]malformed[/]",
        Verdict.Incomplete => "[yellow]incomplete[/]",
        Verdict.Safe => "[green]safe[/]",
        _ => "[grey]not-a-model[/]",
    };
}
