using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Loading;

namespace Lantern.Governance.Tests.Policy.Loading;

public class PolicyLoaderTests
{
    private static readonly PolicyLoadOptions Options = new() { Today = new DateOnly(2026, 11, 1) };

    private static PolicyLoadResult Parse(string yaml) => PolicyLoader.Parse(yaml, "policy.yaml", Options);

    private static PolicyDiagnostic SingleError(string yaml)
    {
        PolicyLoadResult result = Parse(yaml);
        Assert.Null(result.Policy);
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    private static void AssertAt(PolicyDiagnostic diagnostic, int line, int column, string path)
    {
        Assert.Equal((line, column, path), (diagnostic.Line, diagnostic.Column, diagnostic.Path));
    }

    // ---- the happy path ------------------------------------------------------------------------------------

    [Fact]
    public void Parse_FullPolicy_MapsEveryValue()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Full);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.True(result.IsValid);
        LocalAiPolicy policy = result.Policy!;
        Assert.Equal(LocalAiPolicy.ApiVersionV1, policy.ApiVersion);
        Assert.Equal(new PolicyMetadata
        {
            Name = "Acme Local AI Use Policy",
            Owner = "Information Security (ciso@acme.example)",
            Version = "1.3",
            ApprovedBy = "Jane Doe, CISO",
            ApprovedOn = new DateOnly(2026, 10, 1),
            ReviewBy = new DateOnly(2027, 4, 1),
        }, policy.Metadata);
        Assert.Equal(["Public", "Internal", "Confidential", "Restricted"], policy.Classifications);

        Assert.Equal(2, policy.UseCases.Count);
        Assert.Equal(new UseCase { Id = "code-assist", Description = "Code completion and explanation in the IDE", MaxClassification = "Internal", OutputHandling = OutputHandling.HumanReview }, policy.UseCases[0]);
        Assert.Equal("Summaries of internal documents.\nSecond line.\n", policy.UseCases[1].Description);
        Assert.Equal(OutputHandling.None, policy.UseCases[1].OutputHandling);

        RegisteredModel first = policy.Models[0];
        Assert.Equal("llama3.2:1b", first.Name);
        Assert.Equal("ollama", first.Runtime);
        Assert.Equal([PolicyYaml.DigestA], first.Digests);
        Assert.Equal("3.2", first.Version);
        Assert.Equal("registry.ollama.ai/library/llama3.2", first.Source);
        Assert.Equal("llama3.2", first.License);
        Assert.Equal("Platform team", first.Owner);
        Assert.Equal(["code-assist"], first.UseCases);
        Assert.Equal("Internal", first.MaxClassification);
        Assert.Equal(ModelStatus.Deprecated, first.Status);
        Assert.Equal("llama3.3:8b", first.SupersededBy);
        Assert.Equal("QA-2026-114", first.Validation);
        Assert.Equal("John Roe", first.ApprovedBy);
        Assert.Equal(new DateOnly(2026, 9, 30), first.ApprovedOn);
        Assert.Equal(new DateOnly(2027, 3, 31), first.ReviewBy);
        Assert.Equal(22, first.Line);

        RegisteredModel second = policy.Models[1];
        Assert.Null(second.Runtime);
        Assert.Equal([PolicyYaml.DigestB], second.Digests);
        Assert.Equal(ModelStatus.Approved, second.Status);
        Assert.Equal(37, second.Line);

        Assert.Equal(["huggingface.co/meta-llama/*", "registry.ollama.ai/library/*"], policy.Sources.Allow);
        Assert.Equal(["huggingface.co/**/uncensored*"], policy.Sources.Deny);
        Assert.Equal(["Apache-2.0", "MIT", "llama3.1", "llama3.2"], policy.Licenses.Allow);
        Assert.Equal(["gemma"], policy.Licenses.Review);
        Assert.Equal(["CC-BY-NC-4.0"], policy.Licenses.Deny);
        Assert.Equal(LicenseDecision.Deny, policy.Licenses.Unlisted);
        Assert.Equal("critical", policy.Runtimes.FailOnAdvisory);
        Assert.False(policy.Runtimes.AllowUnlisted);
        Assert.Equal([new RuntimeRequirement { Id = "ollama", MinVersion = "0.12.0" }, new RuntimeRequirement { Id = "llama.cpp" }], policy.Runtimes.Allowed);
        Assert.True(policy.Exposure.AllowNonLoopback);
        UserGroup group = Assert.Single(policy.Groups);
        Assert.Equal("contractors", group.Id);
        Assert.Equal(["ext-bob", "ext-alice"], group.Members);
        Assert.Equal(["llama3.2:1b"], group.Models);
        Assert.Equal(["code-assist"], group.UseCases);
        Assert.Equal("Internal", group.MaxClassification);
    }

    [Fact]
    public void Parse_MinimalPolicy_AppliesDefaults()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal);

        Assert.Empty(result.Errors);
        LocalAiPolicy policy = result.Policy!;
        Assert.Empty(policy.Models);
        Assert.Empty(policy.Sources.Allow);
        Assert.Equal(LicenseDecision.Review, policy.Licenses.Unlisted);
        Assert.Equal("high", policy.Runtimes.FailOnAdvisory);
        Assert.True(policy.Runtimes.AllowUnlisted);
        Assert.False(policy.Exposure.AllowNonLoopback);
    }

    [Fact]
    public void Load_FileOnDisk_NamesThePathInDiagnostics()
    {
        using var dir = new Lantern.Testing.TempDirectory();
        string path = dir.File("policy.yaml");
        File.WriteAllText(path, "\uFEFF" + PolicyYaml.Minimal + "modles: []\n");

        PolicyLoadResult result = PolicyLoader.Load(path, Options);

        PolicyDiagnostic error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Source);
        AssertAt(error, 5, 1, "modles");
    }

    [Fact]
    public void Load_ValidFile_Loads()
    {
        using var dir = new Lantern.Testing.TempDirectory();
        string path = dir.File("policy.yaml");
        File.WriteAllText(path, PolicyYaml.Full);

        Assert.True(PolicyLoader.Load(path, Options).IsValid);
    }

    // ---- diagnostics text ----------------------------------------------------------------------------------

    [Fact]
    public void ToString_BadEnum_ReadsLikeACompilerMessage()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + """
            models:
              - name: m
                status: aproved
            """);

        Assert.Equal("policy.yaml:7:13: models[0].status: 'aproved' is not one of proposed, approved, deprecated, retired", error.ToString());
    }

    [Fact]
    public void ToString_FileLevelProblem_OmitsLineAndPath()
    {
        Assert.Equal("p.yaml: too big", new PolicyDiagnostic("p.yaml", 0, 0, "", "too big").ToString());
    }

    // ---- structure errors ----------------------------------------------------------------------------------

    [Fact]
    public void Parse_MisspeltRootKey_SuggestsTheRightOne()
    {
        PolicyDiagnostic error = SingleError("""
            apiVersion: lantern/v1
            kind: LocalAiPolicy
            metadata: { name: P, owner: O, version: "1" }
            classifications: [Public]
            clasifications: [Public]
            """);

        AssertAt(error, 5, 1, "clasifications");
        Assert.Contains("unknown key 'clasifications'; did you mean 'classifications'?", error.Message);
    }

    [Fact]
    public void Parse_UnknownKeyInModel_NamesEntryPath()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + """
            models:
              - name: m
                licence: MIT
            """);

        AssertAt(error, 7, 5, "models[0].licence");
        Assert.Contains("did you mean 'license'?", error.Message);
    }

    [Fact]
    public void Parse_UnknownKeyFarFromAny_HasNoSuggestion()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "zzzzzz: 1\n");

        Assert.DoesNotContain("did you mean", error.Message);
        Assert.Contains("allowed here:", error.Message);
    }

    [Fact]
    public void Parse_ScalarWhereListBelongs_IsWrongType()
    {
        PolicyDiagnostic error = SingleError("""
            apiVersion: lantern/v1
            kind: LocalAiPolicy
            metadata: { name: P, owner: O, version: "1" }
            classifications: Public
            """);

        AssertAt(error, 4, 18, "classifications");
        Assert.Contains("expected a list, found a single value", error.Message);
    }

    [Fact]
    public void Parse_ListWhereMappingBelongs_IsWrongType()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "exposure: [true]\n");

        AssertAt(error, 5, 11, "exposure");
        Assert.Contains("expected a mapping", error.Message);
    }

    [Theory]
    [InlineData("\"true\"", "quoted text")]
    [InlineData("yes", "'yes'")]
    [InlineData("1", "'1'")]
    public void Parse_NonBoolean_IsWrongType(string value, string expected)
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + $"exposure:\n  allowNonLoopback: {value}\n");

        AssertAt(error, 6, 21, "exposure.allowNonLoopback");
        Assert.Contains("expected true or false", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_ListWhereTextBelongs_IsWrongType()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: [a, b]\n");

        AssertAt(error, 6, 11, "models[0].name");
        Assert.Contains("expected a single value, found a list", error.Message);
    }

    [Fact]
    public void Parse_MissingRequiredMetadataKey_PointsAtTheMapping()
    {
        PolicyDiagnostic error = SingleError("""
            apiVersion: lantern/v1
            kind: LocalAiPolicy
            metadata:
              name: P
              version: "1"
            classifications: [Public]
            """);

        AssertAt(error, 4, 3, "metadata.owner");
        Assert.Equal("required key 'owner' is missing", error.Message);
    }

    [Fact]
    public void Parse_EmptyRequiredValue_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "useCases:\n  - id: x\n    description:\n    maxClassification: Public\n");

        Assert.Equal("useCases[0].description", error.Path);
        Assert.Contains("required", error.Message);
    }

    [Fact]
    public void Parse_MissingClassifications_IsAnError()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v1\nkind: LocalAiPolicy\nmetadata: { name: P, owner: O, version: \"1\" }\n");

        Assert.Equal("classifications", error.Path);
    }

    [Fact]
    public void Parse_DuplicateKey_ReportsSecondWithFirstLine()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "exposure:\n  allowNonLoopback: false\n  allowNonLoopback: true\n");

        AssertAt(error, 7, 3, "exposure.allowNonLoopback");
        Assert.Contains("duplicate key 'allowNonLoopback' (first at line 6)", error.Message);
    }

    [Fact]
    public void Parse_EveryDuplicateKey_IsReported()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + "exposure: {}\nexposure: {}\nexposure: {}\n");

        Assert.Equal(2, result.Errors.Count);
        Assert.Null(result.Policy);
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("2026-1-1")]
    [InlineData("01/02/2026")]
    [InlineData("2026-01-01T00:00:00Z")]
    public void Parse_BadDate_IsAnError(string date)
    {
        PolicyDiagnostic error = SingleError($"""
            apiVersion: lantern/v1
            kind: LocalAiPolicy
            metadata:
              name: P
              owner: O
              version: "1"
              reviewBy: {date}
            classifications: [Public]
            """);

        AssertAt(error, 7, 13, "metadata.reviewBy");
        Assert.Contains("is not a date; write YYYY-MM-DD", error.Message);
    }

    [Fact]
    public void Parse_QuotedDate_IsAccepted()
    {
        PolicyLoadResult result = Parse("apiVersion: lantern/v1\nkind: LocalAiPolicy\nmetadata: { name: P, owner: O, version: \"1\", reviewBy: \"2027-01-31\" }\nclassifications: [Public]\n");

        Assert.Equal(new DateOnly(2027, 1, 31), result.Policy!.Metadata.ReviewBy);
    }

    [Theory]
    [InlineData("sha256:abc", "found 3 characters")]
    [InlineData("sha256:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "not all hex")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", "expected 'sha256:'")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "write 'sha256:aaaa")]
    [InlineData("SHA256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "expected 'sha256:'")]
    public void Parse_BadDigest_IsAnError(string digest, string expected)
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + $"models:\n  - name: m\n    digests:\n      - \"{digest}\"\n");

        AssertAt(error, 8, 9, "models[0].digests[0]");
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_DuplicateDigestInEntry_WarnsAndKeepsOne()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + $"models:\n  - name: m\n    digests: [\"sha256:{PolicyYaml.DigestA}\", \"sha256:{PolicyYaml.DigestA.ToUpperInvariant()}\"]\n");

        Assert.Empty(result.Errors);
        Assert.Equal([PolicyYaml.DigestA], result.Policy!.Models[0].Digests);
        Assert.Equal("models[0].digests[1]", Assert.Single(result.Warnings).Path);
    }

    [Fact]
    public void Parse_NewerApiVersion_SaysUpgrade()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v2\nkind: LocalAiPolicy\nfutureSection: {}\n");

        AssertAt(error, 1, 13, "apiVersion");
        Assert.Contains("written for a newer Lantern (lantern/v2)", error.Message);
    }

    [Theory]
    [InlineData("lantern/v0")]
    [InlineData("v1")]
    [InlineData("Lantern/V1")]
    public void Parse_ForeignApiVersion_IsRefused(string apiVersion)
    {
        PolicyDiagnostic error = SingleError($"apiVersion: {apiVersion}\nkind: LocalAiPolicy\n");

        Assert.Equal("apiVersion", error.Path);
        Assert.Contains("expected lantern/v1", error.Message);
    }

    [Fact]
    public void Parse_WrongKind_IsRefused()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v1\nkind: Deployment\n");

        AssertAt(error, 2, 7, "kind");
        Assert.Contains("expected LocalAiPolicy", error.Message);
    }

    [Fact]
    public void Parse_DocumentNotAMapping_IsRefused()
    {
        PolicyDiagnostic error = SingleError("- a\n- b\n");

        Assert.Contains("but the document is a list", error.Message);
    }

    [Fact]
    public void Parse_EmptyText_IsRefused()
    {
        Assert.Contains("empty", SingleError("# only a comment\n").Message);
    }

    [Fact]
    public void Parse_SyntaxError_HasPosition()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v1\nkind: [unclosed\n");

        Assert.True(error.Line >= 2, error.ToString());
        Assert.StartsWith("YAML syntax error: ", error.Message);
        Assert.DoesNotContain("(Line:", error.Message);
    }

    [Fact]
    public void Parse_ControlCharacterInText_IsRefused()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v1\nkind: LocalAiPolicy\nmetadata: { name: \"P\\e[31m\", owner: O, version: \"1\" }\nclassifications: [Public]\n");

        Assert.Equal("metadata.name", error.Path);
        Assert.Contains("U+001B", error.Message);
    }

    [Fact]
    public void Parse_NewlineInSingleLineField_IsRefused()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v1\nkind: LocalAiPolicy\nmetadata: { name: \"a\\nb\", owner: O, version: \"1\" }\nclassifications: [Public]\n");

        Assert.Contains("single line", error.Message);
    }

    [Fact]
    public void Parse_Errors_NeverYieldAPolicy()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Full.Replace("status: approved", "status: approve", StringComparison.Ordinal));

        Assert.NotEmpty(result.Errors);
        Assert.Null(result.Policy);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Parse_ManyErrors_AreInDocumentOrder()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + "models:\n  - name: m\n    status: x\n    maxClassification: Nope\nbogus: 1\n");

        Assert.Equal(3, result.Errors.Count);
        Assert.Equal(result.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column), result.Errors);
    }
}
