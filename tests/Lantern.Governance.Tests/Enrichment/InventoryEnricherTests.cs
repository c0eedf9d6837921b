using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Advisories;
using Lantern.Governance.Enrichment;
using Lantern.Governance.Tests.Licenses;

namespace Lantern.Governance.Tests.Enrichment;

public class InventoryEnricherTests
{
    private static readonly AdvisoryDatabase Db = AdvisoryDatabase.LoadDefault(importedDir: null);

    private static Inventory Base() => new()
    {
        Host = "host",
        User = "user",
        ScannedAt = DateTimeOffset.UnixEpoch,
    };

    private static ModelArtifact Artifact(string path, ModelLicense? license, string? runtime = "ollama") => new()
    {
        Path = path,
        Format = "gguf",
        Sha256 = new string('a', 64),
        Runtime = runtime,
        License = license,
    };

    [Fact]
    public void Enrich_VulnerableRuntime_FillsAdvisoriesAndRaisesScn001()
    {
        Inventory inv = Base() with { Runtimes = [new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.1.33", Executable = "/usr/bin/ollama" }] };
        Inventory result = InventoryEnricher.Enrich(inv, Db);
        RuntimeInstall r = Assert.Single(result.Runtimes);
        Assert.Contains(r.Advisories, a => a.Id == "GO-2024-2901");
        Finding f = Assert.Single(result.Findings, f => f.RuleId == "LNT-SCN-001" && f.Evidence["advisory"] == "GO-2024-2901");
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal("0.1.34", f.Evidence["fixed"]);
        Assert.Equal("/usr/bin/ollama", f.Evidence["executable"]);
        Assert.Contains("ISO27001:A.8.8", f.Controls);
        Assert.Contains("0.1.34", f.Remediation, StringComparison.Ordinal);
        Assert.Empty(inv.Findings);
    }

    [Fact]
    public void Enrich_EmbeddedLlamaCppBuild_AddsLabelledAdvisories()
    {
        var props = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["llama.cpp.build"] = "b5661" };
        Inventory inv = Base() with { Runtimes = [new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.40.0", Properties = props }] };
        RuntimeInstall r = Assert.Single(InventoryEnricher.Enrich(inv, Db).Runtimes);
        AdvisoryMatch m = Assert.Single(r.Advisories, a => a.Id == "LNT-CVE-2025-49847");
        Assert.StartsWith("[embedded llama.cpp b5661]", m.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Enrich_PatchedRuntime_NoAdvisoryFinding()
    {
        Inventory inv = Base() with { Runtimes = [new RuntimeInstall { Id = "vllm", Name = "vLLM", Version = "0.40.0" }] };
        Inventory result = InventoryEnricher.Enrich(inv, Db);
        Assert.DoesNotContain(result.Findings, f => f.RuleId == "LNT-SCN-001" && f.Evidence["status"] == "affected");
        Assert.DoesNotContain(result.Findings, f => f.RuleId == "LNT-SCN-002");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("custom-build")]
    public void Enrich_UnknownVersion_RaisesScn002(string? version)
    {
        Inventory inv = Base() with { Runtimes = [new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = version }] };
        Finding f = Assert.Single(InventoryEnricher.Enrich(inv, Db).Findings);
        Assert.Equal("LNT-SCN-002", f.RuleId);
        Assert.Equal(Severity.Low, f.Severity);
        Assert.True(f.Evidence.ContainsKey("reason"));
    }

    [Fact]
    public void Enrich_ExposedServer_RaisesScn003()
    {
        Inventory inv = Base() with
        {
            Servers =
            [
                new InferenceServer { Address = "0.0.0.0", Port = 11434, BindScope = "wildcard", Runtime = "ollama", Unauthenticated = true, ExposedBeyondLoopback = true, Pid = 42 },
                new InferenceServer { Address = "127.0.0.1", Port = 1234, BindScope = "loopback", Runtime = "lmstudio", Unauthenticated = true },
                new InferenceServer { Address = "10.0.0.5", Port = 8000, BindScope = "network", Runtime = "vllm", Unauthenticated = false },
            ],
        };
        Finding f = Assert.Single(InventoryEnricher.Enrich(inv, Db).Findings);
        Assert.Equal("LNT-SCN-003", f.RuleId);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("11434", f.Evidence["port"]);
        Assert.Equal("42", f.Evidence["pid"]);
        Assert.Contains("ISO27001:A.8.20", f.Controls);
    }

    [Fact]
    public void Enrich_DigestMismatchProblem_RaisesScn004()
    {
        const string path = "/models/blobs/sha256-abc";
        Inventory inv = Base() with
        {
            Artifacts = [Artifact(path, new ModelLicense { Id = "mit", Source = "gguf:general.license" })],
            Problems =
            [
                new ScanProblem { Subject = path, Code = ProblemCodes.DigestMismatch, Message = "content hashes to sha256:def", Source = "ollama" },
                new ScanProblem { Subject = "/x", Code = ProblemCodes.Unreadable, Message = "denied" },
            ],
        };
        Finding f = Assert.Single(InventoryEnricher.Enrich(inv, Db).Findings, f => f.RuleId == "LNT-SCN-004");
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal(path, f.Evidence["path"]);
        Assert.Equal(new string('a', 64), f.Evidence["sha256"]);
    }

    [Fact]
    public void Enrich_Licences_NormalisedAndJudged()
    {
        Inventory inv = Base() with
        {
            Artifacts =
            [
                Artifact("/a.gguf", new ModelLicense { Id = "apache 2", Raw = "apache 2", Source = "gguf:general.license" }),
                Artifact("/b.gguf", new ModelLicense { Id = "cc-by-nc-4.0", Raw = "cc-by-nc-4.0", Source = "hf:readme" }),
                Artifact("/c.gguf", new ModelLicense { Id = "unknown", Raw = "MIT License\n\n" + LicenseTexts.Llama31, Source = "ollama:license-layer" }),
                Artifact("/d.gguf", new ModelLicense { Id = "other", Source = "hf:readme" }),
                Artifact("/e.gguf", null),
            ],
        };
        Inventory result = InventoryEnricher.Enrich(inv, Db);
        Assert.Equal(["Apache-2.0", "CC-BY-NC-4.0", "llama3.1", "other"], result.Artifacts.Take(4).Select(a => a.License!.Id));
        ModelLicense c = result.Artifacts[2].License!;
        Assert.Equal("ollama:license-layer", c.Source);
        Assert.NotNull(c.TextSha256);
        Assert.StartsWith("MIT License", c.Raw, StringComparison.Ordinal);

        Finding nc = Assert.Single(result.Findings, f => f.RuleId == "LNT-SCN-005");
        Assert.Equal("/b.gguf", nc.Evidence["path"]);
        Assert.Equal(Severity.Medium, nc.Severity);
        Assert.Contains("ISO27001:A.5.32", nc.Controls);
        Assert.Equal(["/d.gguf", "/e.gguf"], result.Findings.Where(f => f.RuleId == "LNT-SCN-006").Select(f => f.Evidence["path"]));
        Assert.Equal("missing", result.Findings.Single(f => f.RuleId == "LNT-SCN-006" && f.Evidence["path"] == "/e.gguf").Evidence["license"]);
    }

    [Fact]
    public void Enrich_StrayModel_RaisesScn007()
    {
        Inventory inv = Base() with { Artifacts = [Artifact("/home/u/Downloads/x.gguf", new ModelLicense { Id = "MIT", Source = "gguf:general.license" }, runtime: null)] };
        Finding f = Assert.Single(InventoryEnricher.Enrich(inv, Db).Findings);
        Assert.Equal("LNT-SCN-007", f.RuleId);
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Contains("ISO27001:A.5.9", f.Controls);
    }

    [Fact]
    public void Enrich_Twice_DoesNotDuplicateAndKeepsOtherFindings()
    {
        var other = new Finding { RuleId = "LNT-PKL-001", Severity = Severity.High, Message = "pickle" };
        Inventory inv = Base() with
        {
            Findings = [other],
            Runtimes = [new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.1.33" }],
        };
        Inventory once = InventoryEnricher.Enrich(inv, Db);
        Inventory twice = InventoryEnricher.Enrich(once, Db);
        Assert.Equal(once.Findings.Count, twice.Findings.Count);
        Assert.Contains(other, twice.Findings);
    }

    [Fact]
    public void Enrich_AllFindings_HaveControlsAndRemediation()
    {
        var props = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["llama.cpp.build"] = "garbage" };
        Inventory inv = Base() with
        {
            Runtimes = [new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.3.14", Properties = props }],
            Artifacts = [Artifact("/s.gguf", null, runtime: null)],
        };
        Inventory result = InventoryEnricher.Enrich(inv, Db);
        Assert.Contains(result.Findings, f => f.RuleId == "LNT-SCN-002" && f.Evidence["component"] == "llama.cpp garbage");
        Assert.Contains(result.Findings, f => f.RuleId == "LNT-SCN-001" && f.Evidence["status"] == "fix-unconfirmed");
        Assert.All(result.Findings, f =>
        {
            Assert.NotEmpty(f.Controls);
            Assert.False(string.IsNullOrWhiteSpace(f.Remediation));
            Assert.StartsWith("LNT-SCN-00", f.RuleId, StringComparison.Ordinal);
        });
    }
}
