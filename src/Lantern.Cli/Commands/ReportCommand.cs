using System.CommandLine;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.Governance.Evidence;
using Lantern.Governance.Policy;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern report evidence|risk-register</c>: auditor-facing documents from a saved inventory (docs/auditor-guide.md).</summary>
internal static class ReportCommand
{
    public static Command Create() =>
        new("report", "Auditor-facing reports from a saved inventory and the policy.") { Evidence(), RiskRegisterCommand() };

    private static Command Evidence()
    {
        var inventoryOption = new Option<string>("--inventory") { Description = "A report from lantern scan --format json.", Required = true };
        var policyOption = new Option<string?>("--policy") { Description = "The policy YAML file; without it the policy checks show as not assessed." };
        var format = CommonOptions.Format("markdown", "markdown", "html");
        var output = CommonOptions.Output();
        var asOf = PolicyCommand.AsOf();
        var command = new Command("evidence", "Evidence summary grouped by control (markdown or HTML).") { inventoryOption, policyOption, format, output, asOf };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!TryLoad(parse, inventoryOption, policyOption, asOf, out Inventory? inventory, out LocalAiPolicy? policy, out IReadOnlyList<Finding> findings, out DateOnly today, out int exit))
            {
                return exit;
            }
            // The evidence date is the as-of day when one is given, so a re-run for a past audit is reproducible.
            DateTimeOffset generatedAt = parse.GetValue(asOf) is null ? DateTimeOffset.UtcNow : new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            EvidenceReport report = EvidenceReport.Build(inventory!, policy, findings, generatedAt);
            string text = parse.GetValue(format) == "html" ? EvidenceReportWriter.Html(report) : EvidenceReportWriter.Markdown(report);
            await ReportOutput.WriteTextAsync(text, parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RiskRegisterCommand()
    {
        var inventoryOption = new Option<string>("--inventory") { Description = "A report from lantern scan --format json.", Required = true };
        var policyOption = new Option<string?>("--policy") { Description = "The policy YAML file (owners, existing controls, policy findings)." };
        var format = CommonOptions.Format("markdown", "csv", "json", "markdown");
        var output = CommonOptions.Output();
        var asOf = PolicyCommand.AsOf();
        var command = new Command("risk-register", "Risk register rows for local AI inference (CSV, JSON or markdown).") { inventoryOption, policyOption, format, output, asOf };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!TryLoad(parse, inventoryOption, policyOption, asOf, out Inventory? inventory, out LocalAiPolicy? policy, out IReadOnlyList<Finding> findings, out DateOnly today, out int exit))
            {
                return exit;
            }
            IReadOnlyList<RiskRow> rows = RiskRegister.Build(inventory!, policy, findings, today);
            string text = parse.GetValue(format) switch
            {
                "csv" => RiskRegisterWriter.Csv(rows),
                "json" => RiskRegisterWriter.Json(rows),
                _ => RiskRegisterWriter.Markdown(rows),
            };
            await ReportOutput.WriteTextAsync(text, parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Inventory, optional policy, and every finding: the scan's own plus a fresh policy evaluation.</summary>
    private static bool TryLoad(
        ParseResult parse, Option<string> inventoryOption, Option<string?> policyOption, Option<string?> asOf,
        out Inventory? inventory, out LocalAiPolicy? policy, out IReadOnlyList<Finding> findings, out DateOnly today, out int exit)
    {
        inventory = null;
        policy = null;
        findings = [];
        if (!GovernanceInputs.TryParseAsOf(parse.GetValue(asOf), out today))
        {
            exit = Errors.Usage($"--as-of '{parse.GetValue(asOf)}' is not a date like 2026-12-31.");
            return false;
        }
        string? policyPath = parse.GetValue(policyOption);
        if (policyPath is not null)
        {
            policy = GovernanceInputs.LoadPolicy(policyPath, today, out exit);
            if (policy is null)
            {
                return false;
            }
        }
        inventory = GovernanceInputs.LoadInventory(parse.GetValue(inventoryOption)!, out exit);
        if (inventory is null)
        {
            return false;
        }
        if (policy is not null)
        {
            inventory = GovernanceInputs.ApplyPolicy(inventory, policy, today);
        }
        findings = inventory.Findings;
        exit = ExitCodes.Ok;
        return true;
    }
}
