using Lantern.Governance.Licenses;
using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Loading;
using Lantern.Governance.Policy.Starter;
using Lantern.Testing;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Lantern.Governance.Tests.Policy.Loading;

public class StarterPolicyTests
{
    private static readonly string SchemaPath = Path.Combine(TestPaths.RepoRoot, "docs", "schema", "policy.schema.json");

    private static PolicyLoadResult LoadStarter() =>
        PolicyLoader.Parse(StarterPolicy.Text, "policy.yaml", new PolicyLoadOptions { Today = new DateOnly(2026, 1, 1) });

    [Fact]
    public void Text_Loads_WithoutErrorsOrWarnings()
    {
        PolicyLoadResult result = LoadStarter();

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.NotNull(result.Policy);
    }

    [Fact]
    public void Text_IsRealisticAndApprovesNothing()
    {
        LocalAiPolicy policy = LoadStarter().Policy!;

        Assert.Equal(["Public", "Internal", "Confidential", "Restricted"], policy.Classifications);
        Assert.Equal(3, policy.UseCases.Count);
        Assert.True(policy.Models.Count >= 3);
        // Example entries must never approve anything: their digests are placeholders.
        Assert.All(policy.Models, m => Assert.Equal(ModelStatus.Proposed, m.Status));
        Assert.All(policy.Models, m => Assert.NotEmpty(m.Digests));
        Assert.False(policy.Exposure.AllowNonLoopback);
        Assert.Contains(policy.Runtimes.Allowed, r => r.Id == "ollama" && r.MinVersion is not null);
        Assert.Contains("EXAMPLE", StarterPolicy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_LicenceLists_FollowTheCatalogue()
    {
        LicenseRules licenses = LoadStarter().Policy!.Licenses;

        // Every listed id is one Lantern knows, permissive ones are allowed, and every non-commercial one is denied.
        Assert.All(licenses.Allow.Concat(licenses.Review).Concat(licenses.Deny), id => Assert.True(LicenseCatalog.TryGet(id, out _), id));
        Assert.All(licenses.Allow, id => Assert.NotEqual(CommercialUse.No, LicenseCatalog.CommercialUseOf(id)));
        Assert.All(licenses.Deny, id => Assert.Equal(CommercialUse.No, LicenseCatalog.CommercialUseOf(id)));
        Assert.Contains("Apache-2.0", licenses.Allow);
        Assert.Contains("gemma", licenses.Review);
        Assert.Contains("CC-BY-NC-4.0", licenses.Deny);
    }

    [Fact]
    public void Text_UsesLfLineEndings() => Assert.DoesNotContain('\r', StarterPolicy.Text);

    [Fact]
    public async Task Text_AsJson_ValidatesAgainstPolicySchema()
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);

        ICollection<ValidationError> errors = schema.Validate(YamlToJson.Convert(StarterPolicy.Text)!.ToJsonString());

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"{e.Kind} at {e.Path}: {e}")));
    }

    [Fact]
    public async Task FullPolicy_AsJson_ValidatesAgainstPolicySchema()
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);

        ICollection<ValidationError> errors = schema.Validate(YamlToJson.Convert(PolicyYaml.Full)!.ToJsonString());

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"{e.Kind} at {e.Path}: {e}")));
    }

    [Theory]
    [InlineData("clasifications: [Public]", "NoAdditionalPropertiesAllowed")]
    [InlineData("models: [ { name: m, status: aproved } ]", "NotInEnumeration")]
    [InlineData("models: [ { name: m, digests: [ \"sha256:abc\" ] } ]", "PatternMismatch")]
    [InlineData("exposure: { allowNonLoopback: \"yes\" }", "BooleanExpected")]
    [InlineData("metadata2: {}", "NoAdditionalPropertiesAllowed")]
    public async Task Schema_RejectsWhatTheLoaderRejects(string extra, string kind)
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(SchemaPath);
        Assert.NotEmpty(PolicyLoader.Parse(PolicyYaml.Minimal + extra + "\n", "p.yaml").Errors);

        ICollection<ValidationError> errors = schema.Validate(YamlToJson.Convert(PolicyYaml.Minimal + extra + "\n")!.ToJsonString());

        Assert.Contains(Flatten(errors), e => e.Kind.ToString() == kind);
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        var pending = new Stack<ValidationError>(errors);
        while (pending.Count > 0)
        {
            ValidationError error = pending.Pop();
            yield return error;
            if (error is ChildSchemaValidationError child)
            {
                foreach (ValidationError nested in child.Errors.SelectMany(pair => pair.Value))
                {
                    pending.Push(nested);
                }
            }
        }
    }
}
