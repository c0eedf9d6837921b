using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Cli.Output;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.Testing;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Lantern.Cli.Tests.Output;

public class JsonReportWriterTests
{
    private static readonly string SchemaPath = Path.Combine(TestPaths.RepoRoot, "docs", "schema", "inventory.schema.json");

    private static Task<JsonSchema> LoadSchemaAsync() => JsonSchema.FromFileAsync(SchemaPath);

    private static string Describe(ICollection<ValidationError> errors) => SchemaErrors.Describe(errors);

    [Fact]
    public void Write_Severity_SerialisesLowercase()
    {
        // Severities are lowercase in JSON (JsonStringEnumMemberName on Severity); the schema's enum pins it.
        string json = JsonReportWriter.ToJson(InventoryFixtures.Full());
        using var doc = JsonDocument.Parse(json);
        JsonElement findings = doc.RootElement.GetProperty("findings");
        Assert.Equal("critical", findings[0].GetProperty("severity").GetString());
        Assert.Equal("low", findings[1].GetProperty("severity").GetString());
    }

    [Fact]
    public void Write_Stream_MatchesInventoryJsonPlusNewline()
    {
        Inventory inventory = InventoryFixtures.Full();
        using var stream = new MemoryStream();
        JsonReportWriter.Write(inventory, stream);
        string written = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Equal(InventoryJson.ToJson(inventory) + "\n", written);
        Assert.Equal(written, JsonReportWriter.ToJson(inventory));
    }

    [Fact]
    public async Task Validate_FullInventory_HasNoSchemaErrors()
    {
        JsonSchema schema = await LoadSchemaAsync();
        ICollection<ValidationError> errors = schema.Validate(JsonReportWriter.ToJson(InventoryFixtures.Full()));
        Assert.True(errors.Count == 0, Describe(errors));
    }

    [Fact]
    public async Task Validate_EmptyInventory_HasNoSchemaErrors()
    {
        JsonSchema schema = await LoadSchemaAsync();
        ICollection<ValidationError> errors = schema.Validate(JsonReportWriter.ToJson(InventoryFixtures.Empty()));
        Assert.True(errors.Count == 0, Describe(errors));
    }

    [Fact]
    public async Task Validate_FullInventory_UsesEveryPropertyTheSchemaDeclares()
    {
        // The other direction (nothing undeclared is written) is additionalProperties: false.
        // This one keeps the fixture honest ("every field set") and the schema free of phantom fields.
        using var schemaDoc = JsonDocument.Parse(await File.ReadAllTextAsync(SchemaPath));
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        CollectPropertyNames(schemaDoc.RootElement, declared, isSchemaPropertiesMap: false);

        using var doc = JsonDocument.Parse(JsonReportWriter.ToJson(InventoryFixtures.Full()));
        var written = new HashSet<string>(StringComparer.Ordinal);
        CollectKeys(doc.RootElement, written);

        string[] missing = declared.Where(name => !written.Contains(name)).ToArray();
        Assert.Equal([], missing);
    }

    [Fact]
    public async Task Validate_BadSha256_Fails()
    {
        JsonSchema schema = await LoadSchemaAsync();
        JsonNode root = JsonNode.Parse(JsonReportWriter.ToJson(InventoryFixtures.Full()))!;
        root["artifacts"]![0]!["sha256"] = "NOT-A-DIGEST";
        ICollection<ValidationError> errors = schema.Validate(root.ToJsonString());
        Assert.Contains(SchemaErrors.Flatten(errors), e => e.Kind == ValidationErrorKind.PatternMismatch && e.Property == "sha256");
    }

    [Fact]
    public async Task Validate_UnknownTopLevelProperty_Fails()
    {
        JsonSchema schema = await LoadSchemaAsync();
        JsonNode root = JsonNode.Parse(JsonReportWriter.ToJson(InventoryFixtures.Empty()))!;
        root["surprise"] = 1;
        Assert.NotEmpty(schema.Validate(root.ToJsonString()));
    }

    [Fact]
    public async Task Validate_UnknownArtifactProperty_Fails()
    {
        JsonSchema schema = await LoadSchemaAsync();
        JsonNode root = JsonNode.Parse(JsonReportWriter.ToJson(InventoryFixtures.Full()))!;
        root["artifacts"]![0]!["weights"] = "x";
        Assert.NotEmpty(schema.Validate(root.ToJsonString()));
    }

    [Theory]
    [InlineData("schemaVersion", "2.0")]
    [InlineData("scannedAt", "yesterday")]
    public async Task Validate_BadTopLevelValue_Fails(string property, string value)
    {
        JsonSchema schema = await LoadSchemaAsync();
        JsonNode root = JsonNode.Parse(JsonReportWriter.ToJson(InventoryFixtures.Empty()))!;
        root[property] = value;
        Assert.NotEmpty(schema.Validate(root.ToJsonString()));
    }

    [Fact]
    public async Task Validate_BadRuleId_Fails()
    {
        JsonSchema schema = await LoadSchemaAsync();
        JsonNode root = JsonNode.Parse(JsonReportWriter.ToJson(InventoryFixtures.Full()))!;
        root["findings"]![0]!["ruleId"] = "LNT-SRV-1";
        Assert.NotEmpty(schema.Validate(root.ToJsonString()));
    }

    [Fact]
    public async Task Schema_ProblemCodes_ListsEveryCoreCode()
    {
        using var schemaDoc = JsonDocument.Parse(await File.ReadAllTextAsync(SchemaPath));
        string[] inSchema = schemaDoc.RootElement.GetProperty("definitions").GetProperty("problem")
            .GetProperty("properties").GetProperty("code").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray();
        string[] inCore = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(inCore, inSchema);
    }

    [Fact]
    public async Task Schema_SchemaVersionPattern_AcceptsCurrentVersion()
    {
        JsonSchema schema = await LoadSchemaAsync();
        Assert.Matches(schema.Properties["schemaVersion"].Pattern!, Inventory.CurrentSchemaVersion);
    }

    private static void CollectPropertyNames(JsonElement schema, SortedSet<string> names, bool isSchemaPropertiesMap)
    {
        // The schema is our own small file, so a plain explicit-stack walk is enough.
        var pending = new Stack<(JsonElement Node, bool IsPropertiesMap)>();
        pending.Push((schema, isSchemaPropertiesMap));
        while (pending.Count > 0)
        {
            (JsonElement node, bool isMap) = pending.Pop();
            if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in node.EnumerateArray())
                {
                    pending.Push((item, false));
                }
            }
            else if (node.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in node.EnumerateObject())
                {
                    if (isMap)
                    {
                        names.Add(property.Name);
                    }
                    pending.Push((property.Value, !isMap && property.Name == "properties"));
                }
            }
        }
    }

    private static void CollectKeys(JsonElement element, HashSet<string> keys)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(element);
        while (pending.Count > 0)
        {
            JsonElement node = pending.Pop();
            if (node.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in node.EnumerateObject())
                {
                    keys.Add(property.Name);
                    pending.Push(property.Value);
                }
            }
            else if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in node.EnumerateArray())
                {
                    pending.Push(item);
                }
            }
        }
    }
}
