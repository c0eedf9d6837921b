using System.Reflection;
using System.Text.RegularExpressions;
using Lantern.Governance.Controls;
using Lantern.Governance.Enrichment;
using Lantern.Governance.Policy;

namespace Lantern.Governance.Tests.Controls;

public class ControlCatalogueTests
{
    [Fact]
    public void All_HasNoDuplicateIds()
    {
        var duplicates = ControlCatalogue.All.GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void All_IdsAreWellFormedAndMatchFrameworkAndNumber()
    {
        var pattern = new Regex(@"^(ISO27001:(A\.[5-8]\.\d+|\d+(\.\d+)*)|ISO9001:\d+(\.\d+)*|ISO42001:(A\.\d+\.\d+(\.\d+)?|\d+(\.\d+)*)|NIST-AI-RMF:(GOVERN|MAP|MEASURE|MANAGE)-\d+\.\d+|EU-AI-ACT:Art\.\d+(\(\d+\))?)$");
        foreach (ControlDefinition c in ControlCatalogue.All)
        {
            Assert.Matches(pattern, c.Id);
            Assert.StartsWith(c.Framework + ":", c.Id, StringComparison.Ordinal);
            Assert.Contains(c.Framework, ControlFramework.All);
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
            Assert.Equal(c.Framework == ControlFramework.EuAiAct, c.Applies is not null);
        }
    }

    [Fact]
    public void Iso42001_HasExactly38AnnexAControls()
    {
        var annexA = ControlCatalogue.All.Where(c => c.Framework == ControlFramework.Iso42001 && c.IsAnnexA).ToList();
        Assert.Equal(38, annexA.Count);
        // compliance.md §0: the "A.x.1" entries are objectives, not controls; nothing outside A.2–A.10.
        Assert.DoesNotContain(annexA, c => c.Number is "A.4.1" or "A.2.1" or "A.9.1");
        Assert.All(annexA, c => Assert.InRange(int.Parse(c.Number.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture), 2, 10));
        // Per-objective counts from compliance.md §3.
        int[] expected = [3, 2, 5, 4, 9, 5, 4, 3, 3];
        for (int objective = 2; objective <= 10; objective++)
        {
            Assert.Equal(expected[objective - 2], annexA.Count(c => c.Number.StartsWith($"A.{objective}.", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void NumberingTraps_Hold()
    {
        Assert.Equal("User end point devices", ControlCatalogue.Find("ISO27001:A.8.1")!.Title);
        Assert.Equal("Inventory of information and other associated assets", ControlCatalogue.Find("ISO27001:A.5.9")!.Title);
        Assert.Equal("Management of technical vulnerabilities", ControlCatalogue.Find("ISO27001:A.8.8")!.Title);
        Assert.Equal("Logging", ControlCatalogue.Find("ISO27001:A.8.15")!.Title);
        Assert.Equal("Deciding on and keeping event logs", ControlCatalogue.Find("ISO42001:A.6.2.8")!.Title);
        Assert.Null(ControlCatalogue.Find("ISO27001:A.8.1.1"));
        Assert.Null(ControlCatalogue.Find("ISO42001:A.8.3.1"));
        // Human oversight of outputs belongs under A.9.3, not A.7.4 (data quality).
        Assert.Contains("oversight", ControlCatalogue.Find("ISO42001:A.9.3")!.Relevance, StringComparison.Ordinal);
        Assert.Equal("Inventory of AI systems", ControlCatalogue.Find("NIST-AI-RMF:GOVERN-1.6")!.Title);
    }

    [Fact]
    public void EuAiAct_DatesAreDataAndOmnibusUncertaintyIsNoted()
    {
        ControlDefinition logs = ControlCatalogue.Find("EU-AI-ACT:Art.26(6)")!;
        Assert.Equal(new DateOnly(2026, 8, 2), logs.Applies!.AppliesFrom);
        Assert.Equal(new DateOnly(2027, 8, 2), logs.Applies.LaterAppliesFrom);
        Assert.Contains("2027-12-02", logs.Applies.Uncertainty, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2025, 2, 2), ControlCatalogue.Find("EU-AI-ACT:Art.4")!.Applies!.AppliesFrom);
        Assert.Null(ControlCatalogue.Find("EU-AI-ACT:Art.50(4)")!.Applies!.Uncertainty);
    }

    [Fact]
    public void ControlRefConstantsAndLegacyCatalog_AreAllInTheCatalogue()
    {
        IEnumerable<string> constants = typeof(ControlRef).GetNestedTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);
        Assert.All(constants, c => Assert.True(ControlCatalogue.Contains(c), $"{c} is not in ControlCatalogue"));
        Assert.All(ControlCatalog.All, c => Assert.True(ControlCatalogue.Contains(c.Ref), $"{c.Ref} is not in ControlCatalogue"));
    }

    [Fact]
    public void Iso27001Titles_AgreeWithTheLegacyCatalog()
    {
        foreach (ControlInfo legacy in ControlCatalog.All.Where(c => c.Ref.StartsWith("ISO27001:", StringComparison.Ordinal)))
        {
            Assert.Equal(legacy.Title, ControlCatalogue.Find(legacy.Ref)!.Title);
        }
    }

    [Fact]
    public void IndexOf_FollowsCatalogueOrder()
    {
        Assert.True(ControlCatalogue.IndexOf("ISO27001:A.5.9") < ControlCatalogue.IndexOf("ISO9001:7.5"));
        Assert.True(ControlCatalogue.IndexOf("ISO42001:A.10.4") < ControlCatalogue.IndexOf("NIST-AI-RMF:GOVERN-1.4"));
        Assert.Equal(-1, ControlCatalogue.IndexOf("ISO27001:A.9.9"));
    }
}

public class CheckCatalogueTests
{
    [Fact]
    public void EveryCitedControl_ExistsInTheCatalogue()
    {
        foreach (CheckDescriptor check in CheckCatalogue.All)
        {
            Assert.NotEmpty(check.Controls);
            Assert.All(check.Controls, c => Assert.True(ControlCatalogue.Contains(c), $"{check.Id} cites {c}, which is not in ControlCatalogue"));
            Assert.Equal(check.Controls.Count, check.Controls.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public void All_HasNoDuplicateIds()
    {
        Assert.Equal(CheckCatalogue.All.Count, CheckCatalogue.All.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void All_ListsEveryScanAndPolicyRule()
    {
        var ids = CheckCatalogue.All.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (Type t in new[] { typeof(ScanRuleIds), typeof(PolicyRuleIds) })
        {
            foreach (FieldInfo f in t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name != "Prefix"))
            {
                Assert.Contains((string)f.GetRawConstantValue()!, ids);
            }
        }
        Assert.Equal(7, ids.Count(i => i.StartsWith(ScanRuleIds.Prefix, StringComparison.Ordinal)));
        Assert.Equal(18, ids.Count(i => i.StartsWith(PolicyRuleIds.Prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public void ScanRuleControls_MatchTheRulesDocument()
    {
        // docs/rules.md is the published contract for LNT-SCN-*; the catalogue must not drift from it.
        string rules = File.ReadAllText(Path.Combine(Lantern.Testing.TestPaths.RepoRoot, "docs", "rules.md"));
        foreach (CheckDescriptor check in CheckCatalogue.All.Where(c => c.Id.StartsWith(ScanRuleIds.Prefix, StringComparison.Ordinal)))
        {
            string row = rules.Split('\n').Single(l => l.StartsWith($"| `{check.Id}`", StringComparison.Ordinal));
            string documented = row.TrimEnd().TrimEnd('|').Split('|')[^1].Trim();
            Assert.Equal(documented, string.Join(", ", check.Controls));
        }
    }

    [Fact]
    public void PolicyRuleControls_CarryTheKeyMappings()
    {
        Assert.Equal(
            ["ISO27001:A.5.9", "ISO27001:A.5.36", "ISO27001:A.8.19", "ISO42001:A.4.2", "ISO42001:A.6.2.5", "ISO9001:8.4", "ISO9001:10.2", "NIST-AI-RMF:GOVERN-1.6"],
            CheckCatalogue.Find(PolicyRuleIds.ModelNotApproved)!.Controls);
        Assert.Subset(CheckCatalogue.Find(PolicyRuleIds.DigestDrift)!.Controls.ToHashSet(),
            new HashSet<string> { "ISO27001:A.5.21", "ISO27001:A.8.7", "ISO27001:A.8.24", "ISO27001:A.8.32" });
        Assert.Contains("ISO42001:A.2.4", CheckCatalogue.Find(PolicyRuleIds.PolicyReviewOverdue)!.Controls);
        Assert.Contains("ISO42001:A.6.2.8", CheckCatalogue.Find(CheckCatalogue.GatewayAuditLog)!.Controls);
        Assert.Contains("EU-AI-ACT:Art.26(6)", CheckCatalogue.Find(CheckCatalogue.GatewayAuditLog)!.Controls);
    }

    [Theory]
    [InlineData("LNT-SCN-003", "LNT-SCN-003")]
    [InlineData("LNT-POL-014", "LNT-POL-014")]
    [InlineData("LNT-PKL-001", CheckCatalogue.ModelVetting)]
    [InlineData("LNT-VET-005", CheckCatalogue.ModelVetting)]
    [InlineData("LNT-GGF-032", CheckCatalogue.ModelVetting)]
    public void ForRule_MapsRuleIdsToChecks(string ruleId, string checkId)
    {
        Assert.Equal(checkId, CheckCatalogue.ForRule(ruleId)!.Id);
    }

    [Fact]
    public void ForRule_UnknownRule_IsNull()
    {
        Assert.Null(CheckCatalogue.ForRule("LNT-XYZ-001"));
    }

    [Fact]
    public void CoverageByControl_InvertsTheCatalogue()
    {
        IReadOnlyList<ControlCoverage> coverage = CheckCatalogue.CoverageByControl();
        Assert.Equal(ControlCatalogue.All.Select(c => c.Id), coverage.Select(c => c.Control.Id));
        ControlCoverage inventory = coverage.Single(c => c.Control.Id == "ISO27001:A.5.9");
        Assert.Contains(inventory.Checks, c => c.Id == CheckCatalogue.ScanInventory);
        Assert.Contains(inventory.Checks, c => c.Id == PolicyRuleIds.ModelNotApproved);
        int pairs = CheckCatalogue.All.Sum(c => c.Controls.Count);
        Assert.Equal(pairs, coverage.Sum(c => c.Checks.Count));
        foreach (ControlCoverage row in coverage)
        {
            Assert.All(row.Checks, check => Assert.Contains(row.Control.Id, check.Controls));
        }
    }
}
