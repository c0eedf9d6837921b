using System.CommandLine;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.Governance.Policy.Loading;
using Lantern.Governance.Policy.Registry;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern registry pin</c>: record the digest seen on a reference machine as a proposed registry entry.</summary>
internal static class RegistryCommand
{
    public static Command Create()
    {
        var policyOption = new Option<string>("--policy") { Description = "The policy YAML file to edit in place.", DefaultValueFactory = _ => "lantern-policy.yaml" };
        var inventoryOption = new Option<string>("--inventory") { Description = "A report from lantern scan --format json on the reference machine.", Required = true };
        var model = new Option<string>("--model") { Description = "The model name as the runtime knows it (llama3.2:1b, org/name).", Required = true };
        var runtime = new Option<string?>("--runtime") { Description = "Runtime id, when the name exists in several runtimes." };
        var allDigests = new Option<bool>("--all-digests") { Description = "Pin every file of the model (sharded safetensors, several quantisations) instead of refusing when the name has several digests." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the edited policy instead of writing it." };
        var pin = new Command("pin", "Add or update a registry entry with the digest seen in an inventory (status: proposed, for review in git).")
        {
            policyOption, inventoryOption, model, runtime, allDigests, dryRun,
        };
        pin.SetAction(async (parse, cancellation) =>
        {
            string policyPath = parse.GetValue(policyOption)!;
            if (!File.Exists(policyPath))
            {
                return Errors.Usage($"policy file '{policyPath}' does not exist; pass --policy FILE or create one with: lantern policy init --output {policyPath}");
            }
            Inventory? inventory = GovernanceInputs.LoadInventory(parse.GetValue(inventoryOption)!, out int exit);
            if (inventory is null)
            {
                return exit;
            }
            string text = await File.ReadAllTextAsync(policyPath, cancellation).ConfigureAwait(false);
            PinResult result = RegistryPinner.Pin(text, inventory, parse.GetValue(model)!, new PinOptions
            {
                Runtime = parse.GetValue(runtime),
                AllDigests = parse.GetValue(allDigests),
                Today = DateOnly.FromDateTime(DateTime.UtcNow),
            });
            if (!result.Succeeded)
            {
                return Errors.Usage(result.Error ?? "the registry entry could not be pinned.");
            }
            // The edited file must still be a valid policy, or nothing is written.
            PolicyLoadResult check = PolicyLoader.Parse(result.Text, policyPath);
            if (!check.IsValid)
            {
                foreach (PolicyDiagnostic error in check.Errors)
                {
                    Console.Error.WriteLine($"error: {error}");
                }
                return Errors.Usage("the pinned policy would not be valid; the file was left unchanged.");
            }
            if (parse.GetValue(dryRun))
            {
                await Console.Out.WriteAsync(result.Text.AsMemory(), cancellation).ConfigureAwait(false);
            }
            else if (result.Changed)
            {
                await ReportOutput.WriteTextAsync(result.Text, policyPath, cancellation).ConfigureAwait(false);
            }
            await Console.Error.WriteLineAsync(result.Summary).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return new Command("registry", "The approved-model registry inside the policy file.") { pin };
    }
}
