using System.Globalization;
using System.Text.Json;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Evaluation;
using Lantern.Governance.Policy.Loading;

namespace Lantern.Cli.Commands;

/// <summary>
/// Loading what governance commands are handed — a policy file, an inventory JSON, an as-of date — with
/// one error style: the problem on stderr and exit 2, never a half-applied policy.
/// </summary>
internal static class GovernanceInputs
{
    /// <summary>Loads and validates a policy; prints every error as <c>file:line:col: message</c>.</summary>
    public static LocalAiPolicy? LoadPolicy(string path, DateOnly today, out int exitCode)
    {
        exitCode = ExitCodes.Ok;
        if (!File.Exists(path))
        {
            exitCode = Errors.Usage($"policy file '{path}' does not exist.");
            return null;
        }
        PolicyLoadResult result = PolicyLoader.Load(path, new PolicyLoadOptions { Today = today });
        foreach (PolicyDiagnostic warning in result.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }
        if (!result.IsValid || result.Policy is null)
        {
            foreach (PolicyDiagnostic error in result.Errors)
            {
                Console.Error.WriteLine($"error: {error}");
            }
            exitCode = Errors.Usage($"policy '{path}' is invalid ({result.Errors.Count} error(s)); nothing was applied.");
            return null;
        }
        return result.Policy;
    }

    // The whole inventory is held in memory; a scan of a large workstation is a few MB, so 256 MiB means a wrong file.
    private const long MaxInventoryBytes = 256L << 20;

    /// <summary>Reads a <c>lantern scan --format json</c> report; refuses newer schemas and non-inventories.</summary>
    public static Inventory? LoadInventory(string path, out int exitCode)
    {
        exitCode = ExitCodes.Ok;
        if (!File.Exists(path))
        {
            exitCode = Errors.Usage($"inventory file '{path}' does not exist.");
            return null;
        }
        if (new FileInfo(path).Length > MaxInventoryBytes)
        {
            exitCode = Errors.Usage($"inventory '{path}' is larger than {MaxInventoryBytes >> 20} MiB; a scan report of one endpoint is far smaller.");
            return null;
        }
        try
        {
            using FileStream stream = File.OpenRead(path);
            return InventoryJson.Read(stream);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            exitCode = Errors.Usage($"inventory '{path}' cannot be read: {e.Message}");
            return null;
        }
    }

    /// <summary>Parses <c>--as-of YYYY-MM-DD</c>; defaults to today's UTC date.</summary>
    public static bool TryParseAsOf(string? value, out DateOnly date)
    {
        if (string.IsNullOrEmpty(value))
        {
            date = DateOnly.FromDateTime(DateTime.UtcNow);
            return true;
        }
        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>Policy findings replace earlier LNT-POL-* ones (re-evaluation is idempotent); others are kept.</summary>
    public static Inventory ApplyPolicy(Inventory inventory, LocalAiPolicy policy, DateOnly today)
    {
        IReadOnlyList<Finding> policyFindings = PolicyEvaluator.Evaluate(inventory, policy, new PolicyEvaluationOptions { Today = today });
        var findings = inventory.Findings.Where(f => !f.RuleId.StartsWith(PolicyRuleIds.Prefix, StringComparison.Ordinal)).Concat(policyFindings).ToList();
        return inventory with { Findings = findings };
    }
}
