using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.EndToEnd.Tests.Scan;
using Lantern.Testing.Endpoints;

namespace Lantern.EndToEnd.Tests.Policy;

/// <summary>
/// Fixture endpoint + a policy written the way a compliance lead would → the real CLI → golden LNT-POL findings,
/// and the other governance commands (evaluate, pin, check, render, evidence, risk register) over the same data.
/// </summary>
public class PolicyEndToEndTests
{
    /// <summary>All review dates lie far in the future except the policy's own, so the findings do not change with the calendar.</summary>
    private static string PolicyYaml(string llamaDigest) => $$"""
        apiVersion: lantern/v1
        kind: LocalAiPolicy
        metadata:
          name: Fixture Corp Local AI Use Policy
          owner: Information Security
          version: "2.1"
          approvedBy: Jane Roe, CISO
          approvedOn: 2019-06-01
          reviewBy: 2020-01-01              # overdue: LNT-POL-007
        classifications: [Public, Internal, Confidential, Restricted]
        useCases:
          - id: code-assist
            description: Code completion in the IDE
            maxClassification: Internal
            outputHandling: human-review
        models:
          - name: llama3.2:1b
            runtime: ollama
            digests: [ "sha256:{{llamaDigest}}" ]
            source: registry.ollama.ai/library/llama3.2
            license: llama3.2
            owner: Platform team
            useCases: [code-assist]
            maxClassification: Internal
            status: approved
            validation: QA-2026-001
            reviewBy: 2099-01-01
          - name: mistralai/Mistral-7B-v0.1
            runtime: huggingface
            digests: [ "sha256:{{new string('0', 64)}}" ]   # not what is on disk: LNT-POL-002
            source: huggingface.co/mistralai/Mistral-7B-v0.1
            owner: Research
            useCases: [code-assist]
            status: approved
            validation: QA-2026-002
            reviewBy: 2099-01-01
        sources:
          allow: [ "registry.ollama.ai/library/*", "huggingface.co/mistralai/*" ]
        licenses:
          allow: [ llama3.2, Apache-2.0, MIT ]
          deny: [ CC-BY-NC-4.0 ]
          unlisted: review
        runtimes:
          failOnAdvisory: critical
          allowUnlisted: false
          allowed:
            - id: ollama
              minVersion: 0.12.0
            - id: huggingface
            - id: lmstudio
        exposure:
          allowNonLoopback: false
        """;

    [Fact]
    public void ScanWithPolicy_FixtureEndpoint_MatchesGoldenFindings()
    {
        using var endpoint = ScanEndToEndTests.BuildEndpoint();
        string policy = WritePolicy(endpoint);

        var (exit, stdout, stderr) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe", "--policy", policy, "--fail-on", "critical");

        Assert.True(exit == ExitCodes.Findings, $"exit {exit}: {stderr}");
        Golden.AssertMatches("scan-policy-findings.json", PolicyFindings(stdout, endpoint));
    }

    [Fact]
    public void PolicyEvaluate_SavedInventory_SameFindingsAsScanWithPolicy()
    {
        using var endpoint = ScanEndToEndTests.BuildEndpoint();
        string policy = WritePolicy(endpoint);
        string inventory = Path.Combine(endpoint.Root, "scan.json");
        LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe", "--output", inventory);

        var (exit, stdout, stderr) = LanternProcess.Run(endpoint, "policy", "evaluate", policy, "--inventory", inventory, "--format", "json");
        var (_, scanned, _) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe", "--policy", policy);

        Assert.True(exit == ExitCodes.Findings, $"exit {exit}: {stderr}");
        Assert.Equal(PolicyFindings(scanned, endpoint), PolicyFindings(stdout, endpoint));
    }

    [Fact]
    public void RegistryPin_UnapprovedModel_EntryProposedAndFindingChanges()
    {
        using var endpoint = ScanEndToEndTests.BuildEndpoint();
        string policy = WritePolicy(endpoint);
        string inventory = Path.Combine(endpoint.Root, "scan.json");
        LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe", "--output", inventory);
        string before = File.ReadAllText(policy);

        var (exit, _, stderr) = LanternProcess.Run(endpoint, "registry", "pin", "--policy", policy, "--inventory", inventory, "--model", "lmstudio-community/Qwen3-8B-GGUF");
        var (checkExit, checkOut, checkErr) = LanternProcess.Run(endpoint, "policy", "check", policy);
        var (_, evaluated, _) = LanternProcess.Run(endpoint, "policy", "evaluate", policy, "--inventory", inventory, "--format", "json");

        Assert.True(exit == ExitCodes.Ok, stderr);
        // The pin only inserts lines: every original line survives, in order, and the new ones propose the model.
        string[] original = before.Split('\n');
        string[] edited = File.ReadAllText(policy).Split('\n');
        var inserted = new List<string>();
        int next = 0;
        foreach (string line in edited)
        {
            if (next < original.Length && line == original[next])
            {
                next++;
            }
            else
            {
                inserted.Add(line);
            }
        }
        Assert.Equal(original.Length, next);
        Assert.Contains(inserted, l => l.Trim() == "status: proposed");
        Assert.Contains(inserted, l => l.Contains("lmstudio-community/Qwen3-8B-GGUF", StringComparison.Ordinal));
        Assert.True(checkExit == ExitCodes.Ok, checkOut + checkErr);
        JsonArray findings = JsonNode.Parse(evaluated)!["findings"]!.AsArray();
        Assert.Contains(findings, f => f!["ruleId"]!.GetValue<string>() == "LNT-POL-003" && f["message"]!.GetValue<string>().Contains("Qwen3-8B", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f!["ruleId"]!.GetValue<string>() == "LNT-POL-001" && f["message"]!.GetValue<string>().Contains("Qwen3-8B", StringComparison.Ordinal));
    }

    [Fact]
    public void PolicyCheck_InvalidPolicy_ExitsTwoNamingLineAndColumn()
    {
        using var endpoint = new FixtureEndpoint();
        string policy = Path.Combine(endpoint.Root, "bad.yaml");
        File.WriteAllText(policy, PolicyYaml(new string('a', 64)).Replace("status: approved\n    validation: QA-2026-001", "status: aproved\n    validation: QA-2026-001", StringComparison.Ordinal));

        var (exit, _, stderr) = LanternProcess.Run(endpoint, "policy", "check", policy);
        var (scanExit, scanOut, _) = LanternProcess.Run(endpoint, "scan", "--no-probe", "--policy", policy);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Matches(@"bad\.yaml:\d+:\d+: models\[0\]\.status: 'aproved' is not one of", stderr);
        Assert.Equal(ExitCodes.Usage, scanExit);
        Assert.Equal(string.Empty, scanOut);
    }

    [Fact]
    public void PolicyInitThenCheck_StarterPolicy_IsValid()
    {
        using var endpoint = new FixtureEndpoint();
        string policy = Path.Combine(endpoint.Root, "lantern-policy.yaml");

        var (initExit, _, initErr) = LanternProcess.Run(endpoint, "policy", "init", "--output", policy);
        var (again, _, _) = LanternProcess.Run(endpoint, "policy", "init", "--output", policy);
        var (checkExit, checkOut, _) = LanternProcess.Run(endpoint, "policy", "check", policy);

        Assert.True(initExit == ExitCodes.Ok, initErr);
        Assert.Equal(ExitCodes.Usage, again);
        Assert.Equal(ExitCodes.Ok, checkExit);
        Assert.Contains("valid lantern/v1 policy", checkOut, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyRenderAndReports_FixturePolicy_ProduceDocuments()
    {
        using var endpoint = ScanEndToEndTests.BuildEndpoint();
        string policy = WritePolicy(endpoint);
        string inventory = Path.Combine(endpoint.Root, "scan.json");
        LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe", "--output", inventory);
        string html = Path.Combine(endpoint.Root, "policy.html");
        string evidence = Path.Combine(endpoint.Root, "evidence.md");

        var (renderExit, _, renderErr) = LanternProcess.Run(endpoint, "policy", "render", policy, "--format", "html", "--output", html);
        var (evidenceExit, _, evidenceErr) = LanternProcess.Run(endpoint, "report", "evidence", "--inventory", inventory, "--policy", policy, "--output", evidence);
        var (riskExit, csv, riskErr) = LanternProcess.Run(endpoint, "report", "risk-register", "--inventory", inventory, "--policy", policy, "--format", "csv");

        Assert.True(renderExit == ExitCodes.Ok, renderErr);
        string page = File.ReadAllText(html);
        Assert.Contains("llama3.2:1b", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.True(evidenceExit == ExitCodes.Ok, evidenceErr);
        string report = File.ReadAllText(evidence);
        Assert.Contains("ISO27001:A.5.9", report, StringComparison.Ordinal);
        Assert.Contains("LNT-POL-002", report, StringComparison.Ordinal);
        Assert.True(riskExit == ExitCodes.Ok, riskErr);
        Assert.Contains("LAI-R01", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyEvaluate_InventoryFromNewerSchema_ExitsTwo()
    {
        using var endpoint = new FixtureEndpoint();
        string policy = WritePolicy(endpoint, new string('a', 64));
        string inventory = Path.Combine(endpoint.Root, "future.json");
        File.WriteAllText(inventory, """{"schemaVersion":"2.0","host":"h","user":"u","scannedAt":"2026-01-01T00:00:00Z"}""");

        var (exit, _, stderr) = LanternProcess.Run(endpoint, "policy", "evaluate", policy, "--inventory", inventory);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("newer than this Lantern understands", stderr, StringComparison.Ordinal);
    }

    private static string WritePolicy(FixtureEndpoint endpoint, string? llamaDigest = null)
    {
        if (llamaDigest is null)
        {
            var (_, stdout, _) = LanternProcess.Run(endpoint, "scan", "--format", "json", "--no-probe");
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdout));
            Inventory inventory = InventoryJson.Read(stream);
            llamaDigest = Assert.Single(inventory.Artifacts, a => a.ModelName == "llama3.2:1b" && a.Format == "gguf").Sha256!;
        }
        string path = Path.Combine(endpoint.Root, "lantern-policy.yaml");
        File.WriteAllText(path, PolicyYaml(llamaDigest));
        return path;
    }

    /// <summary>The LNT-POL findings only, with fixture paths made machine-independent.</summary>
    private static string PolicyFindings(string json, FixtureEndpoint endpoint)
    {
        JsonNode root = JsonNode.Parse(json.Replace(endpoint.Root, "<root>", StringComparison.Ordinal))!;
        var kept = new JsonArray([.. root["findings"]!.AsArray()
            .Where(f => f!["ruleId"]!.GetValue<string>().StartsWith("LNT-POL-", StringComparison.Ordinal))
            .Select(f => f!.DeepClone())]);
        return kept.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
