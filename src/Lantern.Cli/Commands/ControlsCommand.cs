using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Core.Reporting;
using Lantern.Governance.Controls;
using Spectre.Console;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern controls</c>: the control catalogue and which checks produce evidence for each control.</summary>
internal static class ControlsCommand
{
    public static Command Create()
    {
        var framework = new Option<string?>("--framework")
        {
            Description = "Only this framework: iso27001, iso9001, iso42001, nist-ai-rmf, eu-ai-act.",
        };
        framework.AcceptOnlyFromAmong("iso27001", "iso9001", "iso42001", "nist-ai-rmf", "eu-ai-act");
        var all = new Option<bool>("--all") { Description = "Also list catalogue controls no Lantern check evidences." };
        var format = CommonOptions.Format("table", "table", "json", "markdown");
        var output = CommonOptions.Output();
        var command = new Command("controls", "Print the control catalogue (ISO/IEC 27001, ISO 9001, ISO/IEC 42001, NIST AI RMF, EU AI Act) and the checks that evidence each control.")
        {
            framework, all, format, output,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string? only = parse.GetValue(framework) switch
            {
                null => null,
                "iso27001" => ControlFramework.Iso27001,
                "iso9001" => ControlFramework.Iso9001,
                "iso42001" => ControlFramework.Iso42001,
                "nist-ai-rmf" => ControlFramework.NistAiRmf,
                _ => ControlFramework.EuAiAct,
            };
            Dictionary<string, IReadOnlyList<CheckDescriptor>> coverage = CheckCatalogue.CoverageByControl()
                .ToDictionary(c => c.Control.Id, c => c.Checks, StringComparer.Ordinal);
            var rows = ControlCatalogue.All
                .Where(c => only is null || c.Framework == only)
                .Select(c => (Control: c, Checks: coverage.GetValueOrDefault(c.Id) ?? []))
                .Where(r => parse.GetValue(all) || r.Checks.Count > 0)
                .ToList();
            string chosen = parse.GetValue(format)!;
            if (chosen == "table" && parse.GetValue(output) is null)
            {
                var table = new Table().Border(TableBorder.Rounded).Title("Controls and the checks that evidence them");
                table.AddColumns("Control", "Title", "Checks");
                foreach (var (control, checks) in rows)
                {
                    table.AddRow(Markup.Escape(control.Id), Markup.Escape(control.Title), Markup.Escape(checks.Count == 0 ? "-" : string.Join(", ", checks.Select(c => c.Id))));
                }
                AnsiConsole.Write(table);
                return ExitCodes.Ok;
            }
            string text = chosen switch
            {
                "json" => Json(rows),
                _ => Markdown(rows),
            };
            await ReportOutput.WriteTextAsync(text, parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Json(List<(ControlDefinition Control, IReadOnlyList<CheckDescriptor> Checks)> rows)
    {
        var array = new JsonArray();
        foreach (var (control, checks) in rows)
        {
            var node = new JsonObject
            {
                ["id"] = control.Id,
                ["framework"] = control.Framework,
                ["number"] = control.Number,
                ["title"] = control.Title,
                ["relevance"] = control.Relevance,
                ["checks"] = new JsonArray([.. checks.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id,
                    ["title"] = c.Title,
                    ["produces"] = c.Produces,
                    ["command"] = c.Command,
                })]),
            };
            if (control.Applies is { } applies)
            {
                node["appliesFrom"] = applies.AppliesFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                node["scope"] = applies.Scope;
                if (applies.Uncertainty is not null)
                {
                    node["uncertainty"] = applies.Uncertainty;
                }
            }
            array.Add(node);
        }
        var root = new JsonObject { ["kind"] = "LanternControlCatalogue", ["version"] = "1", ["controls"] = array };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string Markdown(List<(ControlDefinition Control, IReadOnlyList<CheckDescriptor> Checks)> rows)
    {
        var text = new StringBuilder();
        text.Append("| Control | Title | Checks that produce evidence |\n| --- | --- | --- |\n");
        foreach (var (control, checks) in rows)
        {
            text.Append("| `").Append(control.Id).Append("` | ").Append(Cell(control.Title)).Append(" | ")
                .Append(checks.Count == 0 ? "—" : string.Join(", ", checks.Select(c => $"`{c.Id}` {Cell(c.Title)}")))
                .Append(" |\n");
        }
        return text.ToString();
    }

    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
