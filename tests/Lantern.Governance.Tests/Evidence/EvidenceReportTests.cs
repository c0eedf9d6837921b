using Lantern.Core.Findings;
using Lantern.Governance.Controls;
using Lantern.Governance.Evidence;

namespace Lantern.Governance.Tests.Evidence;

public class EvidenceReportTests
{
    private static EvidenceReport Full() =>
        EvidenceReport.Build(EvidenceFixture.Inventory(), EvidenceFixture.Policy(), EvidenceFixture.AllFindings(), EvidenceFixture.GeneratedAt);

    private static ControlEvidence Control(EvidenceReport report, string id) => report.Controls.Single(c => c.Control.Id == id);

    [Fact]
    public void Build_ControlsFollowCatalogueOrderAndAllHaveChecks()
    {
        EvidenceReport report = Full();
        List<int> order = [.. report.Controls.Select(c => ControlCatalogue.IndexOf(c.Control.Id))];
        Assert.Equal(order.Order(), order);
        Assert.All(report.Controls, c => Assert.NotEmpty(c.Checks));
        // A catalogued control no check covers (A.6.8 event reporting) is not in the report.
        Assert.DoesNotContain(report.Controls, c => c.Control.Id == "ISO27001:A.6.8");
    }

    [Fact]
    public void Build_FindingsGiveNonconformitiesCountedBySeverity()
    {
        ControlEvidence inventory = Control(Full(), "ISO27001:A.5.9");
        Assert.Equal(ControlStatus.Nonconformities, inventory.Status);
        // LNT-SCN-007 (info) and two LNT-POL-001 (high).
        Assert.Equal(new SeverityCounts(0, 2, 0, 0, 1), inventory.Counts);
        Assert.Equal(["LNT-POL-001", "LNT-POL-001", "LNT-SCN-007"], inventory.Findings.Select(f => f.RuleId));
        Assert.Equal("/home/alice/.cache/huggingface/hub/models--acme--nc/model.safetensors", inventory.Findings[0].EvidencePath);
        Assert.Equal(EvidenceFixture.NcDigest, inventory.Findings[0].Sha256);
    }

    [Fact]
    public void Build_FindingWithoutControls_BorrowsItsChecksControls()
    {
        ControlEvidence malware = Control(Full(), "ISO27001:A.8.7");
        Assert.Contains(malware.Findings, f => f.RuleId == "LNT-PKL-001" && f.Severity == Severity.Critical);
    }

    [Fact]
    public void Build_ServerFinding_LocatedByAddressAndPort()
    {
        FindingSummary exposed = Control(Full(), "ISO27001:A.8.20").Findings.Single(f => f.RuleId == "LNT-SCN-003");
        Assert.Equal("0.0.0.0:11434", exposed.EvidencePath);
    }

    [Fact]
    public void Build_ChecksRanWithoutFindings_EvidencedOk()
    {
        EvidenceReport report = Full();
        // Policy document given, no finding on A.2.2.
        Assert.Equal(ControlStatus.EvidencedOk, Control(report, "ISO42001:A.2.2").Status);
        Assert.Equal(ControlStatus.EvidencedOk, Control(report, "ISO42001:A.2.4").Status);
    }

    [Fact]
    public void Build_NoPolicy_PolicyOnlyControlsNotAssessed()
    {
        EvidenceReport report = EvidenceReport.Build(EvidenceFixture.Inventory(), null, EvidenceFixture.ScanFindings(), EvidenceFixture.GeneratedAt);
        ControlEvidence review = Control(report, "ISO42001:A.2.4");
        Assert.Equal(ControlStatus.NotAssessed, review.Status);
        Assert.All(review.Checks, c => Assert.Equal("no policy given", c.NotRunReason));
        Assert.Null(report.Header.Policy);
        Assert.Null(report.Header.Counts.Approved);
        // The inventory check still runs: A.5.9 has the stray-file finding.
        Assert.Equal(ControlStatus.Nonconformities, Control(report, "ISO27001:A.5.9").Status);
        Assert.Contains("No policy given", EvidenceReportWriter.Markdown(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_GatewayAndNetLog_NotAssessedUnlessSupplied()
    {
        EvidenceReport without = Full();
        Assert.Equal(ControlStatus.NotAssessed, Control(without, "ISO42001:A.6.2.8").Status);
        Assert.Equal(ControlStatus.NotAssessed, Control(without, "EU-AI-ACT:Art.26(6)").Status);
        Assert.Equal(ControlStatus.NotAssessed, Control(without, "ISO27001:A.8.16").Status);

        EvidenceReport with = EvidenceReport.Build(EvidenceFixture.Inventory(), EvidenceFixture.Policy(), EvidenceFixture.AllFindings(),
            EvidenceFixture.GeneratedAt, new EvidenceSources(NetLogAnalysed: true, GatewayLogVerified: true, RiskRegisterProduced: true));
        Assert.Equal(ControlStatus.EvidencedOk, Control(with, "ISO42001:A.6.2.8").Status);
        Assert.Equal(ControlStatus.EvidencedOk, Control(with, "ISO27001:A.8.16").Status);
        Assert.Equal(ControlStatus.EvidencedOk, Control(with, "ISO27001:6.1.2").Status);
    }

    [Fact]
    public void Build_NotVetted_VettingCheckDidNotRun()
    {
        EvidenceReport report = EvidenceReport.Build(EvidenceFixture.Inventory(vetted: false), EvidenceFixture.Policy(), EvidenceFixture.PolicyFindings(), EvidenceFixture.GeneratedAt);
        CheckRun vetting = report.Checks.Single(c => c.Check.Id == CheckCatalogue.ModelVetting);
        Assert.False(vetting.Ran);
        Assert.Contains("without vetting", vetting.NotRunReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownRuleAndControl_ListedAsUnmapped()
    {
        FindingSummary unmapped = Assert.Single(Full().UnmappedFindings);
        Assert.Equal("LNT-XYZ-001", unmapped.RuleId);
    }

    [Fact]
    public void Build_HeaderCountsAndPolicy()
    {
        EvidenceHeader h = Full().Header;
        Assert.Equal(new InventoryCounts(2, 4, 1, 3, 1, 1, 1, 9), h.Counts);
        Assert.Equal("Jane Doe, CISO", h.Policy!.ApprovedBy);
        Assert.False(h.Policy.ReviewOverdue);
        Assert.True(h.InventoryComplete);
    }

    [Fact]
    public void Build_IncompleteScan_StatedProminently()
    {
        EvidenceReport report = EvidenceReport.Build(EvidenceFixture.Inventory(complete: false), EvidenceFixture.Policy(), EvidenceFixture.AllFindings(), EvidenceFixture.GeneratedAt);
        Assert.False(report.Header.InventoryComplete);
        string md = EvidenceReportWriter.Markdown(report);
        string html = EvidenceReportWriter.Html(report);
        // Stated before anything else, right under the title.
        Assert.StartsWith("# Lantern evidence report: ws-042\n\n> **INCOMPLETE SCAN.**", md, StringComparison.Ordinal);
        Assert.Contains("<p class=\"alert\"><strong>INCOMPLETE SCAN.</strong>", html, StringComparison.Ordinal);
        Assert.Contains("unreadable", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ProblemsWithCompleteFlag_StillIncomplete()
    {
        var inventory = EvidenceFixture.Inventory(complete: false) with { Complete = true };
        Assert.False(EvidenceReport.Build(inventory, null, [], EvidenceFixture.GeneratedAt).Header.InventoryComplete);
    }

    [Fact]
    public void Writers_AreDeterministicWhateverTheFindingOrder()
    {
        List<Finding> reversed = EvidenceFixture.AllFindings();
        reversed.Reverse();
        EvidenceReport a = Full();
        EvidenceReport b = EvidenceReport.Build(EvidenceFixture.Inventory(), EvidenceFixture.Policy(), reversed, EvidenceFixture.GeneratedAt);
        Assert.Equal(EvidenceReportWriter.Markdown(a), EvidenceReportWriter.Markdown(b));
        Assert.Equal(EvidenceReportWriter.Html(a), EvidenceReportWriter.Html(b));
    }

    [Fact]
    public void Html_EncodesHostileStringsAndHasNoScript()
    {
        string html = EvidenceReportWriter.Html(Full());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:x)\n", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Markdown_EscapesHostileStrings()
    {
        string md = EvidenceReportWriter.Markdown(Full());
        Assert.DoesNotContain("<script>", md, StringComparison.Ordinal);
        Assert.DoesNotContain("[a](javascript", md, StringComparison.Ordinal);
        // The newline inside the name does not break the table row.
        Assert.DoesNotContain("\n# h", md, StringComparison.Ordinal);
        Assert.Contains("\\<script\\>", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_ManyFindings_CappedWithExactCount()
    {
        List<Finding> many = [.. Enumerable.Range(0, 60).Select(i => new Finding
        {
            RuleId = "LNT-SCN-007",
            Severity = Severity.Info,
            Message = $"stray {i:D2}",
            Controls = ["ISO27001:A.5.9"],
        })];
        EvidenceReport report = EvidenceReport.Build(EvidenceFixture.Inventory(), null, many, EvidenceFixture.GeneratedAt);
        Assert.Equal(60, Control(report, "ISO27001:A.5.9").Counts.Info);
        string md = EvidenceReportWriter.Markdown(report);
        Assert.Contains("… and 10 more findings (the JSON report has all 60).", md, StringComparison.Ordinal);
        Assert.DoesNotContain("stray 55", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_Golden() =>
        Golden.AssertMatches("evidence-report.md", EvidenceReportWriter.Markdown(Full()));

    [Fact]
    public void Html_Golden() =>
        Golden.AssertMatches("evidence-report.html", EvidenceReportWriter.Html(Full()));

    [Fact]
    public void Markdown_IncompleteNoPolicy_Golden() =>
        Golden.AssertMatches("evidence-report-incomplete-nopolicy.md", EvidenceReportWriter.Markdown(
            EvidenceReport.Build(EvidenceFixture.Inventory(complete: false), null, EvidenceFixture.ScanFindings(), EvidenceFixture.GeneratedAt)));
}
