using Lantern.Governance.Policy.Loading;

namespace Lantern.Governance.Tests.Policy.Loading;

public class PolicySemanticsTests
{
    private const string Digest = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private static PolicyLoadResult Parse(string yaml, DateOnly? today = null) =>
        PolicyLoader.Parse(yaml, "policy.yaml", new PolicyLoadOptions { Today = today ?? new DateOnly(2026, 11, 1) });

    private static PolicyDiagnostic SingleError(string yaml)
    {
        PolicyLoadResult result = Parse(yaml);
        Assert.Null(result.Policy);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_EmptyClassifications_IsAnError()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v1\nkind: LocalAiPolicy\nmetadata: { name: P, owner: O, version: \"1\" }\nclassifications: []\n");

        Assert.Equal((4, 18, "classifications"), (error.Line, error.Column, error.Path));
        Assert.Contains("at least one", error.Message);
    }

    [Fact]
    public void Parse_DuplicateClassification_IsAnError()
    {
        PolicyDiagnostic error = SingleError("apiVersion: lantern/v1\nkind: LocalAiPolicy\nmetadata: { name: P, owner: O, version: \"1\" }\nclassifications: [Public, Internal, public]\n");

        Assert.Equal((4, 37, "classifications[2]"), (error.Line, error.Column, error.Path));
    }

    [Fact]
    public void Parse_UnknownMaxClassification_SuggestsDefinedOne()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "useCases:\n  - id: a\n    description: d\n    maxClassification: Internl\n");

        Assert.Equal((8, 24, "useCases[0].maxClassification"), (error.Line, error.Column, error.Path));
        Assert.Contains("classification 'Internl' is not defined in classifications; did you mean 'Internal'?", error.Message);
    }

    [Fact]
    public void Parse_DuplicateUseCaseId_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "useCases:\n  - { id: a, description: d, maxClassification: Public }\n  - { id: a, description: e, maxClassification: Public }\n");

        Assert.Equal((7, 11, "useCases[1].id"), (error.Line, error.Column, error.Path));
        Assert.Contains("use case id 'a' is used twice", error.Message);
    }

    [Fact]
    public void Parse_UseCaseIdWithSpaces_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "useCases:\n  - { id: code assist, description: d, maxClassification: Public }\n");

        Assert.Contains("one word", error.Message);
    }

    [Fact]
    public void Parse_UnknownUseCaseReference_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "useCases:\n  - { id: code-assist, description: d, maxClassification: Public }\nmodels:\n  - name: m\n    useCases: [code-asist]\n");

        Assert.Equal((9, 16, "models[0].useCases[0]"), (error.Line, error.Column, error.Path));
        Assert.Contains("did you mean 'code-assist'?", error.Message);
    }

    [Fact]
    public void Parse_DuplicateModelNameAndRuntime_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: m\n    runtime: ollama\n  - name: M\n    runtime: ollama\n");

        Assert.Equal((8, 5, "models[1]"), (error.Line, error.Column, error.Path));
        Assert.Contains("registered twice (first at line 6)", error.Message);
    }

    [Fact]
    public void Parse_SameNameForDifferentRuntimes_IsAllowed()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + "models:\n  - name: m\n    runtime: ollama\n  - name: m\n    runtime: lmstudio\n");

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Parse_DuplicateGroupId_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "groups:\n  - id: g\n  - id: g\n");

        Assert.Equal((7, 9, "groups[1].id"), (error.Line, error.Column, error.Path));
    }

    [Fact]
    public void Parse_GroupNamesUnknownModel_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: llama3.2:1b\ngroups:\n  - id: g\n    models: [llama3.2:1c]\n");

        Assert.Equal((9, 14, "groups[0].models[0]"), (error.Line, error.Column, error.Path));
        Assert.Contains("did you mean 'llama3.2:1b'?", error.Message);
    }

    [Fact]
    public void Parse_GroupUnknownClassAndUseCase_AreErrors()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + "groups:\n  - id: g\n    useCases: [x]\n    maxClassification: Secret\n");

        Assert.Equal(["groups[0].useCases[0]", "groups[0].maxClassification"], result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Parse_SupersededByUnknownEntry_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: a\n    supersededBy: b\n");

        Assert.Equal((7, 19, "models[0].supersededBy"), (error.Line, error.Column, error.Path));
        Assert.Contains("not a registry entry", error.Message);
    }

    [Fact]
    public void Parse_SupersededBySelf_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: a\n    supersededBy: a\n");

        Assert.Contains("superseded by itself", error.Message);
    }

    [Fact]
    public void Parse_ApprovedWithoutDigest_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: a\n    status: approved\n    owner: o\n    validation: v\n    reviewBy: 2027-01-01\n");

        Assert.Equal((6, 5, "models[0].digests"), (error.Line, error.Column, error.Path));
        Assert.Contains("pins no digest", error.Message);
    }

    [Fact]
    public void Parse_ProposedWithoutDigest_IsAllowed()
    {
        Assert.Empty(Parse(PolicyYaml.Minimal + "models:\n  - name: a\n").Errors);
    }

    [Theory]
    [InlineData("https://huggingface.co/org/*", "without a scheme")]
    [InlineData("huggingface.co/org/**x", "whole path segment")]
    [InlineData("huggingface.co//x", "empty path segment")]
    [InlineData("/org/x", "starts with the host")]
    [InlineData("huggingface.co/org/?", "only * and ** are wildcards")]
    [InlineData("huggingface.co", "host/path")]
    [InlineData("huggingface.co/../x", "'..'")]
    public void Parse_MalformedSourcePattern_IsAnError(string pattern, string expected)
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + $"sources:\n  deny: [\"{pattern}\"]\n");

        Assert.Equal((6, 10, "sources.deny[0]"), (error.Line, error.Column, error.Path));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_WildcardInModelSource_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: a\n    source: huggingface.co/org/*\n");

        Assert.Equal("models[0].source", error.Path);
        Assert.Contains("wildcards belong in sources.allow", error.Message);
    }

    [Theory]
    [InlineData("Apache 2.0")]
    [InlineData("MIT OR Apache-2.0")]
    [InlineData("llama*")]
    public void Parse_MalformedLicenceId_IsAnError(string id)
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + $"licenses:\n  allow: [\"{id}\"]\n");

        Assert.Equal("licenses.allow[0]", error.Path);
        Assert.Contains("is not a licence id", error.Message);
    }

    [Fact]
    public void Parse_ModelLicenceAsSpdxExpression_IsAccepted()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + "models:\n  - name: a\n    license: Apache-2.0 OR MIT\n");

        Assert.Empty(result.Errors);
        Assert.Equal("Apache-2.0 OR MIT", result.Policy!.Models[0].License);
    }

    [Fact]
    public void Parse_LicenceInTwoLists_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "licenses:\n  allow: [MIT]\n  deny: [mit]\n");

        Assert.Equal((7, 10, "licenses.deny[0]"), (error.Line, error.Column, error.Path));
        Assert.Contains("in both licenses.allow and licenses.deny", error.Message);
    }

    [Fact]
    public void Parse_LicenceOutsideCatalogue_WarnsWithSuggestion()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + "licenses:\n  allow: [Apache-2]\n");

        Assert.Empty(result.Errors);
        PolicyDiagnostic warning = Assert.Single(result.Warnings);
        Assert.Equal("licenses.allow[0]", warning.Path);
        Assert.Contains("did you mean 'Apache-2.0'?", warning.Message);
    }

    [Fact]
    public void Parse_BadFailOnAdvisory_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "runtimes:\n  failOnAdvisory: severe\n");

        Assert.Equal("policy.yaml:6:19: runtimes.failOnAdvisory: 'severe' is not one of low, medium, high, critical", error.ToString());
    }

    [Theory]
    [InlineData("id: Ollama", "runtimes.allowed[0].id", "runtime id")]
    [InlineData("id: ollama, minVersion: latest", "runtimes.allowed[0].minVersion", "not a version")]
    [InlineData("id: ollama, minVersion: 1..2", "runtimes.allowed[0].minVersion", "not a version")]
    public void Parse_BadRuntimeRequirement_IsAnError(string entry, string path, string expected)
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + $"runtimes:\n  allowed:\n    - {{ {entry} }}\n");

        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_DuplicateRuntimeRequirement_IsAnError()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "runtimes:\n  allowed: [ { id: ollama }, { id: ollama, minVersion: 0.12.0 } ]\n");

        Assert.Equal("runtimes.allowed[1].id", error.Path);
    }

    [Fact]
    public void Parse_ApprovedModelWithGaps_WarnsForEachGap()
    {
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + $"models:\n  - name: a\n    status: approved\n    digests: [\"{Digest}\"]\n");

        Assert.Empty(result.Errors);
        Assert.NotNull(result.Policy);
        Assert.Equal(["models[0].owner", "models[0].validation", "models[0].reviewBy"], result.Warnings.Select(w => w.Path));
        Assert.All(result.Warnings, w => Assert.Equal((6, 5), (w.Line, w.Column)));
    }

    [Fact]
    public void Parse_ProposedModelWithGaps_DoesNotWarn()
    {
        Assert.Empty(Parse(PolicyYaml.Minimal + "models:\n  - name: a\n").Warnings);
    }

    [Fact]
    public void Parse_PolicyReviewDatePassed_Warns()
    {
        const string yaml = "apiVersion: lantern/v1\nkind: LocalAiPolicy\nmetadata: { name: P, owner: O, version: \"1\", reviewBy: 2026-10-31 }\nclassifications: [Public]\n";

        PolicyLoadResult late = Parse(yaml, new DateOnly(2026, 11, 1));
        PolicyLoadResult onTheDay = Parse(yaml, new DateOnly(2026, 10, 31));

        PolicyDiagnostic warning = Assert.Single(late.Warnings);
        Assert.Equal((3, 56, "metadata.reviewBy"), (warning.Line, warning.Column, warning.Path));
        Assert.Contains("due for review on 2026-10-31", warning.Message);
        Assert.NotNull(late.Policy);
        Assert.Empty(onTheDay.Warnings);
    }
}
