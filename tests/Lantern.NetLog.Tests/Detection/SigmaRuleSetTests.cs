using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lantern.NetLog.Detection;
using Lantern.Testing;
using NJsonSchema;

namespace Lantern.NetLog.Tests.Detection;

public class SigmaRuleSetTests
{
    private static readonly Lazy<Task<JsonSchema>> s_schema = new(LoadSchema);

    /// <summary>
    /// Loads the vendored schema for NJsonSchema. NJsonSchema 11 ignores the draft-6 <c>const</c> keyword,
    /// which would make every <c>oneOf</c> of consts (status, level, related type) match several branches and
    /// fail; <c>{"const": x}</c> means exactly <c>{"enum": [x]}</c> (JSON Schema 2020-12 validation §6.1.3),
    /// so the loaded copy says it that way. The file on disk stays byte-identical to upstream.
    /// </summary>
    private static Task<JsonSchema> LoadSchema()
    {
        string path = Path.Combine(TestPaths.RepoRoot, "docs", "schema", "sigma", "sigma-detection-rule-schema.json");
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        var pending = new Stack<JsonNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case JsonObject obj:
                    if (obj["const"] is { } constant)
                    {
                        obj.Remove("const");
                        obj["enum"] = new JsonArray(constant);
                    }
                    foreach (KeyValuePair<string, JsonNode?> child in obj)
                    {
                        if (child.Value is not null)
                        {
                            pending.Push(child.Value);
                        }
                    }
                    break;
                case JsonArray array:
                    foreach (JsonNode? item in array)
                    {
                        if (item is not null)
                        {
                            pending.Push(item);
                        }
                    }
                    break;
            }
        }
        return JsonSchema.FromJsonAsync(root.ToJsonString());
    }

    public static TheoryData<string> RuleFiles()
    {
        var data = new TheoryData<string>();
        foreach (KeyValuePair<string, string> rule in SigmaRuleSet.Rules)
        {
            data.Add(rule.Key);
        }
        return data;
    }

    private static string Yaml(string fileName) => SigmaRuleSet.Rules.Single(r => r.Key == fileName).Value;

    private static JsonObject Json(string fileName) => SigmaYaml.ToJson(Yaml(fileName)).AsObject();

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public async Task Rule_AgainstSigmaSchemaV2_HasNoErrors(string fileName)
    {
        JsonSchema schema = await s_schema.Value;
        var errors = schema.Validate(Json(fileName).ToJsonString());
        Assert.True(errors.Count == 0, fileName + ": " + string.Join("; ", errors.Select(e => $"{e.Path} {e.Kind}")));
    }

    [Fact]
    public async Task Schema_RuleWithBadStatusDateTagAndLevel_IsRejected()
    {
        // Proves the validator enforces the schema's const/pattern keywords, so the test above can fail.
        JsonSchema schema = await s_schema.Value;
        JsonObject rule = Json(SigmaRuleSet.Rules[0].Key);
        rule["status"] = "production";
        rule["date"] = "2026/11/23";
        rule["level"] = "severe";
        rule["tags"] = new JsonArray("Attack.T1105");
        rule.Remove("detection");
        string[] kinds = schema.Validate(rule.ToJsonString()).Select(e => e.Property ?? e.Path ?? "").ToArray();
        Assert.Contains("status", kinds);
        Assert.Contains("date", kinds);
        Assert.Contains("level", kinds);
        Assert.Contains("detection", kinds);
        Assert.Contains(kinds, k => k.Contains("tags", StringComparison.Ordinal) || k == "[0]");
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void Rule_SigmaHqConventionFields_ArePresentAndWellFormed(string fileName)
    {
        JsonObject rule = Json(fileName);
        string title = (string)rule["title"]!;
        Assert.Matches(@"^[A-Z0-9]", title);
        foreach (string word in title.Split(' '))
        {
            // Title Case: every word capitalised except short connecting words (SigmaHQ convention).
            if (word is "a" or "an" or "and" or "or" or "of" or "to" or "for" or "in" or "on" or "the" or "from" or "with" or "by" or "-")
            {
                continue;
            }
            Assert.True(char.IsUpper(word[0]) || char.IsDigit(word[0]), $"{fileName}: title word '{word}' is not capitalised");
        }
        Assert.True(Guid.TryParseExact((string)rule["id"]!, "D", out Guid id));
        Assert.Equal(4, (id.ToByteArray()[7] >> 4) & 0xF); // version nibble: random v4
        Assert.Equal("experimental", (string)rule["status"]!);
        Assert.StartsWith("Detects ", (string)rule["description"]!, StringComparison.Ordinal);
        Assert.Equal("Lantern", (string)rule["author"]!);
        Assert.Equal("2026-11-23", (string)rule["date"]!);
        JsonArray references = rule["references"]!.AsArray();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.StartsWith("https://", (string)r!, StringComparison.Ordinal));
        JsonArray tags = rule["tags"]!.AsArray();
        Assert.NotEmpty(tags);
        Assert.All(tags, t => Assert.Matches(@"^(attack\.(command-and-control|t1105)|detection\.threat-hunting)$", (string)t!));
        JsonArray falsePositives = rule["falsepositives"]!.AsArray();
        Assert.NotEmpty(falsePositives);
        Assert.All(falsePositives, f => Assert.NotEqual("none", ((string)f!).Trim().ToLowerInvariant()));
        Assert.Contains((string)rule["level"]!, new[] { "informational", "low", "medium", "high", "critical" });
        string category = (string)rule["logsource"]!["category"]!;
        string prefix = category switch
        {
            "proxy" => "proxy_",
            "process_creation" => "proc_creation_",
            "network_connection" => "net_connection_",
            "dns_query" => "dns_query_",
            _ => throw new Xunit.Sdk.XunitException("unexpected category " + category),
        };
        Assert.StartsWith(prefix, fileName, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9_]+\\.yml$", fileName);
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void Rule_Layout_UsesFourSpaceIndentLfAndSigmaHqKeyOrder(string fileName)
    {
        string yaml = Yaml(fileName);
        Assert.DoesNotContain('\r', yaml);
        Assert.DoesNotContain('\t', yaml);
        Assert.EndsWith("\n", yaml, StringComparison.Ordinal);
        foreach (string line in yaml.TrimEnd('\n').Split('\n'))
        {
            int indent = line.Length - line.TrimStart(' ').Length;
            Assert.True(indent % 4 == 0, $"{fileName}: indentation {indent} in '{line}'");
            Assert.Equal(line.TrimEnd(), line);
        }
        string[] topKeys = yaml.Split('\n').Where(l => l.Length > 0 && l[0] != ' ').Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToArray();
        Assert.Equal(new[] { "title", "id", "status", "description", "references", "author", "date", "tags", "logsource", "detection", "falsepositives", "level" }, topKeys);
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void Rule_Condition_NamesOnlyDefinedSelections(string fileName)
    {
        JsonObject detection = Json(fileName)["detection"]!.AsObject();
        string condition = (string)detection["condition"]!;
        string[] identifiers = detection.Select(p => p.Key).Where(k => k != "condition").ToArray();
        Assert.NotEmpty(identifiers);
        foreach (Match token in Regex.Matches(condition, @"[A-Za-z_][A-Za-z0-9_]*\*?"))
        {
            string word = token.Value;
            if (word is "and" or "or" or "not" or "of" or "all" or "them")
            {
                continue;
            }
            bool matches = word.EndsWith('*')
                ? identifiers.Any(i => i.StartsWith(word.TrimEnd('*'), StringComparison.Ordinal))
                : identifiers.Contains(word);
            Assert.True(matches, $"{fileName}: condition term '{word}' names no search identifier");
        }
        // Every identifier is used by the condition.
        Assert.All(identifiers, i => Assert.True(condition.Contains(i, StringComparison.Ordinal) || condition.Contains(i[..(i.IndexOf('_', StringComparison.Ordinal) + 1)] + "*", StringComparison.Ordinal), $"{fileName}: {i} unused"));
    }

    [Fact]
    public void Rules_IdsTitlesAndFileNames_AreUnique()
    {
        var rules = SigmaRuleSet.Rules.Select(r => Json(r.Key)).ToArray();
        Assert.Equal(rules.Length, rules.Select(r => (string)r["id"]!).Distinct().Count());
        Assert.Equal(rules.Length, rules.Select(r => (string)r["title"]!).Distinct().Count());
        Assert.Equal(rules.Length, SigmaRuleSet.Rules.Select(r => r.Key).Distinct().Count());
        Assert.True(rules.Length >= 15);
    }

    [Fact]
    public void Rules_CoverEveryRequiredLogSource()
    {
        var keys = SigmaRuleSet.Rules.Select(r => r.Key).ToArray();
        Assert.Contains(keys, k => k.StartsWith("proxy_hf_resolve", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("proxy_hf_cdn", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("proxy_ollama_registry", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("proxy_ollama_r2", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("proxy_ollama_user_agent", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains("installer", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("proc_creation_win", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("proc_creation_lnx", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("net_connection_", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("dns_query_", StringComparison.Ordinal));
    }

    [Fact]
    public void HfResolveRule_Detection_MatchesTheDocumentedExample()
    {
        JsonObject detection = Json("proxy_hf_resolve_model_weight_download.yml")["detection"]!.AsObject();
        Assert.Equal("all of selection_*", (string)detection["condition"]!);
        Assert.Contains("huggingface.co", detection["selection_host"]!["cs-host"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("/resolve/", (string)detection["selection_path"]!["c-uri|contains"]!);
        Assert.Contains(".gguf", detection["selection_ext"]!["c-uri|contains"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void CdnRule_ByteThreshold_IsANumberWithGteModifier()
    {
        JsonObject selection = Json("proxy_hf_cdn_large_transfer.yml")["detection"]!["selection_host"]!.AsObject();
        Assert.Equal(104857600L, selection["sc-bytes|gte"]!.GetValue<long>());
    }

    [Fact]
    public void WindowsProcessRule_BackslashPaths_SurviveYamlRoundTrip()
    {
        JsonArray images = Json("proc_creation_win_local_llm_runtime.yml")["detection"]!["selection_image"]!["Image|endswith"]!.AsArray();
        Assert.Contains(@"\ollama.exe", images.Select(v => (string)v!));
        Assert.Contains(@"\LM Studio.exe", images.Select(v => (string)v!));
    }

    [Fact]
    public void NetworkRule_Ports_AreIntegers()
    {
        JsonArray ports = Json("net_connection_win_local_llm_inference_port.yml")["detection"]!["selection_dedicated_port"]!["DestinationPort"]!.AsArray();
        Assert.Contains(11434L, ports.Select(p => p!.GetValue<long>()));
        Assert.Contains(1234L, ports.Select(p => p!.GetValue<long>()));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a*b", @"a\*b")]
    [InlineData("what?", @"what\?")]
    [InlineData(@"\ollama.exe", @"\ollama.exe")]
    [InlineData(@"C:\\x", @"C:\\\x")]
    [InlineData(@"\*", @"\\\*")]
    public void EscapeSigmaWildcards_SpecialCharacters_AreEscapedPerSpec(string literal, string expected)
    {
        Assert.Equal(expected, SigmaYamlWriter.EscapeSigmaWildcards(literal));
    }

    [Fact]
    public void WriteTo_Directory_WritesOneFilePerRuleWithTheSameText()
    {
        using var temp = new TempDirectory();
        string target = Path.Combine(temp.Path, "rules");
        IReadOnlyList<string> written = SigmaRuleSet.WriteTo(target);
        Assert.Equal(SigmaRuleSet.Rules.Count, written.Count);
        Assert.Equal(SigmaRuleSet.Rules.Count, Directory.GetFiles(target, "*.yml").Length);
        foreach (KeyValuePair<string, string> rule in SigmaRuleSet.Rules)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(target, rule.Key));
            Assert.NotEqual(0xEF, bytes[0]); // no BOM
            Assert.Equal(rule.Value, System.Text.Encoding.UTF8.GetString(bytes));
        }
    }
}
