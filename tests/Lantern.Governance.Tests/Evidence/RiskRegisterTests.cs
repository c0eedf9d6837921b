using Lantern.Core.Findings;
using Lantern.Governance.Controls;
using Lantern.Governance.Evidence;

namespace Lantern.Governance.Tests.Evidence;

public class RiskRegisterTests
{
    private static IReadOnlyList<RiskRow> Full() =>
        RiskRegister.Build(EvidenceFixture.Inventory(), EvidenceFixture.Policy(), EvidenceFixture.AllFindings(), EvidenceFixture.Today);

    private static IReadOnlyList<RiskRow> Clean() =>
        RiskRegister.Build(EvidenceFixture.Inventory(), EvidenceFixture.Policy(), [], EvidenceFixture.Today);

    [Fact]
    public void Build_StandingSet_HasStableIdsInOrder()
    {
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"LAI-R{i:D2}"), Clean().Select(r => r.Id));
    }

    [Fact]
    public void Build_EveryControlRef_IsInTheCatalogue()
    {
        Assert.All(RiskRegister.AllControlRefs, c => Assert.True(ControlCatalogue.Contains(c), c));
    }

    [Fact]
    public void Build_NoFindings_BaseLikelihood()
    {
        RiskRow shadow = Clean().Single(r => r.Id == "LAI-R01");
        Assert.Equal(3, shadow.Likelihood);
        Assert.Equal(9, shadow.InherentScore);
        Assert.Equal("medium", shadow.InherentLevel);
        Assert.Equal("No matching finding.", shadow.Observations);
        Assert.Empty(shadow.ObservedRules);
    }

    [Fact]
    public void Build_HighFindings_RaiseLikelihoodByTwo()
    {
        RiskRow shadow = Full().Single(r => r.Id == "LAI-R01");
        Assert.Equal(5, shadow.Likelihood);
        Assert.Equal(15, shadow.InherentScore);
        Assert.Equal("high", shadow.InherentLevel);
        Assert.Equal(["LNT-POL-001", "LNT-SCN-007"], shadow.ObservedRules);
        Assert.Equal(3, shadow.ObservedFindings);
        Assert.Contains("+2: matching findings up to high", shadow.LikelihoodRationale, StringComparison.Ordinal);
        Assert.Contains("acme/nc", shadow.AssetScope, StringComparison.Ordinal);
        Assert.Contains("qwen", shadow.AssetScope, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MediumFindings_RaiseLikelihoodByOne()
    {
        RiskRow licence = Full().Single(r => r.Id == "LAI-R05");
        Assert.Equal(3, licence.Likelihood); // base 2, LNT-SCN-005 medium +1
        Assert.Equal(RiskTreatment.Reduce, licence.Treatment);
    }

    [Fact]
    public void Build_InfoFindings_ListedButNotScored()
    {
        List<Finding> onlyInfo = [.. EvidenceFixture.ScanFindings().Where(f => f.Severity == Severity.Info)];
        RiskRow shadow = RiskRegister.Build(EvidenceFixture.Inventory(), EvidenceFixture.Policy(), onlyInfo, EvidenceFixture.Today).Single(r => r.Id == "LAI-R01");
        Assert.Equal(3, shadow.Likelihood);
        Assert.Equal(["LNT-SCN-007"], shadow.ObservedRules);
    }

    [Fact]
    public void Build_VettingFinding_RaisesTamperingRisk()
    {
        RiskRow tamper = Full().Single(r => r.Id == "LAI-R02");
        Assert.Equal(4, tamper.Likelihood); // base 2 + critical LNT-PKL-001
        Assert.Equal("critical", tamper.InherentLevel);
        Assert.Equal(RiskTreatment.Avoid, tamper.Treatment);
        Assert.Equal(EvidenceFixture.Today.AddMonths(1), tamper.ReviewDate);
    }

    [Fact]
    public void Build_NoPolicy_PolicyControlledRisksRaisedAndUnowned()
    {
        IReadOnlyList<RiskRow> rows = RiskRegister.Build(EvidenceFixture.Inventory(), null, [], EvidenceFixture.Today);
        RiskRow shadow = rows.Single(r => r.Id == "LAI-R01");
        Assert.Equal(4, shadow.Likelihood);
        Assert.Contains("+1: no policy given", shadow.LikelihoodRationale, StringComparison.Ordinal);
        Assert.Equal("None recorded: no policy given.", shadow.ExistingControls);
        Assert.Equal("unassigned (no policy given)", shadow.Owner);
        // Exposure is evidenced by the scan itself, not the policy: not raised.
        Assert.Equal(2, rows.Single(r => r.Id == "LAI-R04").Likelihood);
    }

    [Fact]
    public void Build_LowRiskWithoutFindings_Accepted()
    {
        // LAI-R04: base 2 × impact 4 = 8 (medium); LAI-R05: 2 × 3 = 6. Nothing is low with the standing set unless
        // impact is small, so check the rule on the level itself through a clean policy run.
        Assert.All(Clean(), r => Assert.Equal(r.InherentLevel == "low" ? RiskTreatment.Accept : r.Treatment, r.Treatment));
        Assert.DoesNotContain(Full(), r => r.Treatment == RiskTreatment.Accept && r.ObservedRules.Count > 0);
    }

    [Fact]
    public void Build_ModelOwners_FromRegistryEntriesPresent()
    {
        Assert.Equal("Platform team", Full().Single(r => r.Id == "LAI-R09").Owner);
        Assert.Equal("Information Security", Full().Single(r => r.Id == "LAI-R03").Owner);
    }

    [Fact]
    public void Build_ReviewDate_NoLaterThanPolicyReview()
    {
        // Medium risks would be reviewed in 6 months (2027-05-03); the policy's own review (2027-04-01) comes first.
        RiskRow medium = Clean().First(r => r.InherentLevel == "medium");
        Assert.Equal(new DateOnly(2027, 4, 1), medium.ReviewDate);
    }

    [Fact]
    public void Build_ReviewedUseCases_AreExistingControlsForOutputRisk()
    {
        RiskRow output = Clean().Single(r => r.Id == "LAI-R07");
        Assert.Contains("code-assist", output.ExistingControls, StringComparison.Ordinal);
        Assert.Equal(3, output.Likelihood);
        var noReview = EvidenceFixture.Policy() with { UseCases = [] };
        Assert.Equal(4, RiskRegister.Build(EvidenceFixture.Inventory(), noReview, [], EvidenceFixture.Today).Single(r => r.Id == "LAI-R07").Likelihood);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")]
    [InlineData("plain", "plain")]
    public void CsvCell_QuotesAndDefusesFormulas(string value, string expected)
    {
        Assert.Equal(expected, RiskRegisterWriter.CsvCell(value));
    }

    [Fact]
    public void Csv_HostileModelName_IsQuotedNotAFormula()
    {
        string csv = RiskRegisterWriter.Csv(RiskRegister.Build(EvidenceFixture.Inventory(), EvidenceFixture.Policy(), [], EvidenceFixture.Today));
        Assert.StartsWith("id,title,description,assetScope,likelihood,", csv, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
        Assert.Equal(11, csv.Split("\r\n").Length - 1);
        // No cell begins with '=': every cell start is after a separator or at a line start.
        Assert.DoesNotContain(",=", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_IsCamelCaseAndParses()
    {
        string json = RiskRegisterWriter.Json(Full());
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var risks = doc.RootElement.GetProperty("risks");
        Assert.Equal(10, risks.GetArrayLength());
        Assert.Equal("LAI-R01", risks[0].GetProperty("id").GetString());
        Assert.Equal(5, risks[0].GetProperty("likelihood").GetInt32());
        Assert.Equal("reduce", risks[0].GetProperty("treatment").GetString());
        Assert.Equal("2027-02-03", risks[0].GetProperty("reviewDate").GetString());
    }

    [Fact]
    public void Csv_Golden() => Golden.AssertMatches("risk-register.csv", RiskRegisterWriter.Csv(Full()));

    [Fact]
    public void Json_Golden() => Golden.AssertMatches("risk-register.json", RiskRegisterWriter.Json(Full()));

    [Fact]
    public void Markdown_Golden() => Golden.AssertMatches("risk-register.md", RiskRegisterWriter.Markdown(Full()));
}
