using System.Text;
using System.Text.RegularExpressions;
using Lantern.Governance.Controls;
using Lantern.Governance.Evidence;
using Lantern.Testing;

namespace Lantern.Governance.Tests.Controls;

/// <summary>
/// docs/controls.md carries the catalogue tables between generated-section markers; this test regenerates them with
/// LANTERN_UPDATE_GOLDEN=1 and otherwise fails when the doc and the catalogue disagree.
/// </summary>
public class ControlsDocTests
{
    private const string Begin = "<!-- BEGIN GENERATED: ControlsDocTests -->";
    private const string End = "<!-- END GENERATED: ControlsDocTests -->";

    private static string DocPath(string name) => Path.Combine(TestPaths.RepoRoot, "docs", name);

    [Fact]
    public void ControlsDoc_GeneratedSection_MatchesCatalogue()
    {
        string path = DocPath("controls.md");
        string doc = File.ReadAllText(path).ReplaceLineEndings("\n");
        int b = doc.IndexOf(Begin, StringComparison.Ordinal);
        int e = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(b >= 0 && e > b, "docs/controls.md lacks the generated-section markers");
        string expected = doc[..(b + Begin.Length)] + "\n" + Render() + doc[e..];
        if (Environment.GetEnvironmentVariable("LANTERN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.Equal(expected, doc);
    }

    [Theory]
    [InlineData("controls.md")]
    [InlineData("auditor-guide.md")]
    public void Docs_EveryControlIdMentioned_IsInTheCatalogue(string name)
    {
        string doc = File.ReadAllText(DocPath(name));
        var ids = Regex.Matches(doc, @"\b(ISO27001|ISO9001|ISO42001|NIST-AI-RMF|EU-AI-ACT):[A-Za-z0-9.()\-]*[A-Za-z0-9)]")
            .Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(ControlCatalogue.Contains(id), $"docs/{name} cites {id}, which is not in ControlCatalogue"));
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Render()
    {
        var md = new StringBuilder();
        IReadOnlyList<ControlCoverage> coverage = CheckCatalogue.CoverageByControl();
        md.Append("\n## Controls and the checks that evidence them\n\n");
        foreach (string framework in ControlFramework.All)
        {
            md.Append("### ").Append(ControlFramework.DisplayName(framework)).Append("\n\n");
            bool eu = framework == ControlFramework.EuAiAct;
            md.Append(eu ? "| Id | Title | Applies from (as published) | Checks |\n| --- | --- | --- | --- |\n" : "| Id | Title | Checks |\n| --- | --- | --- |\n");
            foreach (ControlCoverage row in coverage.Where(c => c.Control.Framework == framework))
            {
                string checks = row.Checks.Count == 0 ? "none (not evidenced by Lantern)" : string.Join(", ", row.Checks.Select(c => "`" + c.Id + "`"));
                md.Append("| `").Append(row.Control.Id).Append("` | ").Append(Cell(row.Control.Title)).Append(" | ");
                if (eu)
                {
                    RegulatoryDate d = row.Control.Applies!;
                    md.Append(d.AppliesFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                    if (d.LaterAppliesFrom is DateOnly later)
                    {
                        md.Append("; ").Append(later.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    md.Append(d.Uncertainty is null ? "" : " (Omnibus: uncertain)").Append(" | ");
                }
                md.Append(checks).Append(" |\n");
            }
            md.Append('\n');
        }
        md.Append("## Checks\n\n| Check | Title | Produces | Command | Controls |\n| --- | --- | --- | --- | --- |\n");
        foreach (CheckDescriptor c in CheckCatalogue.All)
        {
            md.Append("| `").Append(c.Id).Append("` | ").Append(Cell(c.Title)).Append(" | ").Append(Cell(c.Produces)).Append(" | `")
              .Append(Cell(c.Command)).Append("` | ").Append(string.Join(", ", c.Controls)).Append(" |\n");
        }
        md.Append("\n## Risk register: rules that raise each risk\n\n| Risk | Rules |\n| --- | --- |\n");
        foreach ((string risk, IReadOnlyList<string> rules) in RiskRegister.MatchingRules.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            md.Append("| ").Append(risk).Append(" | ").Append(rules.Count == 0 ? "none (scored from the policy only)" : string.Join(", ", rules)).Append(" |\n");
        }
        md.Append('\n');
        return md.ToString();
    }
}
