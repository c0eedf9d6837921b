using Lantern.Core.Model;
using Lantern.Governance.Policy.Registry;
using YamlDotNet.RepresentationModel;

namespace Lantern.Governance.Tests.Policy.Registry;

public class RegistryPinnerTests
{
    private static readonly string ShaA = new('a', 64);
    private static readonly string ShaB = new('b', 64);
    private static readonly string ShaC = new('c', 64);
    private static readonly PinOptions Options = new() { Today = new DateOnly(2026, 11, 2) };

    private const string Policy = """
        apiVersion: lantern/v1
        kind: LocalAiPolicy
        # The registry: one entry per approved model.
        metadata:
          name: Acme   # who owns it
          owner: CISO
          version: "1.3"
        models:
          - name: qwen3:4b
            runtime: ollama
            digests: [ "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" ]   # pinned in Q3
            owner: Platform team
            status: approved
          # keep sorted by name
          - name: llama3.2:1b
            runtime: ollama
            digests:
              - sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
            status: approved        # approved by QA
        sources:
          allow: [ "registry.ollama.ai/library/*" ]
        """;

    private static ModelArtifact Artifact(string name, string? sha, string runtime = "ollama", string path = "/blobs/x") => new()
    {
        Path = path,
        Format = "gguf",
        Sha256 = sha,
        Runtime = runtime,
        ModelName = name,
        License = new ModelLicense { Id = "llama3.2", Source = "ollama:license-layer" },
    };

    private static Inventory Inv(params ModelArtifact[] artifacts) => new()
    {
        Host = "ref-box-01",
        User = "alice",
        ScannedAt = DateTimeOffset.UnixEpoch,
        Artifacts = artifacts,
    };

    private static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static List<YamlMappingNode> Entries(string text) =>
        ((YamlSequenceNode)Load(text)["models"]).Children.Cast<YamlMappingNode>().ToList();

    private static YamlMappingNode EntryNamed(string text, string name) =>
        Entries(text).Single(e => ((YamlScalarNode)e["name"]).Value == name);

    private static string Scalar(YamlMappingNode entry, string key) => ((YamlScalarNode)entry[key]).Value!;

    private static List<string> Digests(YamlMappingNode entry) =>
        ((YamlSequenceNode)entry["digests"]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    /// <summary>The output is the input with one run of text inserted: everything else is byte-identical.</summary>
    private static string Inserted(string original, string edited)
    {
        int i = 0;
        while (i < original.Length && original[i] == edited[i])
        {
            i++;
        }
        int added = edited.Length - original.Length;
        Assert.True(added > 0);
        Assert.Equal(original, edited.Remove(i, added));
        return edited.Substring(i, added);
    }

    [Fact]
    public void Pin_NewModel_AppendsProposedEntryAtEndOfModels()
    {
        PinResult result = RegistryPinner.Pin(Policy, Inv(Artifact("mistral:7b", ShaA)), "mistral:7b", Options);
        Assert.True(result.Succeeded, result.Summary);
        Assert.True(result.Changed);
        string inserted = Inserted(Policy, result.Text);
        Assert.StartsWith("  # pinned by lantern registry pin from ref-box-01 on 2026-11-02\n  - name: \"mistral:7b\"\n", inserted, StringComparison.Ordinal);
        Assert.True(result.Text.IndexOf(inserted, StringComparison.Ordinal) < result.Text.IndexOf("sources:", StringComparison.Ordinal));

        List<YamlMappingNode> entries = Entries(result.Text);
        Assert.Equal(3, entries.Count);
        YamlMappingNode entry = entries[^1];
        Assert.Equal("mistral:7b", Scalar(entry, "name"));
        Assert.Equal("ollama", Scalar(entry, "runtime"));
        Assert.Equal(["sha256:" + ShaA], Digests(entry));
        Assert.Equal("registry.ollama.ai/library/mistral", Scalar(entry, "source"));
        Assert.Equal("llama3.2", Scalar(entry, "license"));
        Assert.Equal("proposed", Scalar(entry, "status"));
        Assert.Contains("mistral:7b", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_ExistingFlowDigests_AddsDigestAndResetsStatus()
    {
        PinResult result = RegistryPinner.Pin(Policy, Inv(Artifact("qwen3:4b", ShaA)), "qwen3:4b", Options);
        Assert.True(result.Changed, result.Summary);
        YamlMappingNode entry = EntryNamed(result.Text, "qwen3:4b");
        Assert.Equal(["sha256:" + ShaC, "sha256:" + ShaA], Digests(entry));
        Assert.Equal("proposed", Scalar(entry, "status"));
        Assert.Contains("re-approval", result.Summary, StringComparison.Ordinal);
        // Only the two edited lines differ; the trailing comment on the digests line survives.
        string[] before = Policy.Split('\n');
        string[] after = result.Text.Split('\n');
        Assert.Equal(before.Length, after.Length);
        Assert.Equal(2, before.Zip(after).Count(p => p.First != p.Second));
        Assert.Contains($"\"sha256:{ShaA}\" ]   # pinned in Q3", result.Text, StringComparison.Ordinal);
        Assert.Equal("approved", Scalar(EntryNamed(result.Text, "llama3.2:1b"), "status"));
    }

    [Fact]
    public void Pin_ExistingBlockDigests_AppendsItemKeepsComments()
    {
        PinResult result = RegistryPinner.Pin(Policy, Inv(Artifact("llama3.2:1b", ShaA)), "llama3.2:1b", Options);
        Assert.True(result.Changed, result.Summary);
        YamlMappingNode entry = EntryNamed(result.Text, "llama3.2:1b");
        Assert.Equal(["sha256:" + new string('d', 64), "sha256:" + ShaA], Digests(entry));
        Assert.Equal("proposed", Scalar(entry, "status"));
        Assert.Contains("status: proposed        # approved by QA", result.Text, StringComparison.Ordinal);
        Assert.Contains($"      - \"sha256:{ShaA}\"\n    status:", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_AlreadyPinned_Unchanged()
    {
        PinResult result = RegistryPinner.Pin(Policy, Inv(Artifact("qwen3:4b", ShaC)), "QWEN3:4B", Options);
        Assert.True(result.Succeeded);
        Assert.False(result.Changed);
        Assert.Same(Policy, result.Text);
        Assert.Contains("already pins", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_EntryWithoutDigests_AddsDigestsLine()
    {
        const string text = "apiVersion: lantern/v1\nmodels:\n- name: phi4:14b\n  owner: x\n";
        PinResult result = RegistryPinner.Pin(text, Inv(Artifact("phi4:14b", ShaA)), "phi4:14b", Options);
        Assert.Equal($"apiVersion: lantern/v1\nmodels:\n- name: phi4:14b\n  digests: [\"sha256:{ShaA}\"]\n  owner: x\n", result.Text);
        Assert.Equal(["sha256:" + ShaA], Digests(EntryNamed(result.Text, "phi4:14b")));
    }

    [Fact]
    public void Pin_EntryForOtherRuntime_AddsNewEntry()
    {
        PinResult result = RegistryPinner.Pin(Policy, Inv(Artifact("qwen3:4b", ShaA, runtime: "lmstudio")), "qwen3:4b", Options);
        Assert.Equal(3, Entries(result.Text).Count);
        Inserted(Policy, result.Text);
    }

    [Theory]
    [InlineData("apiVersion: lantern/v1\nmodels: []\nsources: {}\n")]
    [InlineData("apiVersion: lantern/v1\nmodels:   # none yet\nsources: {}\n")]
    [InlineData("apiVersion: lantern/v1\nmodels: ~\nsources: {}\n")]
    [InlineData("apiVersion: lantern/v1\nsources: {}")]
    public void Pin_EmptyOrMissingRegistry_StartsBlockList(string text)
    {
        PinResult result = RegistryPinner.Pin(text, Inv(Artifact("mistral:7b", ShaA)), "mistral:7b", Options);
        Assert.True(result.Changed, result.Summary);
        YamlMappingNode entry = Assert.Single(Entries(result.Text));
        Assert.Equal(["sha256:" + ShaA], Digests(entry));
        Assert.Equal("lantern/v1", Scalar(Load(result.Text), "apiVersion"));
        Assert.IsType<YamlMappingNode>(Load(result.Text)["sources"]);
        Assert.Contains("# pinned by lantern registry pin", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_LastEntryEndsWithBlockScalar_InsertsBeforeNextSection()
    {
        const string text = "models:\n  - name: a\n    digests: [\"sha256:" + "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" + "\"]\n    notes: |\n      line one\n      line two\nsources:\n  allow: []\n";
        PinResult result = RegistryPinner.Pin(text, Inv(Artifact("mistral:7b", ShaA)), "mistral:7b", Options);
        Assert.True(result.Changed, result.Summary);
        Inserted(text, result.Text);
        Assert.Equal(2, Entries(result.Text).Count);
        Assert.Equal("line one\nline two\n", Scalar(EntryNamed(result.Text, "a"), "notes"));
        Assert.IsType<YamlMappingNode>(Load(result.Text)["sources"]);
    }

    [Fact]
    public void Pin_CrLfFile_KeepsLineEndings()
    {
        string text = Policy.Replace("\n", "\r\n", StringComparison.Ordinal);
        PinResult result = RegistryPinner.Pin(text, Inv(Artifact("mistral:7b", ShaA)), "mistral:7b", Options);
        string inserted = Inserted(text, result.Text);
        Assert.DoesNotContain("\n", inserted.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(3, Entries(result.Text).Count);
    }

    [Fact]
    public void Pin_HostileNameAndHost_QuotedAndRoundTrips()
    {
        const string name = "evil\"name: [x] # y\n- status: approved:tag";
        Inventory inventory = Inv(Artifact(name, ShaA, runtime: "lmstudio")) with { Host = "box\n- name: injected" };
        PinResult result = RegistryPinner.Pin(Policy, inventory, name, Options);
        Assert.True(result.Changed, result.Summary);
        List<YamlMappingNode> entries = Entries(result.Text);
        Assert.Equal(3, entries.Count);
        Assert.Equal(name, Scalar(entries[^1], "name"));
        Assert.Equal("proposed", Scalar(entries[^1], "status"));
        Assert.Contains("from box?- name: injected on", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_OllamaLayers_PinnedWithModel()
    {
        Inventory inventory = Inv(
            Artifact("llava:7b", ShaA, path: "/blobs/a"),
            Artifact("llava:7b (projector)", ShaB, path: "/blobs/b"));
        PinResult result = RegistryPinner.Pin(Policy, inventory, "llava:7b", Options);
        Assert.Equal(["sha256:" + ShaA, "sha256:" + ShaB], Digests(EntryNamed(result.Text, "llava:7b")));
    }

    [Fact]
    public void Pin_ByAlias_UsesInventorySpelling()
    {
        ModelArtifact artifact = Artifact("llama3.2:latest", ShaA) with { Aliases = ["Llama3.2:3b"] };
        PinResult result = RegistryPinner.Pin(Policy, Inv(artifact), "llama3.2:3B", Options);
        Assert.Equal(["sha256:" + ShaA], Digests(EntryNamed(result.Text, "Llama3.2:3b")));
    }

    [Fact]
    public void Pin_ModelNotInInventory_Error()
    {
        PinResult result = RegistryPinner.Pin(Policy, Inv(Artifact("x:1", ShaA)), "mistral:7b", Options);
        Assert.False(result.Succeeded);
        Assert.False(result.Changed);
        Assert.Same(Policy, result.Text);
        Assert.Contains("no artifact", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_SeveralRuntimes_AsksForRuntime()
    {
        Inventory inventory = Inv(Artifact("org/m", ShaA, runtime: "huggingface", path: "/a"), Artifact("org/m", ShaB, runtime: "lmstudio", path: "/b"));
        PinResult result = RegistryPinner.Pin(Policy, inventory, "org/m", Options);
        Assert.Contains("--runtime", result.Error, StringComparison.Ordinal);
        Assert.Contains("huggingface, lmstudio", result.Error, StringComparison.Ordinal);
        PinResult chosen = RegistryPinner.Pin(Policy, inventory, "org/m", Options with { Runtime = "lmstudio" });
        Assert.Equal(["sha256:" + ShaB], Digests(EntryNamed(chosen.Text, "org/m")));
        Assert.Equal("huggingface.co/org/m", Scalar(EntryNamed(chosen.Text, "org/m"), "source"));
    }

    [Fact]
    public void Pin_SeveralDigests_ListsThemUnlessAllDigests()
    {
        Inventory inventory = Inv(Artifact("pub/model", ShaA, runtime: "lmstudio", path: "/q4.gguf"), Artifact("pub/model", ShaB, runtime: "lmstudio", path: "/q8.gguf"));
        PinResult refused = RegistryPinner.Pin(Policy, inventory, "pub/model", Options);
        Assert.False(refused.Succeeded);
        Assert.Contains(ShaA + " /q4.gguf", refused.Error, StringComparison.Ordinal);
        Assert.Contains(ShaB + " /q8.gguf", refused.Error, StringComparison.Ordinal);
        PinResult all = RegistryPinner.Pin(Policy, inventory, "pub/model", Options with { AllDigests = true });
        Assert.Equal(2, Digests(EntryNamed(all.Text, "pub/model")).Count);
    }

    [Fact]
    public void Pin_SameDigestAtSeveralPaths_NotAmbiguous()
    {
        Inventory inventory = Inv(Artifact("org/m", ShaA, runtime: "huggingface", path: "/a"), Artifact("org/m", ShaA, runtime: "huggingface", path: "/b"));
        Assert.True(RegistryPinner.Pin(Policy, inventory, "org/m", Options).Changed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pin_NoDigest_Error(bool cloud)
    {
        ModelArtifact artifact = Artifact("mistral:7b", null) with { Cloud = cloud };
        PinResult result = RegistryPinner.Pin(Policy, Inv(artifact), "mistral:7b", Options);
        Assert.False(result.Succeeded);
        Assert.Contains(cloud ? "cloud model" : "--no-hash", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("models:\n  - &base\n    name: a\n  - *base\n", "anchors")]
    [InlineData("models: [ {name: a} ]\n", "flow sequence")]
    [InlineData("models:\n  - {name: mistral:7b, digests: []}\n", "flow mapping")]
    [InlineData("models:\n  - name: mistral:7b\n    digests: sha256:x\n", "not a list")]
    [InlineData("models:\n  - name: [unclosed\n", "not valid YAML")]
    [InlineData("a: 1\n---\nb: 2\n", "more than one")]
    [InlineData("- just\n- a list\n", "block mapping")]
    [InlineData("", "empty")]
    [InlineData("models:\n  - name: mistral:7b\n  - name: mistral:7b\n", "several registry entries")]
    public void Pin_UnsafeToEdit_RefusedUnchanged(string text, string reason)
    {
        PinResult result = RegistryPinner.Pin(text, Inv(Artifact("mistral:7b", ShaA)), "mistral:7b", Options);
        Assert.False(result.Succeeded);
        Assert.False(result.Changed);
        Assert.Same(text, result.Text);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Pin_DeeplyNestedInput_RefusedNotCrashed()
    {
        string text = "models:\n  - name: x\n    extra: " + new string('[', 10_000) + new string(']', 10_000) + "\n";
        PinResult result = RegistryPinner.Pin(text, Inv(Artifact("mistral:7b", ShaA)), "mistral:7b", Options);
        Assert.False(result.Succeeded);
        Assert.Contains("deeper", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("!!!!!!!!0!!0!!!]\n:\n  - id: cot\n")]
    [InlineData("models: [a, &b")]
    public void Pin_YamlThatYamlDotNetRejectsOddly_RefusedNotThrown(string text)
    {
        // AFL++ inputs: YamlDotNet throws ArgumentException (a tag that is no URI) or InvalidOperationException here.
        PinResult result = RegistryPinner.Pin(text, Inv(Artifact("mistral:7b", ShaA)), "mistral:7b", Options);

        Assert.False(result.Succeeded);
        Assert.Equal(text, result.Text);
    }
}
