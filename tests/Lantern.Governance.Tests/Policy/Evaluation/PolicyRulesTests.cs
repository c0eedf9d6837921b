using System.Reflection;
using Lantern.Governance.Controls;
using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Evaluation;

namespace Lantern.Governance.Tests.Policy.Evaluation;

public class PolicyRulesTests
{
    private static List<string> RuleIdConstants() =>
        typeof(PolicyRuleIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(PolicyRuleIds.Prefix))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

    [Fact]
    public void All_EveryRuleIdHasExactlyOneDescriptor()
    {
        List<string> ids = RuleIdConstants();
        Assert.Equal(18, ids.Count);
        foreach (string id in ids)
        {
            Assert.Single(PolicyRules.All, r => r.Id == id);
        }
        Assert.Equal(ids.Order(StringComparer.Ordinal), PolicyRules.All.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void All_DescriptorsAreComplete()
    {
        var catalogued = ControlCatalogue.All.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (RuleDescriptor rule in PolicyRules.All)
        {
            Assert.StartsWith(PolicyRuleIds.Prefix, rule.Id, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(rule.Title));
            Assert.False(string.IsNullOrWhiteSpace(rule.Remediation));
            Assert.NotEmpty(rule.Controls);
            Assert.All(rule.Controls, c => Assert.Contains(c, catalogued));
        }
    }

    [Fact]
    public void Get_UnknownId_Throws() => Assert.Throws<ArgumentException>(() => PolicyRules.Get("LNT-POL-999"));

    [Fact]
    public void RulesDoc_ControlsColumn_MatchesRuleTable()
    {
        string[] rows = File.ReadAllLines(Path.Combine(Lantern.Testing.TestPaths.RepoRoot, "docs", "rules.md"))
            .Where(l => l.StartsWith("| `LNT-POL-", StringComparison.Ordinal)).ToArray();

        Assert.Equal(PolicyRules.All.Count, rows.Length);
        foreach (string row in rows)
        {
            string id = row[3..14];
            string documented = row.TrimEnd().TrimEnd('|').Split(" | ")[^1].Trim();
            Assert.Equal(string.Join(", ", PolicyRules.Get(id).Controls), documented);
        }
    }
}
