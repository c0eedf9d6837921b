using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Controls;
using Lantern.Governance.Enrichment;
using Lantern.Governance.Policy;

namespace Lantern.Governance.Tests.Evidence;

/// <summary>A small endpoint (two runtimes, four model files, one exposed server), a policy and findings, built by code.</summary>
internal static class EvidenceFixture
{
    public const string ApprovedDigest = "1111111111111111111111111111111111111111111111111111111111111111";
    public const string StrayDigest = "2222222222222222222222222222222222222222222222222222222222222222";
    public const string NcDigest = "3333333333333333333333333333333333333333333333333333333333333333";

    /// <summary>A model name an attacker chose: markup, a formula and a control character.</summary>
    public const string HostileName = "=HYPERLINK(\"http://x\")<script>alert(1)</script>|[a](javascript:x)\n# h";

    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 3, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 11, 3);

    public static Inventory Inventory(bool complete = true, bool vetted = true) => new()
    {
        Host = "ws-042",
        User = "alice",
        Os = "Linux 6.8",
        ScannedAt = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero),
        LanternVersion = "0.1.0",
        Complete = complete,
        Problems = complete ? [] : [new ScanProblem { Subject = "/home/bob/.ollama", Code = ProblemCodes.Unreadable, Message = "Permission denied" }],
        Runtimes =
        [
            new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.5.1", Executable = "/usr/local/bin/ollama" },
            new RuntimeInstall { Id = "llama.cpp", Name = "llama.cpp", Version = "b4500" },
        ],
        Artifacts =
        [
            new ModelArtifact { Path = "/home/alice/.ollama/models/blobs/sha256-" + ApprovedDigest, Format = "gguf", Sha256 = ApprovedDigest, Runtime = "ollama", ModelName = "llama3.2:1b", Verdict = vetted ? "safe" : null },
            new ModelArtifact { Path = "/home/alice/Downloads/qwen.gguf", Format = "gguf", Sha256 = StrayDigest, ModelName = "qwen", Verdict = vetted ? "safe" : null },
            new ModelArtifact { Path = "/home/alice/.cache/huggingface/hub/models--acme--nc/model.safetensors", Format = "safetensors", Sha256 = NcDigest, Runtime = "huggingface", ModelName = "acme/nc", Verdict = vetted ? "safe" : null },
            new ModelArtifact { Path = "/home/alice/evil.pkl", Format = "pickle", Sha256 = null, ModelName = HostileName, Verdict = vetted ? "malicious" : null },
        ],
        Servers =
        [
            new InferenceServer { Address = "0.0.0.0", Port = 11434, BindScope = "wildcard", Runtime = "ollama", ExposedBeyondLoopback = true },
        ],
    };

    public static LocalAiPolicy Policy() => new()
    {
        Metadata = new PolicyMetadata
        {
            Name = "Acme Local AI Use Policy",
            Owner = "Information Security",
            Version = "1.3",
            ApprovedBy = "Jane Doe, CISO",
            ApprovedOn = new DateOnly(2026, 10, 1),
            ReviewBy = new DateOnly(2027, 4, 1),
        },
        Classifications = ["Public", "Internal", "Confidential", "Restricted"],
        UseCases = [new UseCase { Id = "code-assist", Description = "Code completion", MaxClassification = "Internal", OutputHandling = OutputHandling.HumanReview }],
        Models =
        [
            new RegisteredModel { Name = "llama3.2:1b", Runtime = "ollama", Digests = [ApprovedDigest], Owner = "Platform team", Status = ModelStatus.Approved, UseCases = ["code-assist"], ReviewBy = new DateOnly(2027, 3, 31) },
        ],
        Licenses = new LicenseRules { Allow = ["llama3.2"], Deny = ["CC-BY-NC-4.0"] },
        Runtimes = new RuntimeRules { Allowed = [new RuntimeRequirement { Id = "ollama", MinVersion = "0.12.0" }] },
    };

    /// <summary>Scan and vetting findings (what the inventory carries).</summary>
    public static List<Finding> ScanFindings() =>
    [
        F(ScanRuleIds.KnownAdvisory, Severity.High, "ollama 0.5.1 is affected by GO-2025-3548", ["ISO27001:A.8.8", "ISO42001:A.6.2.6", "ISO9001:6.1"], ("runtime", "ollama"), ("executable", "/usr/local/bin/ollama"), ("advisory", "GO-2025-3548")),
        F(ScanRuleIds.ExposedServer, Severity.High, "Inference server on 0.0.0.0:11434 answers without credentials", ["ISO27001:A.8.20", "ISO27001:A.8.9", "ISO27001:A.5.15", "ISO42001:A.6.2.6"], ("address", "0.0.0.0"), ("port", "11434")),
        F(ScanRuleIds.NonCommercialLicense, Severity.Medium, "acme/nc is licensed cc-by-nc-4.0 (no commercial use)", ["ISO27001:A.5.32", "ISO27001:A.5.20", "ISO42001:A.10.3", "ISO9001:8.4"], ("path", "/home/alice/.cache/huggingface/hub/models--acme--nc/model.safetensors"), ("sha256", NcDigest), ("modelName", "acme/nc")),
        F(ScanRuleIds.StrayModelFile, Severity.Info, "Model file outside any known runtime store: /home/alice/Downloads/qwen.gguf", ["ISO27001:A.5.9", "ISO27001:A.8.19", "ISO42001:A.4.2"], ("path", "/home/alice/Downloads/qwen.gguf"), ("sha256", StrayDigest)),
        // A vetting finding with no controls of its own: it borrows the vetting family's. Its message is hostile.
        F("LNT-PKL-001", Severity.Critical, "Pickle imports os.system in " + HostileName, [], ("path", "/home/alice/evil.pkl"), ("offset", "17")),
        // A rule Lantern does not catalogue, citing a control it does not know: listed, never dropped.
        F("LNT-XYZ-001", Severity.Low, "Something from a newer release", ["ISO27001:A.99.1"], ("path", "/tmp/x")),
    ];

    /// <summary>Policy findings (what the evaluator would add).</summary>
    public static List<Finding> PolicyFindings() =>
    [
        F(PolicyRuleIds.ModelNotApproved, Severity.High, "qwen (sha256 2222…) is not in the approved-model registry", CheckCatalogue.Find(PolicyRuleIds.ModelNotApproved)!.Controls, ("path", "/home/alice/Downloads/qwen.gguf"), ("sha256", StrayDigest), ("modelName", "qwen")),
        F(PolicyRuleIds.ModelNotApproved, Severity.High, "acme/nc is not in the approved-model registry", CheckCatalogue.Find(PolicyRuleIds.ModelNotApproved)!.Controls, ("path", "/home/alice/.cache/huggingface/hub/models--acme--nc/model.safetensors"), ("sha256", NcDigest), ("modelName", "acme/nc")),
        F(PolicyRuleIds.RuntimeBelowMinimum, Severity.Medium, "ollama 0.5.1 is below the policy minimum 0.12.0", CheckCatalogue.Find(PolicyRuleIds.RuntimeBelowMinimum)!.Controls, ("runtime", "ollama")),
    ];

    public static List<Finding> AllFindings() => [.. ScanFindings(), .. PolicyFindings()];

    private static Finding F(string rule, Severity severity, string message, IReadOnlyList<string> controls, params (string Key, string Value)[] evidence)
    {
        var e = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string k, string v) in evidence)
        {
            e[k] = v;
        }
        return new Finding { RuleId = rule, Severity = severity, Message = message, Controls = controls, Evidence = e };
    }
}
