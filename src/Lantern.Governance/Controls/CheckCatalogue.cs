using Lantern.Governance.Enrichment;
using Lantern.Governance.Policy.Evaluation;

namespace Lantern.Governance.Controls;

/// <summary>A check Lantern runs that produces evidence, and the controls that evidence bears on.</summary>
/// <param name="Id">A rule id (<c>LNT-SCN-001</c>), a rule family (<c>LNT-VET-*</c>) or a check name (<c>scan-inventory</c>).</param>
/// <param name="Title">What the check looks for.</param>
/// <param name="Produces">The evidence it leaves (finding, report section, log).</param>
/// <param name="Controls">Control ids from <see cref="ControlCatalogue"/>.</param>
/// <param name="Command">The <c>lantern</c> command that runs it.</param>
public sealed record CheckDescriptor(string Id, string Title, string Produces, IReadOnlyList<string> Controls, string Command);

/// <summary>A control and the checks that produce evidence for it (empty when none does).</summary>
public sealed record ControlCoverage(ControlDefinition Control, IReadOnlyList<CheckDescriptor> Checks);

/// <summary>
/// Every check Lantern runs that produces evidence (docs/controls.md). Scan-rule controls are those of docs/rules.md;
/// policy-rule controls come from <see cref="PolicyRuleControlTable"/>.
/// </summary>
public static class CheckCatalogue
{
    /// <summary>Id of the inventory itself (<c>lantern scan</c>).</summary>
    public const string ScanInventory = "scan-inventory";

    /// <summary>Id of the vetting family (every per-format rule, see <see cref="VettingRulePrefixes"/>).</summary>
    public const string ModelVetting = "LNT-VET-*";

    /// <summary>Id of the policy document itself (<c>lantern policy check</c> / <c>render</c>).</summary>
    public const string PolicyDocument = "policy-document";

    /// <summary>Id of proxy-log network evidence (<c>lantern netlog analyze</c>).</summary>
    public const string NetLogAnalysis = "netlog-analysis";

    /// <summary>Id of the audit gateway's hash-chained inference log (<c>lantern gateway</c>, <c>lantern audit verify</c>).</summary>
    public const string GatewayAuditLog = "gateway-audit-log";

    /// <summary>Id of the risk register (<c>lantern report risk-register</c>).</summary>
    public const string RiskRegister = "risk-register";

    /// <summary>
    /// Rule-id prefixes of model vetting (src/Lantern.Vetting: engine rules and one family per format). Governance
    /// does not reference Vetting, so the prefixes are listed here; a test in Lantern.Vetting.Tests could pin them.
    /// </summary>
    public static IReadOnlyList<string> VettingRulePrefixes { get; } =
    [
        "LNT-VET-", // engine: malformed, unreadable, unsupported, limits, format mismatch
        "LNT-PKL-", // pickle
        "LNT-PTH-", // PyTorch archives and TorchScript
        "LNT-ZIP-", // zip containers
        "LNT-ARC-", // other archives
        "LNT-GGF-", // GGUF, including chat-template analysis
        "LNT-SFT-", // safetensors
        "LNT-ONX-", // ONNX
        "LNT-KRS-", // Keras
        "LNT-TFS-", // TensorFlow SavedModel
        "LNT-NPY-", // NumPy
        "LNT-JBL-", // joblib
    ];

    private const string ScanCommand = "lantern scan";
    private const string PolicyCommand = "lantern scan --policy FILE (or lantern policy evaluate FILE --inventory scan.json)";

    /// <summary>All checks: inventory, scan rules, vetting, policy document and rules, network evidence, gateway, risk register.</summary>
    public static IReadOnlyList<CheckDescriptor> All { get; } = BuildAll();

    // Declared after All: static initialisers run in textual order.
    private static readonly Dictionary<string, CheckDescriptor> ById = All.ToDictionary(c => c.Id, StringComparer.Ordinal);

    /// <summary>The check with this id, or null.</summary>
    public static CheckDescriptor? Find(string id) => ById.GetValueOrDefault(id);

    /// <summary>
    /// The check that raised a finding with this rule id: the rule itself when catalogued, the vetting family for a
    /// vetting rule, or null for a rule Lantern does not catalogue (e.g. a newer release's).
    /// </summary>
    public static CheckDescriptor? ForRule(string ruleId)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        if (ById.TryGetValue(ruleId, out CheckDescriptor? exact))
        {
            return exact;
        }
        foreach (string prefix in VettingRulePrefixes)
        {
            if (ruleId.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ById[ModelVetting];
            }
        }
        return null;
    }

    /// <summary>
    /// The catalogue inverted: every control of <see cref="ControlCatalogue.All"/>, in catalogue order, with the checks
    /// that produce evidence for it (in check order). Controls no check covers are kept, with an empty list, so a
    /// reader sees what Lantern does not evidence.
    /// </summary>
    public static IReadOnlyList<ControlCoverage> CoverageByControl()
    {
        var byControl = new Dictionary<string, List<CheckDescriptor>>(StringComparer.Ordinal);
        foreach (CheckDescriptor check in All)
        {
            foreach (string control in check.Controls)
            {
                if (!byControl.TryGetValue(control, out List<CheckDescriptor>? list))
                {
                    list = [];
                    byControl[control] = list;
                }
                list.Add(check);
            }
        }
        return ControlCatalogue.All
            .Select(c => new ControlCoverage(c, byControl.TryGetValue(c.Id, out List<CheckDescriptor>? list) ? list : []))
            .ToList();
    }

    private static List<CheckDescriptor> BuildAll()
    {
        var all = new List<CheckDescriptor>
        {
            new(ScanInventory, "Inventory of runtimes, model files, inference servers and processes on the endpoint",
                "scan report (JSON): runtimes, artifacts with SHA-256, servers, processes, GPU, completeness",
                ["ISO27001:A.5.9", "ISO27001:A.8.1", "ISO42001:A.4.2", "ISO42001:A.4.4", "ISO42001:A.4.5", "NIST-AI-RMF:GOVERN-1.6"],
                ScanCommand),

            // Scan rules: controls exactly as docs/rules.md lists them.
            new(ScanRuleIds.KnownAdvisory, "Runtime version matches a known advisory", "finding LNT-SCN-001",
                ["ISO27001:A.8.8", "ISO42001:A.6.2.6", "ISO9001:6.1"], ScanCommand),
            new(ScanRuleIds.VersionUnknown, "Runtime version unknown, advisories not checked", "finding LNT-SCN-002",
                ["ISO27001:A.5.9", "ISO27001:A.8.8", "ISO42001:A.4.4"], ScanCommand),
            new(ScanRuleIds.ExposedServer, "Inference server reachable beyond loopback without credentials", "finding LNT-SCN-003",
                ["ISO27001:A.8.20", "ISO27001:A.8.9", "ISO27001:A.5.15", "ISO42001:A.6.2.6"], ScanCommand),
            new(ScanRuleIds.DigestMismatch, "Content-addressed blob does not hash to its name", "finding LNT-SCN-004",
                ["ISO27001:A.5.21", "ISO27001:A.8.7", "ISO27001:A.8.24", "ISO9001:8.4"], ScanCommand),
            new(ScanRuleIds.NonCommercialLicense, "Model licence forbids commercial use", "finding LNT-SCN-005",
                ["ISO27001:A.5.32", "ISO27001:A.5.20", "ISO42001:A.10.3", "ISO9001:8.4"], ScanCommand),
            new(ScanRuleIds.LicenseUnknown, "Model licence missing or of unknown commercial status", "finding LNT-SCN-006",
                ["ISO27001:A.5.32", "ISO42001:A.10.3", "ISO9001:7.5"], ScanCommand),
            new(ScanRuleIds.StrayModelFile, "Model file outside any known runtime store", "finding LNT-SCN-007",
                ["ISO27001:A.5.9", "ISO27001:A.8.19", "ISO42001:A.4.2"], ScanCommand),

            new(ModelVetting, "Static vetting of model files (rule families " + string.Join(", ", VettingRulePrefixes.Select(p => p + "*")) + ")",
                "verdict per artifact (safe, incomplete, malformed, suspicious, malicious) and vetting findings with offsets",
                ["ISO27001:A.8.7", "ISO27001:A.5.21", "ISO42001:A.6.2.4", "ISO9001:8.4", "NIST-AI-RMF:MAP-4.2", "NIST-AI-RMF:MANAGE-3.2"],
                "lantern vet PATH (and lantern scan, which vets what it finds)"),

            new(PolicyDocument, "Local AI Use Policy and approved-model registry, validated and rendered",
                "validated policy file (owner, approver, review date, use cases, output handling, data classes) and the rendered policy document",
                ["ISO27001:A.5.1", "ISO27001:A.5.10", "ISO27001:A.5.12", "ISO27001:A.5.37", "ISO42001:5.2", "ISO42001:A.2.2", "ISO42001:A.9.2",
                 "ISO42001:A.9.3", "ISO42001:A.9.4", "ISO42001:A.8.2", "ISO9001:7.5", "ISO9001:8.6", "NIST-AI-RMF:GOVERN-1.4",
                 "NIST-AI-RMF:MAP-3.5", "EU-AI-ACT:Art.26(2)"],
                "lantern policy check FILE; lantern policy render FILE --format markdown|html"),
        };

        foreach (RuleDescriptor rule in PolicyRules.All)
        {
            all.Add(new(rule.Id, rule.Title, "finding " + rule.Id, rule.Controls, PolicyCommand));
        }

        all.Add(new(NetLogAnalysis, "Model downloads and hub traffic in web-proxy logs",
            "download observations (user, host, model, bytes, time; URL-level or host-and-bytes confidence)",
            ["ISO27001:A.8.16", "ISO27001:A.8.23", "ISO27001:A.5.23", "ISO42001:A.7.5"],
            "lantern netlog analyze LOG..."));
        all.Add(new(GatewayAuditLog, "Inference audit log kept by the gateway, hash-chained and verified",
            "audit records (caller, model, digest, use case, classification, disposition) and the verification result of the chain",
            ["ISO27001:A.8.15", "ISO27001:A.5.33", "ISO27001:A.5.28", "ISO27001:A.8.24", "ISO27001:A.8.12", "ISO27001:A.5.34",
             "ISO42001:A.6.2.8", "ISO9001:7.5.3", "ISO9001:8.5.2", "NIST-AI-RMF:MEASURE-2.4", "EU-AI-ACT:Art.26(6)"],
            "lantern gateway; lantern audit verify LOG"));
        all.Add(new(RiskRegister, "Risk register rows for local AI inference, scored from the findings",
            "risk register (CSV, JSON, markdown)",
            ["ISO27001:6.1.2", "ISO9001:6.1", "ISO42001:6.1.2"],
            "lantern report risk-register --inventory scan.json [--policy FILE]"));
        return all;
    }
}
