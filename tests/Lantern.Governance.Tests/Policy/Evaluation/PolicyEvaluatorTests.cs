using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Evaluation;

namespace Lantern.Governance.Tests.Policy.Evaluation;

public class PolicyEvaluatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 1);
    private static readonly string ShaA = new('a', 64);
    private static readonly string ShaB = new('b', 64);

    private static ModelArtifact Model(string name = "llama3.2:1b", string? sha = "a", string? runtime = "ollama", string? license = "llama3.2", string? verdict = "safe")
    {
        string? digest = sha is null ? null : new string(sha[0], 64);
        return new ModelArtifact
        {
            Path = $"/models/blobs/sha256-{digest ?? "none"}-{name.Replace(':', '_').Replace('/', '_')}",
            Format = "gguf",
            Sha256 = digest,
            Runtime = runtime,
            ModelName = name,
            License = license is null ? null : new ModelLicense { Id = license, Source = "gguf:general.license" },
            Verdict = verdict,
        };
    }

    private static RegisteredModel Entry(string name = "llama3.2:1b", ModelStatus status = ModelStatus.Approved, string? digest = null, string? runtime = "ollama") => new()
    {
        Name = name,
        Runtime = runtime,
        Digests = [digest ?? ShaA],
        Status = status,
        Owner = "Platform team",
        License = "llama3.2",
        Line = 12,
    };

    private static LocalAiPolicy Policy(params RegisteredModel[] models) => new()
    {
        Metadata = new PolicyMetadata { Name = "Acme Local AI Use Policy", Owner = "CISO", Version = "1.3", ReviewBy = Today.AddDays(30) },
        Models = models,
        Licenses = new LicenseRules { Allow = ["llama3.2", "Apache-2.0"] },
        Sources = new SourceRules { Allow = ["registry.ollama.ai/library/*", "huggingface.co/meta-llama/*"] },
    };

    private static Inventory Inv(params ModelArtifact[] artifacts) => new()
    {
        Host = "ws-17",
        User = "alice",
        ScannedAt = DateTimeOffset.UnixEpoch,
        Artifacts = artifacts,
    };

    private static IReadOnlyList<Finding> Eval(Inventory inventory, LocalAiPolicy policy, string? user = null) =>
        PolicyEvaluator.Evaluate(inventory, policy, new PolicyEvaluationOptions { Today = Today, User = user });

    private static Finding Single(IReadOnlyList<Finding> findings, string ruleId) => Assert.Single(findings, f => f.RuleId == ruleId);

    [Fact]
    public void Evaluate_ApprovedPinnedModel_NoFindings() =>
        Assert.Empty(Eval(Inv(Model()), Policy(Entry())));

    // ---- LNT-POL-001 / 002: identity ----

    [Fact]
    public void Evaluate_UnregisteredDigest_Pol001High()
    {
        Finding f = Single(Eval(Inv(Model("mistral:7b", sha: "c")), Policy(Entry())), PolicyRuleIds.ModelNotApproved);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains("'mistral:7b'", f.Message, StringComparison.Ordinal);
        Assert.Equal(new string('c', 64), f.Evidence["sha256"]);
        Assert.Equal("mistral:7b", f.Evidence["modelName"]);
        Assert.Equal("ollama", f.Evidence["runtime"]);
        Assert.Contains("ISO27001:A.5.36", f.Controls);
        Assert.False(string.IsNullOrWhiteSpace(f.Remediation));
    }

    [Fact]
    public void Evaluate_PinnedDigestUnderAnotherName_Approved()
    {
        // Identity is the digest: a copy under another name (or tag) of approved bytes is approved.
        Assert.Empty(Eval(Inv(Model("my-copy:latest")), Policy(Entry())));
    }

    [Fact]
    public void Evaluate_NoDigest_Pol001LowNotApproved()
    {
        IReadOnlyList<Finding> findings = Eval(Inv(Model(sha: null)), Policy(Entry()));
        Finding f = Single(findings, PolicyRuleIds.ModelNotApproved);
        Assert.Equal(Severity.Low, f.Severity);
        Assert.Equal("no digest", f.Evidence["reason"]);
        Assert.Equal("llama3.2:1b", f.Evidence["candidateEntry"]);
        Assert.DoesNotContain(findings, x => x.RuleId == PolicyRuleIds.DigestDrift);
    }

    [Fact]
    public void Evaluate_CloudModel_CheckedByNameAndSaysSo()
    {
        ModelArtifact cloud = Model("gpt-oss:120b-cloud", sha: null) with { Cloud = true };
        Finding unregistered = Single(Eval(Inv(cloud), Policy(Entry())), PolicyRuleIds.ModelNotApproved);
        Assert.Equal(Severity.High, unregistered.Severity);
        Assert.Contains("name only", unregistered.Evidence["identity"], StringComparison.Ordinal);

        IReadOnlyList<Finding> registered = Eval(Inv(cloud), Policy(Entry("gpt-oss:120b-cloud", ModelStatus.Proposed, digest: ShaB)));
        Assert.DoesNotContain(registered, f => f.RuleId is PolicyRuleIds.ModelNotApproved or PolicyRuleIds.DigestDrift);
        Finding pending = Single(registered, PolicyRuleIds.ModelPendingApproval);
        Assert.Contains("cloud", pending.Evidence["identity"], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RegisteredNameOtherDigest_Pol002High()
    {
        IReadOnlyList<Finding> findings = Eval(Inv(Model(sha: "c")), Policy(Entry()));
        Finding f = Single(findings, PolicyRuleIds.DigestDrift);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("llama3.2:1b", f.Evidence["registryEntry"]);
        Assert.Equal("12", f.Evidence["registryLine"]);
        Assert.Equal(ShaA, f.Evidence["pinnedDigests"]);
        Assert.DoesNotContain(findings, x => x.RuleId == PolicyRuleIds.ModelNotApproved);
    }

    [Fact]
    public void Evaluate_AliasMatchesEntry_Pol002()
    {
        ModelArtifact artifact = Model("llama3.2:latest", sha: "c") with { Aliases = ["llama3.2:1b"] };
        Assert.Single(Eval(Inv(artifact), Policy(Entry())), f => f.RuleId == PolicyRuleIds.DigestDrift);
    }

    [Fact]
    public void Evaluate_SameNameOtherRuntime_NotDrift()
    {
        IReadOnlyList<Finding> findings = Eval(Inv(Model(sha: "c", runtime: "lmstudio")), Policy(Entry()));
        Assert.DoesNotContain(findings, f => f.RuleId == PolicyRuleIds.DigestDrift);
        Assert.Single(findings, f => f.RuleId == PolicyRuleIds.ModelNotApproved);
    }

    // ---- LNT-POL-003 / 004 / 005: status ----

    [Fact]
    public void Evaluate_Proposed_Pol003()
    {
        Finding f = Single(Eval(Inv(Model()), Policy(Entry(status: ModelStatus.Proposed))), PolicyRuleIds.ModelPendingApproval);
        Assert.Equal("proposed", f.Evidence["status"]);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Fact]
    public void Evaluate_Deprecated_Pol004()
    {
        IReadOnlyList<Finding> findings = Eval(Inv(Model()), Policy(Entry(status: ModelStatus.Deprecated)));
        Assert.Single(findings, f => f.RuleId == PolicyRuleIds.ModelDeprecated);
        Assert.DoesNotContain(findings, f => f.RuleId == PolicyRuleIds.ModelPendingApproval);
    }

    [Fact]
    public void Evaluate_ApprovedButSuperseded_Pol004NamesSuccessor()
    {
        Finding f = Single(Eval(Inv(Model()), Policy(Entry() with { SupersededBy = "llama3.3:8b" })), PolicyRuleIds.ModelDeprecated);
        Assert.Equal("llama3.3:8b", f.Evidence["supersededBy"]);
        Assert.Contains("llama3.3:8b", f.Message, StringComparison.Ordinal);
        Assert.Contains("llama3.3:8b", f.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Retired_Pol005HighOnly()
    {
        IReadOnlyList<Finding> findings = Eval(Inv(Model()), Policy(Entry(status: ModelStatus.Retired) with { SupersededBy = "llama3.3:8b" }));
        Finding f = Single(findings, PolicyRuleIds.ModelRetired);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains("llama3.3:8b", f.Remediation, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, x => x.RuleId == PolicyRuleIds.ModelDeprecated);
    }

    // ---- LNT-POL-006 / 007: review dates ----

    [Fact]
    public void Evaluate_EntryReviewPassed_Pol006()
    {
        Finding f = Single(Eval(Inv(Model()), Policy(Entry() with { ReviewBy = Today.AddDays(-1) })), PolicyRuleIds.ModelReviewOverdue);
        Assert.Equal("2026-10-31", f.Evidence["reviewBy"]);
        Assert.Empty(Eval(Inv(Model()), Policy(Entry() with { ReviewBy = Today })));
    }

    [Fact]
    public void Evaluate_PolicyReviewPassed_Pol007Once()
    {
        LocalAiPolicy policy = Policy(Entry()) with { Metadata = new PolicyMetadata { Name = "P", Owner = "O", Version = "2", ReviewBy = Today.AddDays(-1) } };
        IReadOnlyList<Finding> findings = Eval(Inv(Model(), Model("other:1b", sha: "a")), policy);
        Finding f = Single(findings, PolicyRuleIds.PolicyReviewOverdue);
        Assert.Equal("P", f.Evidence["policy"]);
        Assert.Contains("ISO42001:A.2.4", f.Controls);
        Assert.Empty(Eval(Inv(), Policy() with { Metadata = policy.Metadata with { ReviewBy = Today } }));
    }

    // ---- LNT-POL-008 / 009: licences ----

    [Fact]
    public void Evaluate_DeniedLicence_Pol008()
    {
        LocalAiPolicy policy = Policy(Entry()) with { Licenses = new LicenseRules { Deny = ["CC-BY-NC-4.0"] } };
        Finding f = Single(Eval(Inv(Model(license: "cc-by-nc-4.0")), policy), PolicyRuleIds.LicenseDenied);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("CC-BY-NC-4.0", f.Evidence["license"]);
        Assert.Equal("on licenses.deny", f.Evidence["reason"]);
    }

    [Fact]
    public void Evaluate_UnlistedWithUnlistedDeny_Pol008()
    {
        LocalAiPolicy policy = Policy(Entry()) with { Licenses = new LicenseRules { Allow = ["MIT"], Unlisted = LicenseDecision.Deny } };
        Assert.Single(Eval(Inv(Model()), policy), f => f.RuleId == PolicyRuleIds.LicenseDenied);
    }

    [Fact]
    public void Evaluate_ReviewListLicence_Pol009()
    {
        LocalAiPolicy policy = Policy(Entry()) with { Licenses = new LicenseRules { Review = ["gemma"] } };
        Finding f = Single(Eval(Inv(Model(license: "gemma")), policy), PolicyRuleIds.LicenseNeedsReview);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal("on licenses.review", f.Evidence["reason"]);
    }

    [Fact]
    public void Evaluate_UnlistedWithUnlistedReview_Pol009()
    {
        Finding f = Single(Eval(Inv(Model(license: "MIT")), Policy(Entry())), PolicyRuleIds.LicenseNeedsReview);
        Assert.StartsWith("unlisted", f.Evidence["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnknownLicenceFallsBackToRegistry()
    {
        // The artifact carries no licence; the reviewed registry licence (llama3.2, allowed) is used instead.
        Assert.Empty(Eval(Inv(Model(license: null)), Policy(Entry())));
        Finding f = Single(Eval(Inv(Model(license: null)), Policy(Entry() with { License = null })), PolicyRuleIds.LicenseNeedsReview);
        Assert.Equal("licence missing", f.Evidence["reason"]);
        Assert.Equal("missing", f.Evidence["license"]);
        Finding unknown = Single(Eval(Inv(Model(license: "unknown")), Policy(Entry() with { License = null })), PolicyRuleIds.LicenseNeedsReview);
        Assert.Equal("licence unknown", unknown.Evidence["reason"]);
    }

    [Fact]
    public void Evaluate_NonCommercialNotExplicitlyAllowed_Pol009()
    {
        LocalAiPolicy unlistedAllow = Policy(Entry()) with { Licenses = new LicenseRules { Unlisted = LicenseDecision.Allow } };
        Finding f = Single(Eval(Inv(Model(license: "CC-BY-NC-4.0")), unlistedAllow), PolicyRuleIds.LicenseNeedsReview);
        Assert.Equal("no", f.Evidence["commercialUse"]);
        Assert.Empty(Eval(Inv(Model(license: "Apache-2.0")), unlistedAllow));
        LocalAiPolicy explicitAllow = Policy(Entry()) with { Licenses = new LicenseRules { Allow = ["CC-BY-NC-4.0"] } };
        Assert.Empty(Eval(Inv(Model(license: "CC-BY-NC-4.0")), explicitAllow));
    }

    // ---- LNT-POL-010: sources ----

    [Fact]
    public void Evaluate_SourceNotAllowed_Pol010()
    {
        ModelArtifact artifact = Model("someone/model:q4");
        Finding f = Single(Eval(Inv(artifact), Policy(Entry("someone/model:q4"))), PolicyRuleIds.SourceNotAllowed);
        Assert.Equal("registry.ollama.ai/someone/model", f.Evidence["source"]);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Fact]
    public void Evaluate_SourceDenied_Pol010High()
    {
        LocalAiPolicy policy = Policy(Entry("hf.co/evil/uncensored-llama:Q4_K_M")) with
        {
            Sources = new SourceRules { Allow = ["huggingface.co/**"], Deny = ["huggingface.co/*/uncensored*"] },
        };
        Finding f = Single(Eval(Inv(Model("hf.co/evil/uncensored-llama:Q4_K_M")), policy), PolicyRuleIds.SourceNotAllowed);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("huggingface.co/*/uncensored*", f.Evidence["pattern"]);
    }

    [Fact]
    public void Evaluate_NoAllowList_AnySourceAllowed()
    {
        LocalAiPolicy policy = Policy(Entry("someone/model:q4")) with { Sources = new SourceRules() };
        Assert.Empty(Eval(Inv(Model("someone/model:q4")), policy));
    }

    [Fact]
    public void Evaluate_UnknownSourceWithAllowList_Pol010()
    {
        ModelArtifact stray = Model("orca-mini", runtime: "gpt4all");
        Finding f = Single(Eval(Inv(stray), Policy(Entry("orca-mini", runtime: null))), PolicyRuleIds.SourceNotAllowed);
        Assert.Equal("source unknown", f.Evidence["reason"]);
        // The registry's recorded source stands in when the name carries none.
        Assert.Empty(Eval(Inv(stray), Policy(Entry("orca-mini", runtime: null) with { Source = "huggingface.co/meta-llama/x" })));
    }

    // ---- LNT-POL-011 / 012 / 013: runtimes ----

    private static Inventory WithRuntime(RuntimeInstall runtime) => Inv() with { Runtimes = [runtime] };

    private static LocalAiPolicy RuntimePolicy(string? minVersion = "0.12.0", bool allowUnlisted = true, string failOn = "high") =>
        Policy() with { Runtimes = new RuntimeRules { FailOnAdvisory = failOn, AllowUnlisted = allowUnlisted, Allowed = [new RuntimeRequirement { Id = "ollama", MinVersion = minVersion }] } };

    [Fact]
    public void Evaluate_RuntimeBelowMinimum_Pol011()
    {
        Finding f = Single(Eval(WithRuntime(new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.11.10", Executable = "/usr/bin/ollama" }), RuntimePolicy()), PolicyRuleIds.RuntimeBelowMinimum);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal("0.12.0", f.Evidence["minVersion"]);
        Assert.Equal("semver", f.Evidence["versionScheme"]);
        Assert.Empty(Eval(WithRuntime(new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.12.1" }), RuntimePolicy()));
        Assert.Empty(Eval(WithRuntime(new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.11.0" }), RuntimePolicy(minVersion: null)));
    }

    [Fact]
    public void Evaluate_RuntimeVersionUnknownWithMinimum_Pol011WithReason()
    {
        Finding f = Single(Eval(WithRuntime(new RuntimeInstall { Id = "ollama", Name = "Ollama" }), RuntimePolicy()), PolicyRuleIds.RuntimeBelowMinimum);
        Assert.Equal("version unknown", f.Evidence["reason"]);
        Assert.Equal(Severity.Low, f.Severity);
    }

    [Fact]
    public void Evaluate_LlamaCppBuildNumbers_ComparedAsBuilds()
    {
        LocalAiPolicy policy = Policy() with { Runtimes = new RuntimeRules { Allowed = [new RuntimeRequirement { Id = "llama.cpp", MinVersion = "b5000" }] } };
        Assert.Single(Eval(WithRuntime(new RuntimeInstall { Id = "llama.cpp", Name = "llama.cpp", Version = "b4999" }), policy), f => f.RuleId == PolicyRuleIds.RuntimeBelowMinimum);
        Assert.Empty(Eval(WithRuntime(new RuntimeInstall { Id = "llama.cpp", Name = "llama.cpp", Version = "b10000" }), policy));
    }

    private static RuntimeInstall Vulnerable(params (string Id, string Severity)[] advisories) => new()
    {
        Id = "ollama",
        Name = "Ollama",
        Version = "0.12.5",
        Advisories = advisories.Select(a => new AdvisoryMatch { Id = a.Id, Summary = "bad", Severity = a.Severity, Fixed = "0.13.0" }).ToList(),
    };

    [Fact]
    public void Evaluate_AdvisoryAtOrAboveThreshold_Pol012WithAdvisorySeverity()
    {
        IReadOnlyList<Finding> findings = Eval(WithRuntime(Vulnerable(("GO-1", "critical"), ("GO-2", "high"), ("GO-3", "medium"))), RuntimePolicy());
        List<Finding> pol012 = findings.Where(f => f.RuleId == PolicyRuleIds.RuntimeAdvisory).ToList();
        Assert.Equal(["GO-1", "GO-2"], pol012.Select(f => f.Evidence["advisory"]));
        Assert.Equal([Severity.Critical, Severity.High], pol012.Select(f => f.Severity));
        Assert.Contains("0.13.0", pol012[0].Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AdvisoryBelowThreshold_NoPol012()
    {
        Assert.DoesNotContain(Eval(WithRuntime(Vulnerable(("GO-3", "medium"))), RuntimePolicy(failOn: "critical")), f => f.RuleId == PolicyRuleIds.RuntimeAdvisory);
        Assert.Single(Eval(WithRuntime(Vulnerable(("GO-4", "low"))), RuntimePolicy(failOn: "low")), f => f.RuleId == PolicyRuleIds.RuntimeAdvisory);
    }

    [Fact]
    public void Evaluate_RuntimeNotAllowed_Pol013()
    {
        RuntimeInstall vllm = new() { Id = "vllm", Name = "vLLM", Version = "0.9.0" };
        Finding f = Single(Eval(WithRuntime(vllm), RuntimePolicy(allowUnlisted: false)), PolicyRuleIds.RuntimeNotAllowed);
        Assert.Equal("vllm", f.Evidence["runtime"]);
        Assert.Empty(Eval(WithRuntime(vllm), RuntimePolicy(allowUnlisted: true)));
        Assert.Empty(Eval(WithRuntime(new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.12.3" }), RuntimePolicy(allowUnlisted: false)));
    }

    // ---- LNT-POL-014: exposure ----

    [Fact]
    public void Evaluate_ExposedServer_Pol014()
    {
        InferenceServer exposed = new() { Address = "0.0.0.0", Port = 11434, BindScope = "wildcard", Runtime = "ollama", ExposedBeyondLoopback = true, Unauthenticated = true };
        InferenceServer loopback = new() { Address = "127.0.0.1", Port = 11435, BindScope = "loopback", Runtime = "ollama" };
        Inventory inventory = Inv() with { Servers = [exposed, loopback] };
        Finding f = Single(Eval(inventory, Policy()), PolicyRuleIds.ServerExposed);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("11434", f.Evidence["port"]);
        Assert.Empty(Eval(inventory, Policy() with { Exposure = new ExposureRules { AllowNonLoopback = true } }));
    }

    [Fact]
    public void Evaluate_BoundBeyondLoopbackOnly_Pol014Medium()
    {
        InferenceServer bound = new() { Address = "192.168.1.5", Port = 8080, BindScope = "network" };
        Assert.Equal(Severity.Medium, Single(Eval(Inv() with { Servers = [bound] }, Policy()), PolicyRuleIds.ServerExposed).Severity);
    }

    // ---- LNT-POL-015 / 018: vetting ----

    [Theory]
    [InlineData("malicious", Severity.Critical)]
    [InlineData("suspicious", Severity.High)]
    public void Evaluate_UnsafeVerdict_Pol015(string verdict, Severity expected)
    {
        Finding f = Single(Eval(Inv(Model(verdict: verdict)), Policy(Entry())), PolicyRuleIds.UnsafeArtifact);
        Assert.Equal(expected, f.Severity);
        Assert.Equal(verdict, f.Evidence["verdict"]);
    }

    [Fact]
    public void Evaluate_MaliciousStrayPickle_Pol015Only()
    {
        ModelArtifact pickle = new() { Path = "/tmp/x.pkl", Format = "pickle", Sha256 = ShaB, Verdict = "malicious" };
        IReadOnlyList<Finding> findings = Eval(Inv(pickle), Policy(Entry()));
        Assert.Equal([PolicyRuleIds.UnsafeArtifact], findings.Select(f => f.RuleId));
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("incomplete")]
    [InlineData("unsupported")]
    public void Evaluate_NotJudged_Pol018(string verdict)
    {
        Finding f = Single(Eval(Inv(Model(verdict: verdict)), Policy(Entry())), PolicyRuleIds.ArtifactNotJudged);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Theory]
    [InlineData("safe")]
    [InlineData(null)]
    public void Evaluate_SafeOrNotVetted_NoVettingFinding(string? verdict) =>
        Assert.Empty(Eval(Inv(Model(verdict: verdict)), Policy(Entry())));

    [Fact]
    public void Evaluate_NotAModel_Ignored() =>
        Assert.Empty(Eval(Inv(Model("x:1", sha: "c", verdict: "not-a-model")), Policy(Entry())));

    // ---- LNT-POL-016 / 017: ownership and groups ----

    [Fact]
    public void Evaluate_EntryWithoutOwner_Pol016()
    {
        Finding f = Single(Eval(Inv(Model()), Policy(Entry() with { Owner = " " })), PolicyRuleIds.ModelWithoutOwner);
        Assert.Contains("ISO42001:A.3.2", f.Controls);
        Assert.DoesNotContain(Eval(Inv(Model(sha: "c")), Policy(Entry() with { Owner = null })), x => x.RuleId == PolicyRuleIds.ModelWithoutOwner);
    }

    [Fact]
    public void Evaluate_GroupMemberWithModelOutsideGroup_Pol017()
    {
        LocalAiPolicy policy = Policy(Entry()) with { Groups = [new UserGroup { Id = "contractors", Members = ["ALICE"], Models = ["qwen3:4b"] }] };
        Finding f = Single(Eval(Inv(Model()), policy), PolicyRuleIds.ModelNotAllowedForGroup);
        Assert.Equal("contractors", f.Evidence["groups"]);
        Assert.Equal("alice", f.Evidence["user"]);
        Assert.Empty(Eval(Inv(Model()), policy, user: "bob"));
    }

    [Fact]
    public void Evaluate_GroupAllowsModel_NoPol017()
    {
        LocalAiPolicy listed = Policy(Entry()) with { Groups = [new UserGroup { Id = "contractors", Members = ["alice"], Models = ["LLAMA3.2:1B"] }] };
        Assert.Empty(Eval(Inv(Model()), listed));
        LocalAiPolicy twoGroups = Policy(Entry()) with
        {
            Groups = [new UserGroup { Id = "a", Members = ["alice"], Models = ["x"] }, new UserGroup { Id = "b", Members = ["alice"] }],
        };
        Assert.Empty(Eval(Inv(Model()), twoGroups));
    }

    // ---- output shape ----

    [Fact]
    public void Evaluate_SharedDigestPaths_OneFindingPerPathSortedBySeverity()
    {
        ModelArtifact first = Model("m:1", sha: "c", verdict: "malformed");
        ModelArtifact second = first with { Path = "/other/path", ModelName = "m:latest" };
        IReadOnlyList<Finding> findings = Eval(Inv(second, first), Policy(Entry()));
        Assert.Equal(2, findings.Count(f => f.RuleId == PolicyRuleIds.ModelNotApproved));
        Assert.Equal(findings.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal).Select(f => f.RuleId), findings.Select(f => f.RuleId));
        Assert.Equal(findings.Select(f => f.Message), Eval(Inv(first, second), Policy(Entry())).Select(f => f.Message));
        Assert.All(findings, f => Assert.NotEmpty(f.Controls));
        Assert.All(findings, f => Assert.Equal(f.Evidence.Keys.Order(StringComparer.Ordinal), f.Evidence.Keys));
    }

    [Fact]
    public void Evaluate_EvidenceCarriesRegistryAndLicence()
    {
        Finding f = Single(Eval(Inv(Model()), Policy(Entry(status: ModelStatus.Proposed))), PolicyRuleIds.ModelPendingApproval);
        Assert.Equal("llama3.2:1b", f.Evidence["registryEntry"]);
        Assert.Equal("12", f.Evidence["registryLine"]);
        Assert.Equal("llama3.2", f.Evidence["license"]);
        Assert.Equal("registry.ollama.ai/library/llama3.2", f.Evidence["source"]);
        Assert.Equal(ShaA, f.Evidence["sha256"]);
        Assert.Equal("/models/blobs/sha256-" + ShaA + "-llama3.2_1b", f.Evidence["path"]);
    }
}
