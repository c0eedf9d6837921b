using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Loading;
using Lantern.Governance.Policy.Starter;
using Lantern.Testing;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Lantern.Governance.Tests.Policy.Loading;

public class GatewaySectionTests
{
    private static readonly string SchemaPath = Path.Combine(TestPaths.RepoRoot, "docs", "schema", "policy.schema.json");

    // Minimal is 4 lines and WithModel adds 2, so the first extra line is line 7.
    private const string WithModel = PolicyYaml.Minimal + "models:\n  - name: m1\n";

    private const string Both = WithModel + """
        gateway:
          allowManagement: true
          allowCloudModels: false
          allowApprovedByName: true
          allowUnknownRoutes: true
          requireUseCaseFor: [m1]
          capture: redacted
        dataClassification:
          keywords:
            - class: Internal
              terms: [CONFIDENTIAL, "internal use only"]
            - class: Public
              name: marking
              caseSensitive: true
              terms: [PUBLIC]
          patterns:
            - name: contract-id
              class: Internal
              regex: '\bCT-[0-9]{6}\b'
              ignoreCase: true
          detectors:
            email: Public
            jwt: Internal

        """;

    private static PolicyLoadResult Parse(string yaml) => PolicyLoader.Parse(yaml, "policy.yaml");

    [Fact]
    public void Parse_BothSections_MapsEveryKey()
    {
        PolicyLoadResult result = Parse(Both);

        Assert.Empty(result.Errors);
        GatewayPolicy gateway = result.Policy!.Gateway!;
        Assert.True(gateway.AllowManagement);
        Assert.False(gateway.AllowCloudModels);
        Assert.True(gateway.AllowApprovedByName);
        Assert.True(gateway.AllowUnknownRoutes);
        Assert.Equal(["m1"], gateway.RequireUseCaseFor);
        Assert.Equal("redacted", gateway.CaptureLevel);

        DataClassificationPolicy dlp = result.Policy.DataClassification!;
        Assert.Equal(2, dlp.Keywords.Count);
        Assert.Equal(("Internal", null, false), (dlp.Keywords[0].Class, dlp.Keywords[0].Name, dlp.Keywords[0].CaseSensitive));
        Assert.Equal(["CONFIDENTIAL", "internal use only"], dlp.Keywords[0].Terms);
        Assert.Equal(("Public", "marking", true), (dlp.Keywords[1].Class, dlp.Keywords[1].Name, dlp.Keywords[1].CaseSensitive));
        ClassificationPattern pattern = Assert.Single(dlp.Patterns);
        Assert.Equal(("contract-id", "Internal", @"\bCT-[0-9]{6}\b", true), (pattern.Name, pattern.Class, pattern.Regex, pattern.IgnoreCase));
        Assert.Equal((25, 14), (pattern.Line, pattern.Column));
        Assert.Equal("Public", dlp.Detectors["email"]);
        Assert.Equal("Internal", dlp.Detectors["jwt"]);
    }

    [Fact]
    public void Parse_SectionsAbsent_AreNull()
    {
        LocalAiPolicy policy = Parse(PolicyYaml.Minimal).Policy!;

        Assert.Null(policy.Gateway);
        Assert.Null(policy.DataClassification);
    }

    [Fact]
    public void Parse_EmptyGatewaySection_DefaultsClosedAndMetadata()
    {
        GatewayPolicy gateway = Parse(PolicyYaml.Minimal + "gateway: {}\n").Policy!.Gateway!;

        Assert.False(gateway.AllowManagement || gateway.AllowCloudModels || gateway.AllowApprovedByName || gateway.AllowUnknownRoutes);
        Assert.Null(gateway.RequireUseCaseFor);
        Assert.Equal("metadata", gateway.CaptureLevel);
    }

    [Theory]
    [InlineData("gateway:\n  alowManagement: true\n", 8, 3, "gateway.alowManagement", "did you mean 'allowManagement'")]
    [InlineData("gateway:\n  capture: everything\n", 8, 12, "gateway.capture", "not one of none, metadata, redacted, full")]
    [InlineData("gateway:\n  allowCloudModels: \"true\"\n", 8, 21, "gateway.allowCloudModels", "expected true or false")]
    [InlineData("gateway:\n  requireUseCaseFor: [nope]\n", 8, 23, "gateway.requireUseCaseFor[0]", "not a registry entry")]
    [InlineData("dataClassification:\n  keywords:\n    - class: Secret\n      terms: [x1]\n", 9, 14, "dataClassification.keywords[0].class", "not defined in classifications")]
    [InlineData("dataClassification:\n  keywords:\n    - class: Internal\n      terms: [x]\n", 10, 15, "dataClassification.keywords[0].terms[0]", "2 to 256 characters")]
    [InlineData("dataClassification:\n  keywords:\n    - class: Internal\n      terms: []\n", 10, 14, "dataClassification.keywords[0].terms", "at least one term")]
    [InlineData("dataClassification:\n  keywords:\n    - class: Internal\n      terms: [ab]\n      caseSensitiv: true\n", 11, 7, "dataClassification.keywords[0].caseSensitiv", "did you mean 'caseSensitive'")]
    [InlineData("dataClassification:\n  patterns:\n    - name: p\n      class: Internal\n      regex: 'a(b'\n", 11, 14, "dataClassification.patterns[0].regex", "not a valid regular expression")]
    [InlineData("dataClassification:\n  patterns:\n    - class: Internal\n      regex: 'ab'\n", 9, 7, "dataClassification.patterns[0].name", "required key 'name'")]
    [InlineData("dataClassification:\n  patterns:\n    - name: contract id\n      class: Internal\n      regex: 'ab'\n", 9, 13, "dataClassification.patterns[0].name", "not a rule name")]
    [InlineData("dataClassification:\n  detectors:\n    e-mail: Internal\n", 9, 5, "dataClassification.detectors.e-mail", "did you mean 'email'")]
    [InlineData("dataClassification:\n  detectors:\n    email: Top\n", 9, 12, "dataClassification.detectors.email", "not defined in classifications")]
    [InlineData("dataClassification:\n  patterns: oops\n", 8, 13, "dataClassification.patterns", "expected a list")]
    public void Parse_BadValue_ErrorAtLineAndColumn(string extra, int line, int column, string path, string message)
    {
        PolicyLoadResult result = Parse(WithModel + extra);

        Assert.Null(result.Policy);
        PolicyDiagnostic error = Assert.Single(result.Errors);
        Assert.Equal((line, column, path), (error.Line, error.Column, error.Path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverlongPattern_IsRefusedWithoutCompiling()
    {
        string regex = new('a', 4097);

        PolicyDiagnostic error = Assert.Single(Parse(PolicyYaml.Minimal + $"dataClassification:\n  patterns:\n    - {{ name: p, class: Internal, regex: {regex} }}\n").Errors);

        Assert.Contains("at most 4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LookaroundPattern_PassesTheLoader_SyntaxOnly()
    {
        // Engine restrictions are the gateway's to report (it compiles with NonBacktracking); the loader checks syntax.
        PolicyLoadResult result = Parse(PolicyYaml.Minimal + "dataClassification:\n  patterns:\n    - { name: p, class: Internal, regex: 'a(?=b)' }\n");

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void DetectorIds_AreUniqueLowercase()
    {
        Assert.Equal(DataClassificationPolicy.DetectorIds.Count, DataClassificationPolicy.DetectorIds.Distinct(StringComparer.Ordinal).Count());
        Assert.All(DataClassificationPolicy.DetectorIds, id => Assert.Equal(id.ToLowerInvariant(), id));
    }

    [Fact]
    public async Task BothSections_AsJson_ValidateAgainstSchema()
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);

        ICollection<ValidationError> errors = schema.Validate(YamlToJson.Convert(Both)!.ToJsonString());

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"{e.Kind} at {e.Path}: {e}")));
    }

    [Theory]
    [InlineData("gateway: { capture: all }")]
    [InlineData("gateway: { allowEverything: true }")]
    [InlineData("dataClassification: { detectors: { e-mail: Internal } }")]
    [InlineData("dataClassification: { patterns: [ { class: Internal, regex: a } ] }")]
    public async Task Schema_RejectsWhatTheLoaderRejects(string extra)
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);
        Assert.NotEmpty(Parse(PolicyYaml.Minimal + extra + "\n").Errors);

        ICollection<ValidationError> errors = schema.Validate(YamlToJson.Convert(PolicyYaml.Minimal + extra + "\n")!.ToJsonString());

        Assert.NotEmpty(errors);
    }

    [Fact]
    public void StarterPolicy_CommentedExample_LoadsWhenUncommented()
    {
        // The starter carries both sections commented out; uncommented they must be a valid policy.
        string text = StarterPolicy.Text;
        int start = text.IndexOf("# gateway:", StringComparison.Ordinal);
        Assert.True(start > 0);
        string uncommented = string.Join('\n', text[start..].Split('\n')
            .Where(l => l.StartsWith("# ", StringComparison.Ordinal) && (l.StartsWith("# ", StringComparison.Ordinal) && (l.Length > 2 && (l[2] == ' ' || char.IsLetter(l[2])) && (l.StartsWith("#   ", StringComparison.Ordinal) || l.StartsWith("# gateway:", StringComparison.Ordinal) || l.StartsWith("# dataClassification:", StringComparison.Ordinal)))))
            .Select(l => l[2..]));

        PolicyLoadResult result = PolicyLoader.Parse(text[..start] + uncommented + "\n", "starter.yaml", new PolicyLoadOptions { Today = new DateOnly(2026, 1, 1) });

        Assert.Empty(result.Errors);
        Assert.Equal("metadata", result.Policy!.Gateway!.CaptureLevel);
        Assert.Equal(["qwen2.5-coder:7b"], result.Policy.Gateway.RequireUseCaseFor);
        Assert.Equal(2, result.Policy.DataClassification!.Keywords.Count);
        Assert.Equal("Confidential", result.Policy.DataClassification.Detectors["email"]);
    }
}
