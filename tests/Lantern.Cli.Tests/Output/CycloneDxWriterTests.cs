using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Cli.Output;
using Lantern.Core.Model;
using Lantern.Testing;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Lantern.Cli.Tests.Output;

public class CycloneDxWriterTests
{
    private static Task<JsonSchema> LoadBomSchemaAsync() =>
        // FromFileAsync resolves the schema's relative $refs (spdx.schema.json, jsf-0.82.schema.json) beside it.
        JsonSchema.FromFileAsync(Path.Combine(TestPaths.SharedDir!, "schemas", "cyclonedx", "bom-1.6.schema.json"));

    private static JsonElement Bom(Inventory inventory) => JsonDocument.Parse(CycloneDxWriter.ToJson(inventory)).RootElement;

    private static JsonElement[] Components(JsonElement bom, string type) =>
        [.. bom.GetProperty("components").EnumerateArray().Where(c => c.GetProperty("type").GetString() == type)];

    private static string[] Property(JsonElement element, string name) =>
        [.. element.GetProperty("properties").EnumerateArray()
            .Where(p => p.GetProperty("name").GetString() == name)
            .Select(p => p.GetProperty("value").GetString()!)];

    [SharedFact]
    public async Task Validate_FullInventory_HasNoSchemaErrors()
    {
        JsonSchema schema = await LoadBomSchemaAsync();
        ICollection<ValidationError> errors = schema.Validate(CycloneDxWriter.ToJson(InventoryFixtures.Full()));
        Assert.True(errors.Count == 0, SchemaErrors.Describe(errors));
    }

    [SharedFact]
    public async Task Validate_EmptyInventory_HasNoSchemaErrors()
    {
        JsonSchema schema = await LoadBomSchemaAsync();
        ICollection<ValidationError> errors = schema.Validate(CycloneDxWriter.ToJson(InventoryFixtures.Empty()));
        Assert.True(errors.Count == 0, SchemaErrors.Describe(errors));
    }

    [SharedFact]
    public async Task Validate_BadHashAlgorithm_Fails()
    {
        JsonSchema schema = await LoadBomSchemaAsync();
        JsonNode bom = JsonNode.Parse(CycloneDxWriter.ToJson(InventoryFixtures.Full()))!;
        JsonNode model = bom["components"]!.AsArray().First(c => (string?)c!["name"] == "llama3.2:1b")!;
        model["hashes"]![0]!["alg"] = "SHA-257";
        ICollection<ValidationError> errors = schema.Validate(bom.ToJsonString());
        Assert.Contains(SchemaErrors.Flatten(errors), e => e.Kind == ValidationErrorKind.NotInEnumeration && e.Property == "alg");
    }

    [SharedFact]
    public async Task Validate_NonSpdxLicenceAsId_Fails()
    {
        // Proves the $ref into spdx.schema.json is live: a hub id in license.id must be rejected,
        // which is why the writer puts it in license.name.
        JsonSchema schema = await LoadBomSchemaAsync();
        JsonNode bom = JsonNode.Parse(CycloneDxWriter.ToJson(InventoryFixtures.Full()))!;
        JsonNode llama = bom["components"]!.AsArray().First(c => (string?)c!["name"] == "llama3.2:1b")!;
        llama["licenses"] = JsonNode.Parse("""[{"license":{"id":"llama3.2"}}]""");
        ICollection<ValidationError> errors = schema.Validate(bom.ToJsonString());
        Assert.Contains(SchemaErrors.Flatten(errors), e => e.Kind == ValidationErrorKind.NotInEnumeration && e.Property == "id");
    }

    [SharedFact]
    public void SpdxLicenseIds_MatchTheCycloneDxSchemaEnum()
    {
        using var spdx = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.SharedDir!, "schemas", "cyclonedx", "spdx.schema.json")));
        string[] fromSchema = [.. spdx.RootElement.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(fromSchema, SpdxLicenseIds.All);
    }

    [Fact]
    public void Write_Header_HasBomFormatSpecVersionAndSerial()
    {
        JsonElement bom = Bom(InventoryFixtures.Full());
        Assert.Equal("CycloneDX", bom.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", bom.GetProperty("specVersion").GetString());
        Assert.Equal(1, bom.GetProperty("version").GetInt32());
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", bom.GetProperty("serialNumber").GetString());
    }

    [Fact]
    public void Write_SameInventoryTwice_IsByteIdentical()
    {
        Assert.Equal(CycloneDxWriter.ToJson(InventoryFixtures.Full()), CycloneDxWriter.ToJson(InventoryFixtures.Full()));
    }

    [Fact]
    public void Write_ShuffledInput_GivesSameOutput()
    {
        Inventory full = InventoryFixtures.Full();
        Inventory shuffled = full with
        {
            Runtimes = [.. full.Runtimes.Reverse()],
            Artifacts = [.. full.Artifacts.Reverse()],
            Servers = [.. full.Servers.Reverse()],
        };
        Assert.Equal(CycloneDxWriter.ToJson(full), CycloneDxWriter.ToJson(shuffled));
    }

    [Fact]
    public void SerialNumber_DependsOnHostAndTime()
    {
        Inventory a = InventoryFixtures.Full();
        Assert.Equal(CycloneDxWriter.SerialNumber(a), CycloneDxWriter.SerialNumber(a with { User = "bob" }));
        Assert.NotEqual(CycloneDxWriter.SerialNumber(a), CycloneDxWriter.SerialNumber(a with { Host = "other" }));
        Assert.NotEqual(CycloneDxWriter.SerialNumber(a), CycloneDxWriter.SerialNumber(a with { ScannedAt = a.ScannedAt.AddSeconds(1) }));
    }

    [Fact]
    public void Write_Metadata_DescribesToolAndEndpoint()
    {
        JsonElement metadata = Bom(InventoryFixtures.Full()).GetProperty("metadata");
        Assert.Equal("2026-03-14T09:26:53.0000000Z", metadata.GetProperty("timestamp").GetString());
        JsonElement tool = metadata.GetProperty("tools").GetProperty("components")[0];
        Assert.Equal("lantern", tool.GetProperty("name").GetString());
        Assert.Equal("0.1.0", tool.GetProperty("version").GetString());
        JsonElement device = metadata.GetProperty("component");
        Assert.Equal("device", device.GetProperty("type").GetString());
        Assert.Equal("ws-042.corp.example", device.GetProperty("name").GetString());
        Assert.Equal(["alice"], Property(device, "lantern:user"));
        Assert.Equal(["false"], Property(device, "lantern:complete"));
    }

    [Fact]
    public void Write_SameDigestInTwoPlaces_IsOneModelWithTwoPaths()
    {
        JsonElement[] models = Components(Bom(InventoryFixtures.Full()), "machine-learning-model");
        // Five artifacts: two share a digest, one has none (grouped by path), so four models.
        Assert.Equal(4, models.Length);
        JsonElement llama = models.Single(m => m.GetProperty("name").GetString() == "llama3.2:1b");
        Assert.Equal("model:sha256:" + InventoryFixtures.LlamaSha, llama.GetProperty("bom-ref").GetString());
        Assert.Equal("baf6a787fdff", llama.GetProperty("version").GetString());
        JsonElement hash = Assert.Single(llama.GetProperty("hashes").EnumerateArray());
        Assert.Equal("SHA-256", hash.GetProperty("alg").GetString());
        Assert.Equal(InventoryFixtures.LlamaSha, hash.GetProperty("content").GetString());
        Assert.Equal(2, Property(llama, "lantern:path").Length);
        Assert.Equal(["ollama"], Property(llama, "lantern:runtime"));
        Assert.Equal(["Q8_0"], Property(llama, "lantern:quantization"));
        Assert.Equal(["1321083008"], Property(llama, "lantern:sizeBytes"));
        Assert.Equal(["safe"], Property(llama, "lantern:verdict"));
        Assert.Equal(["false"], Property(llama, "lantern:cloud"));
        Assert.Equal(["llama3.2:latest"], Property(llama, "lantern:alias"));
        JsonElement parameters = llama.GetProperty("modelCard").GetProperty("modelParameters");
        Assert.Equal("llama", parameters.GetProperty("architectureFamily").GetString());
        Assert.Equal("Llama 3.2 1B Instruct", parameters.GetProperty("modelArchitecture").GetString());
    }

    [Fact]
    public void Write_Licences_SpdxAsIdOtherwiseName()
    {
        JsonElement[] models = Components(Bom(InventoryFixtures.Full()), "machine-learning-model");
        JsonElement llama = models.Single(m => m.GetProperty("name").GetString() == "llama3.2:1b");
        JsonElement qwen = models.Single(m => m.GetProperty("name").GetString() == "Qwen/Qwen2.5-0.5B");
        JsonElement stray = models.Single(m => m.GetProperty("name").GetString() == "pytorch_model.bin");
        Assert.Equal("llama3.2", llama.GetProperty("licenses")[0].GetProperty("license").GetProperty("name").GetString());
        // Hub ids are lowercase; the SPDX id is written in the schema's spelling.
        Assert.Equal("Apache-2.0", qwen.GetProperty("licenses")[0].GetProperty("license").GetProperty("id").GetString());
        Assert.False(stray.TryGetProperty("licenses", out _));
        Assert.False(stray.TryGetProperty("hashes", out _));
        Assert.Equal(["incomplete"], Property(stray, "lantern:verdict"));
    }

    [Fact]
    public void Write_CloudModel_IsMarkedCloud()
    {
        JsonElement cloud = Components(Bom(InventoryFixtures.Full()), "machine-learning-model")
            .Single(m => m.GetProperty("name").GetString() == "gpt-oss:120b-cloud");
        Assert.Equal(["true"], Property(cloud, "lantern:cloud"));
        Assert.Equal("120b-cloud", cloud.GetProperty("version").GetString());
    }

    [Fact]
    public void Write_Runtimes_AreApplicationsWithPurls()
    {
        JsonElement[] apps = Components(Bom(InventoryFixtures.Full()), "application");
        Assert.Equal(
            ["pkg:generic/lmstudio@0.3.30", "pkg:github/ggml-org/llama.cpp@b4321", "pkg:golang/github.com/ollama/ollama@v0.12.3"],
            apps.Select(a => a.GetProperty("purl").GetString()!).Order(StringComparer.Ordinal));
        JsonElement ollama = apps.Single(a => a.GetProperty("name").GetString() == "Ollama");
        Assert.Equal(["/usr/local/bin/ollama"], Property(ollama, "lantern:executable"));
        Assert.Equal(["0.0.0.0:11434"], Property(ollama, "lantern:listening"));
        Assert.Equal(["/usr/share/ollama/.ollama/models"], Property(ollama, "lantern:path:models"));
        JsonElement embedded = Assert.Single(ollama.GetProperty("components").EnumerateArray());
        Assert.Equal("pkg:github/ggml-org/llama.cpp@b6400", embedded.GetProperty("purl").GetString());
    }

    [Theory]
    [InlineData("ollama", "0.12.3", "pkg:golang/github.com/ollama/ollama@v0.12.3")]
    [InlineData("ollama", "v0.12.3", "pkg:golang/github.com/ollama/ollama@v0.12.3")]
    [InlineData("llama.cpp", "b4321", "pkg:github/ggml-org/llama.cpp@b4321")]
    [InlineData("vllm", "0.8.4", "pkg:pypi/vllm@0.8.4")]
    [InlineData("llama-cpp-python", "0.2.72", "pkg:pypi/llama-cpp-python@0.2.72")]
    [InlineData("open-webui", "0.6.35", "pkg:pypi/open-webui@0.6.35")]
    [InlineData("jan", "0.6.1+build 7", "pkg:generic/jan@0.6.1%2Bbuild%207")]
    [InlineData("gpt4all", null, "pkg:generic/gpt4all")]
    public void PackageUrls_For_FollowsEcosystem(string id, string? version, string expected)
    {
        Assert.Equal(expected, PackageUrls.For(id, version));
    }

    [Fact]
    public void Write_Servers_AreServicesWithExposure()
    {
        JsonElement[] services = [.. Bom(InventoryFixtures.Full()).GetProperty("services").EnumerateArray()];
        Assert.Equal(2, services.Length);
        JsonElement ollama = services.Single(s => s.GetProperty("bom-ref").GetString() == "server:0.0.0.0:11434");
        Assert.False(ollama.GetProperty("authenticated").GetBoolean());
        Assert.True(ollama.GetProperty("x-trust-boundary").GetBoolean());
        Assert.Equal(["wildcard"], Property(ollama, "lantern:bindScope"));
        Assert.Equal(["true"], Property(ollama, "lantern:exposed"));
        Assert.Equal(["1610612736"], Property(ollama, "lantern:gpuMemoryBytes"));
        JsonElement llama = services.Single(s => s.GetProperty("bom-ref").GetString() == "server:127.0.0.1:8080");
        Assert.True(llama.GetProperty("authenticated").GetBoolean());
        Assert.False(llama.GetProperty("x-trust-boundary").GetBoolean());
    }

    [Fact]
    public void Write_Ipv6Server_BracketsTheAddress()
    {
        Inventory inventory = InventoryFixtures.Empty() with
        {
            Servers = [new InferenceServer { Address = "::", Port = 8000, BindScope = "wildcard" }],
        };
        JsonElement service = Bom(inventory).GetProperty("services")[0];
        Assert.Equal("http://[::]:8000", service.GetProperty("endpoints")[0].GetString());
    }

    [Fact]
    public void Write_Advisories_AreVulnerabilitiesAffectingTheRuntime()
    {
        JsonElement bom = Bom(InventoryFixtures.Full());
        JsonElement[] vulns = [.. bom.GetProperty("vulnerabilities").EnumerateArray()];
        Assert.Equal(["CVE-2025-49847", "GO-2025-4251", "GO-2026-5748"], vulns.Select(v => v.GetProperty("id").GetString()!));

        JsonElement bleeding = vulns[2];
        Assert.Equal("Go Vulnerability Database", bleeding.GetProperty("source").GetProperty("name").GetString());
        Assert.Equal(["CVE-2026-7482", "GHSA-x8qc-fggm-mpqg"], bleeding.GetProperty("references").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
        Assert.Equal("high", bleeding.GetProperty("ratings")[0].GetProperty("severity").GetString());
        Assert.Equal("Upgrade to 0.17.1 or later.", bleeding.GetProperty("recommendation").GetString());
        Assert.Equal("runtime:ollama@0.12.3", bleeding.GetProperty("affects")[0].GetProperty("ref").GetString());
        Assert.False(bleeding.TryGetProperty("analysis", out _));

        JsonElement unconfirmed = vulns[1];
        Assert.False(unconfirmed.TryGetProperty("recommendation", out _));
        Assert.Equal(["fix-unconfirmed"], Property(unconfirmed, "lantern:status"));
        Assert.Equal("unknown", unconfirmed.GetProperty("affects")[0].GetProperty("versions")[0].GetProperty("status").GetString());

        // Every affects ref points at a component that exists.
        var refs = bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()).ToHashSet();
        Assert.All(vulns.SelectMany(v => v.GetProperty("affects").EnumerateArray()), a => Assert.Contains(a.GetProperty("ref").GetString(), refs));
    }

    [Theory]
    [InlineData("critical", "critical")]
    [InlineData("HIGH", "high")]
    [InlineData("moderate", "medium")]
    [InlineData("low", "low")]
    [InlineData("weird", "unknown")]
    public void CycloneDxSeverity_MapsToSchemaEnum(string input, string expected)
    {
        Assert.Equal(expected, CycloneDxWriter.CycloneDxSeverity([input]));
    }

    [Fact]
    public void Write_DuplicateRuntimeVersions_GetUniqueRefs()
    {
        Inventory inventory = InventoryFixtures.Empty() with
        {
            Runtimes =
            [
                new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.12.3", Executable = "/a" },
                new RuntimeInstall { Id = "ollama", Name = "Ollama", Version = "0.12.3", Executable = "/b" },
            ],
        };
        string[] refs = [.. Components(Bom(inventory), "application").Select(c => c.GetProperty("bom-ref").GetString()!)];
        Assert.Equal(["runtime:ollama@0.12.3", "runtime:ollama@0.12.3#2"], refs);
    }

    [Fact]
    public void Write_Empty_HasNoVulnerabilitiesOrServices()
    {
        JsonElement bom = Bom(InventoryFixtures.Empty());
        Assert.Equal(0, bom.GetProperty("components").GetArrayLength());
        Assert.False(bom.TryGetProperty("services", out _));
        Assert.False(bom.TryGetProperty("vulnerabilities", out _));
    }

    [Fact]
    public void Write_LoneSurrogateInPath_StillWritesValidJson()
    {
        // NTFS names are arbitrary UTF-16, so a path may hold an unpaired surrogate.
        Inventory inventory = InventoryFixtures.Empty() with
        {
            Artifacts = [new ModelArtifact { Path = "C:\\m\\bad\uD800name.gguf", Format = "gguf" }],
        };
        JsonElement model = Assert.Single(Components(Bom(inventory), "machine-learning-model"));
        Assert.StartsWith("bad", model.GetProperty("name").GetString());
    }
}
