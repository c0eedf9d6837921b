using System.CommandLine;
using Lantern.Cli.Output;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Loading;
using Lantern.Governance.Policy.Rendering;
using Lantern.Governance.Policy.Starter;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern policy init|check|render|evaluate</c>: the Local AI Use Policy as code (docs/policy.md).</summary>
internal static class PolicyCommand
{
    public static Command Create() =>
        new("policy", "Policy-as-code: the Local AI Use Policy and approved-model registry (docs/policy.md).")
        {
            Init(), Check(), Render(), Evaluate(),
        };

    private static Command Init()
    {
        var output = CommonOptions.Output();
        var force = new Option<bool>("--force") { Description = "Overwrite --output if it exists." };
        var command = new Command("init", "Write a commented starter policy to adapt (stdout, or --output FILE).") { output, force };
        command.SetAction(async (parse, cancellation) =>
        {
            string? target = parse.GetValue(output);
            if (target is not null && File.Exists(target) && !parse.GetValue(force))
            {
                return Errors.Usage($"'{target}' exists; pass --force to overwrite it.");
            }
            await ReportOutput.WriteTextAsync(StarterPolicy.Text, target, cancellation).ConfigureAwait(false);
            if (target is not null)
            {
                await Console.Error.WriteLineAsync($"Wrote a starter policy to {target}. Edit it, then run: lantern policy check {target}").ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check()
    {
        var file = new Argument<string>("file") { Description = "The policy YAML file." };
        var asOf = AsOf();
        var command = new Command("check", "Validate a policy file: every error with its line and column; exit 2 when invalid.") { file, asOf };
        command.SetAction(parse =>
        {
            if (!GovernanceInputs.TryParseAsOf(parse.GetValue(asOf), out DateOnly today))
            {
                return Errors.Usage($"--as-of '{parse.GetValue(asOf)}' is not a date like 2026-12-31.");
            }
            LocalAiPolicy? policy = GovernanceInputs.LoadPolicy(parse.GetValue(file)!, today, out int exit);
            if (policy is null)
            {
                return exit;
            }
            int approved = policy.Models.Count(m => m.Status == ModelStatus.Approved);
            Console.Out.WriteLine(
                $"{parse.GetValue(file)}: valid {policy.ApiVersion} policy '{policy.Metadata.Name}' version {policy.Metadata.Version}: " +
                $"{policy.Classifications.Count} classifications, {policy.UseCases.Count} use cases, {policy.Models.Count} registry entries ({approved} approved), {policy.Groups.Count} groups.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Render()
    {
        var file = new Argument<string>("file") { Description = "The policy YAML file." };
        var format = CommonOptions.Format("markdown", "markdown", "html");
        var output = CommonOptions.Output();
        var asOf = AsOf();
        var command = new Command("render", "Produce the human Local AI Use Policy document (markdown or HTML) from the policy file.") { file, format, output, asOf };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!GovernanceInputs.TryParseAsOf(parse.GetValue(asOf), out DateOnly today))
            {
                return Errors.Usage($"--as-of '{parse.GetValue(asOf)}' is not a date like 2026-12-31.");
            }
            LocalAiPolicy? policy = GovernanceInputs.LoadPolicy(parse.GetValue(file)!, today, out int exit);
            if (policy is null)
            {
                return exit;
            }
            string text = parse.GetValue(format) == "html"
                ? PolicyDocumentRenderer.RenderHtml(policy, today)
                : PolicyDocumentRenderer.RenderMarkdown(policy, today);
            await ReportOutput.WriteTextAsync(text, parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Evaluate()
    {
        var file = new Argument<string>("file") { Description = "The policy YAML file." };
        var inventoryOption = new Option<string>("--inventory") { Description = "A report from lantern scan --format json.", Required = true };
        var format = CommonOptions.Format("table", [.. ReportRenderer.FormatNames]);
        var output = CommonOptions.Output();
        var failOn = CommonOptions.FailOn();
        var asOf = AsOf();
        var command = new Command("evaluate", "Check a saved inventory against the policy and report the findings.") { file, inventoryOption, format, output, failOn, asOf };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!GovernanceInputs.TryParseAsOf(parse.GetValue(asOf), out DateOnly today))
            {
                return Errors.Usage($"--as-of '{parse.GetValue(asOf)}' is not a date like 2026-12-31.");
            }
            if (!ReportRenderer.TryParseFormat(parse.GetValue(format), out ReportFormat reportFormat))
            {
                return Errors.Usage($"--format '{parse.GetValue(format)}' is not one of {string.Join(", ", ReportRenderer.FormatNames)}.");
            }
            if (!CommonOptions.TryParseSeverity(parse.GetValue(failOn)!, out Severity threshold))
            {
                return Errors.Usage($"--fail-on '{parse.GetValue(failOn)}' is not one of info, low, medium, high, critical.");
            }
            LocalAiPolicy? policy = GovernanceInputs.LoadPolicy(parse.GetValue(file)!, today, out int exit);
            if (policy is null)
            {
                return exit;
            }
            Inventory? inventory = GovernanceInputs.LoadInventory(parse.GetValue(inventoryOption)!, out exit);
            if (inventory is null)
            {
                return exit;
            }
            Inventory evaluated = GovernanceInputs.ApplyPolicy(inventory, policy, today);
            await ReportOutput.WriteAsync(evaluated, reportFormat, parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ScanCommand.ExitCodeFor(evaluated, threshold);
        });
        return command;
    }

    internal static Option<string?> AsOf() =>
        new("--as-of") { Description = "Evaluate review dates as of this day (YYYY-MM-DD) instead of today; for audits of a past date." };
}
