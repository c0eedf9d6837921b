using System.Globalization;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Advisories;
using Lantern.Governance.Controls;
using Lantern.Governance.Licenses;

namespace Lantern.Governance.Enrichment;

/// <summary>
/// Adds what governance knows to a discovered inventory: advisories per runtime version (and per
/// embedded llama.cpp build), normalised licence ids, and the LNT-SCN-* findings of docs/rules.md.
/// Pure: returns a new <see cref="Inventory"/> and leaves the input untouched.
/// </summary>
public static class InventoryEnricher
{
    /// <summary>Key in <see cref="RuntimeInstall.Properties"/> for the llama.cpp build a runtime embeds (e.g. Ollama).</summary>
    public const string EmbeddedLlamaCppBuildProperty = "llama.cpp.build";

    private static readonly string[] AdvisoryControls =
        [ControlRef.Iso27001.TechnicalVulnerabilities, ControlRef.Iso42001.OperationAndMonitoring, ControlRef.Iso9001.RisksAndOpportunities];

    private static readonly string[] VersionUnknownControls =
        [ControlRef.Iso27001.AssetInventory, ControlRef.Iso27001.TechnicalVulnerabilities, ControlRef.Iso42001.ToolingResources];

    private static readonly string[] ExposedServerControls =
        [ControlRef.Iso27001.NetworkSecurity, ControlRef.Iso27001.ConfigurationManagement, ControlRef.Iso27001.AccessControl, ControlRef.Iso42001.OperationAndMonitoring];

    private static readonly string[] DigestMismatchControls =
        [ControlRef.Iso27001.IctSupplyChain, ControlRef.Iso27001.MalwareProtection, ControlRef.Iso27001.Cryptography, ControlRef.Iso9001.ExternallyProvided];

    private static readonly string[] NonCommercialControls =
        [ControlRef.Iso27001.IntellectualProperty, ControlRef.Iso27001.SupplierAgreements, ControlRef.Iso42001.SupplierAlignment, ControlRef.Iso9001.ExternallyProvided];

    private static readonly string[] LicenseUnknownControls =
        [ControlRef.Iso27001.IntellectualProperty, ControlRef.Iso42001.SupplierAlignment, ControlRef.Iso9001.DocumentedInformation];

    private static readonly string[] StrayModelControls =
        [ControlRef.Iso27001.AssetInventory, ControlRef.Iso27001.SoftwareInstallation, ControlRef.Iso42001.SystemResources];

    public static Inventory Enrich(Inventory inventory, AdvisoryDatabase advisories)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(advisories);
        var findings = new List<Finding>();

        var runtimes = new List<RuntimeInstall>(inventory.Runtimes.Count);
        foreach (RuntimeInstall runtime in inventory.Runtimes)
        {
            runtimes.Add(EnrichRuntime(runtime, advisories, findings));
        }

        foreach (InferenceServer server in inventory.Servers)
        {
            CheckExposure(server, findings);
        }

        foreach (ScanProblem problem in inventory.Problems)
        {
            if (problem.Code == ProblemCodes.DigestMismatch)
            {
                findings.Add(DigestMismatchFinding(problem, inventory.Artifacts));
            }
        }

        var artifacts = new List<ModelArtifact>(inventory.Artifacts.Count);
        foreach (ModelArtifact artifact in inventory.Artifacts)
        {
            ModelArtifact enriched = artifact with { License = NormaliseLicense(artifact.License) };
            CheckLicense(enriched, findings);
            if (enriched.Runtime is null)
            {
                findings.Add(new Finding
                {
                    RuleId = ScanRuleIds.StrayModelFile,
                    Severity = Severity.Info,
                    Message = $"Model file outside any known runtime store: {enriched.Path}",
                    Evidence = ArtifactEvidence(enriched),
                    Controls = StrayModelControls,
                    Remediation = "Record the file in the model inventory with an owner and purpose, or remove it.",
                });
            }
            artifacts.Add(enriched);
        }

        // Re-running enrichment replaces its own findings instead of duplicating them.
        List<Finding> kept = inventory.Findings.Where(f => !f.RuleId.StartsWith(ScanRuleIds.Prefix, StringComparison.Ordinal)).ToList();
        kept.AddRange(findings);
        return inventory with { Runtimes = runtimes, Artifacts = artifacts, Findings = kept };
    }

    private static RuntimeInstall EnrichRuntime(RuntimeInstall runtime, AdvisoryDatabase advisories, List<Finding> findings)
    {
        var matches = new List<AdvisoryMatch>();
        AdvisoryMatchOutcome outcome = advisories.Evaluate(runtime.Id, runtime.Version);
        AddAdvisoryFindings(runtime, outcome, component: null, matches, findings);

        if (!string.Equals(runtime.Id, RuntimePackages.LlamaCppRuntimeId, StringComparison.OrdinalIgnoreCase)
            && runtime.Properties.TryGetValue(EmbeddedLlamaCppBuildProperty, out string? build))
        {
            AdvisoryMatchOutcome embedded = advisories.Evaluate(RuntimePackages.LlamaCppRuntimeId, build);
            AddAdvisoryFindings(runtime, embedded, component: "llama.cpp " + build, matches, findings);
        }
        return runtime with { Advisories = matches };
    }

    private static void AddAdvisoryFindings(RuntimeInstall runtime, AdvisoryMatchOutcome outcome, string? component, List<AdvisoryMatch> matches, List<Finding> findings)
    {
        string subject = component is null ? $"{runtime.Name} {runtime.Version}" : $"{runtime.Name} (embedded {component})";
        if (outcome.RuntimeKnown && !outcome.VersionComparable)
        {
            SortedDictionary<string, string> evidence = RuntimeEvidence(runtime, component);
            evidence["reason"] = outcome.Reason ?? "version unknown";
            findings.Add(new Finding
            {
                RuleId = ScanRuleIds.VersionUnknown,
                Severity = Severity.Low,
                Message = $"Version of {(component is null ? runtime.Name : component + " in " + runtime.Name)} is unknown, so known advisories could not be checked",
                Evidence = evidence,
                Controls = VersionUnknownControls,
                Remediation = "Record the installed version (run the runtime's --version, or check its package manager) and rescan.",
            });
        }
        foreach (AdvisoryMatch match in outcome.Matches)
        {
            AdvisoryMatch labelled = component is null ? match : match with { Summary = $"[embedded {component}] {match.Summary}" };
            matches.Add(labelled);
            SortedDictionary<string, string> evidence = RuntimeEvidence(runtime, component);
            evidence["advisory"] = match.Id;
            evidence["status"] = match.Status;
            evidence["severity"] = match.Severity;
            if (match.Aliases.Count > 0)
            {
                evidence["aliases"] = string.Join(",", match.Aliases);
            }
            if (match.Fixed is not null)
            {
                evidence["fixed"] = match.Fixed;
            }
            bool unconfirmed = match.Status == "fix-unconfirmed";
            findings.Add(new Finding
            {
                RuleId = ScanRuleIds.KnownAdvisory,
                Severity = ToSeverity(match.Severity),
                Message = $"{subject} has advisory {match.Id}{AliasText(match)}: {match.Summary}{(unconfirmed ? " (fix unconfirmed)" : string.Empty)}",
                Evidence = evidence,
                Controls = AdvisoryControls,
                Remediation = unconfirmed
                    ? "No fixed version is confirmed: check the vendor advisory, update to the latest release, and keep the service bound to loopback until a fix is confirmed."
                    : $"Update {(component is null ? runtime.Name : component.Split(' ')[0])} to {match.Fixed} or later.",
            });
        }
    }

    private static void CheckExposure(InferenceServer server, List<Finding> findings)
    {
        bool beyondLoopback = server.BindScope is "wildcard" or "network";
        if (!server.ExposedBeyondLoopback && !(beyondLoopback && server.Unauthenticated == true))
        {
            return;
        }
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["address"] = server.Address,
            ["port"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["bindScope"] = server.BindScope,
        };
        AddIfPresent(evidence, "runtime", server.Runtime);
        AddIfPresent(evidence, "version", server.Version);
        AddIfPresent(evidence, "identifiedBy", server.IdentifiedBy);
        AddIfPresent(evidence, "processName", server.ProcessName);
        if (server.Pid is int pid)
        {
            evidence["pid"] = pid.ToString(CultureInfo.InvariantCulture);
        }
        if (server.Unauthenticated is bool unauth)
        {
            evidence["unauthenticated"] = unauth ? "true" : "false";
        }
        findings.Add(new Finding
        {
            RuleId = ScanRuleIds.ExposedServer,
            Severity = Severity.High,
            Message = $"Inference server {server.Runtime ?? "(unidentified)"} on {server.Address}:{server.Port} is reachable beyond loopback without authentication",
            Evidence = evidence,
            Controls = ExposedServerControls,
            Remediation = "Bind the server to 127.0.0.1 (e.g. OLLAMA_HOST=127.0.0.1:11434), or put an authenticating gateway or firewall rule in front of it.",
        });
    }

    private static Finding DigestMismatchFinding(ScanProblem problem, IReadOnlyList<ModelArtifact> artifacts)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["path"] = problem.Subject,
            ["detail"] = problem.Message,
        };
        AddIfPresent(evidence, "source", problem.Source);
        ModelArtifact? artifact = artifacts.FirstOrDefault(a => string.Equals(a.Path, problem.Subject, StringComparison.Ordinal));
        AddIfPresent(evidence, "sha256", artifact?.Sha256);
        AddIfPresent(evidence, "runtime", artifact?.Runtime);
        AddIfPresent(evidence, "modelName", artifact?.ModelName);
        return new Finding
        {
            RuleId = ScanRuleIds.DigestMismatch,
            Severity = Severity.High,
            Message = $"Model blob content does not match its content-addressed name: {problem.Subject}",
            Evidence = evidence,
            Controls = DigestMismatchControls,
            Remediation = "Treat the blob as tampered or corrupt: quarantine it, delete it and pull the model again from a trusted source.",
        };
    }

    /// <summary>Characters of a licence text kept in the report; <c>textSha256</c> identifies the whole text.</summary>
    private const int MaxRawLicenseChars = 256;

    private static ModelLicense? NormaliseLicense(ModelLicense? license)
    {
        if (license is null)
        {
            return null;
        }
        string id = LicenseNormalizer.Normalize(license.Id);
        string? textSha = license.TextSha256;
        string? raw = license.Raw;
        if (LicenseNormalizer.IsLicenseText(license.Raw))
        {
            // The text is the terms themselves: what it says outranks a label.
            LicenseIdentification? identified = LicenseTextIdentifier.Identify(license.Raw!);
            if (identified is not null)
            {
                id = identified.Id;
            }
            // The report keeps the text's digest and its opening, not the whole terms for every model.
            textSha ??= identified?.TextSha256 ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(license.Raw!)));
            raw = license.Raw!.Length <= MaxRawLicenseChars ? license.Raw : license.Raw[..MaxRawLicenseChars] + "…";
        }
        else if (id == LicenseCatalog.Unknown && !string.IsNullOrWhiteSpace(license.Raw))
        {
            id = LicenseNormalizer.Normalize(license.Raw);
        }
        return license with { Id = id, TextSha256 = textSha, Raw = raw };
    }

    private static void CheckLicense(ModelArtifact artifact, List<Finding> findings)
    {
        string id = artifact.License?.Id ?? LicenseCatalog.Unknown;
        CommercialUse use = LicenseCatalog.CommercialUseOf(id);
        SortedDictionary<string, string> evidence = ArtifactEvidence(artifact);
        evidence["license"] = artifact.License is null ? "missing" : id;
        AddIfPresent(evidence, "licenseSource", artifact.License?.Source);
        AddIfPresent(evidence, "licenseTextSha256", artifact.License?.TextSha256);
        if (use == CommercialUse.No)
        {
            evidence["commercialUse"] = use.ToText();
            findings.Add(new Finding
            {
                RuleId = ScanRuleIds.NonCommercialLicense,
                Severity = Severity.Medium,
                Message = $"Model licence {id} does not allow commercial use: {artifact.Path}",
                Evidence = evidence,
                Controls = NonCommercialControls,
                Remediation = "Confirm the model is used only for non-commercial research, obtain a commercial licence, or replace it with a permissively licensed model.",
            });
        }
        else if (use == CommercialUse.Unknown && IsLicensedWeights(artifact))
        {
            findings.Add(new Finding
            {
                RuleId = ScanRuleIds.LicenseUnknown,
                Severity = Severity.Low,
                Message = $"Model licence is {(artifact.License is null ? "missing" : id)}; terms must be resolved manually: {artifact.Path}",
                Evidence = evidence,
                Controls = LicenseUnknownControls,
                Remediation = "Find the model's licence (model card, publisher, base model) and record it in the approved-model registry.",
            });
        }
    }

    /// <summary>
    /// Licence review applies to model weights a runtime uses or that ship in a weights format; a
    /// bare pickle or NumPy array outside any runtime (Python's own grammar caches, test data) has no
    /// licence to look up, and flagging each would bury the findings that matter. Vetting judges those.
    /// </summary>
    private static bool IsLicensedWeights(ModelArtifact artifact) =>
        artifact.Runtime is not null || artifact.Format is not ("pickle" or "numpy" or "npz" or "compressed");

    private static SortedDictionary<string, string> RuntimeEvidence(RuntimeInstall runtime, string? component)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["runtime"] = runtime.Id };
        AddIfPresent(evidence, "version", runtime.Version);
        AddIfPresent(evidence, "versionSource", runtime.VersionSource);
        AddIfPresent(evidence, "executable", runtime.Executable);
        AddIfPresent(evidence, "component", component);
        return evidence;
    }

    private static SortedDictionary<string, string> ArtifactEvidence(ModelArtifact artifact)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["path"] = artifact.Path,
            ["format"] = artifact.Format,
        };
        AddIfPresent(evidence, "sha256", artifact.Sha256);
        AddIfPresent(evidence, "modelName", artifact.ModelName);
        AddIfPresent(evidence, "runtime", artifact.Runtime);
        return evidence;
    }

    private static void AddIfPresent(SortedDictionary<string, string> evidence, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            evidence[key] = value;
        }
    }

    private static string AliasText(AdvisoryMatch match)
    {
        string? cve = match.Aliases.FirstOrDefault(a => a.StartsWith("CVE-", StringComparison.Ordinal));
        return cve is null ? string.Empty : $" ({cve})";
    }

    /// <summary>Advisory severity → finding severity; an unrated advisory counts as medium rather than being dropped.</summary>
    internal static Severity ToSeverity(string advisorySeverity) => advisorySeverity switch
    {
        "critical" => Severity.Critical,
        "high" => Severity.High,
        "low" => Severity.Low,
        _ => Severity.Medium,
    };
}
