using System.Text.RegularExpressions;
using Lantern.Governance.Policy;
using Lantern.Governance.Policy.Rendering;

namespace Lantern.Governance.Tests.Policy.Rendering;

public class PolicyDocumentRendererTests
{
    private static readonly DateOnly Today = new(2026, 11, 1);

    private static RegisteredModel Model(string name, ModelStatus status, string? reviewBy = null) => new()
    {
        Name = name,
        Runtime = "ollama",
        Digests = ["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
        Status = status,
        Owner = "Platform Engineering",
        ReviewBy = reviewBy is null ? null : DateOnly.Parse(reviewBy, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A realistic policy touching every section, including every status and an overdue review.</summary>
    internal static LocalAiPolicy AcmePolicy() => new()
    {
        Metadata = new PolicyMetadata
        {
            Name = "Acme Local AI Use Policy",
            Owner = "Information Security (ciso@acme.example)",
            Version = "1.3",
            ApprovedBy = "Jane Doe, CISO",
            ApprovedOn = new DateOnly(2026, 10, 1),
            ReviewBy = new DateOnly(2027, 4, 1),
        },
        Classifications = ["Public", "Internal", "Confidential", "Restricted"],
        UseCases =
        [
            new UseCase { Id = "code-assist", Description = "Code completion and explanation in the IDE", MaxClassification = "Internal", OutputHandling = OutputHandling.HumanReview },
            new UseCase { Id = "drafting", Description = "Drafting internal documents.\nNot for contracts.", MaxClassification = "Internal", OutputHandling = OutputHandling.Label },
            new UseCase { Id = "customer-analysis", Description = "Summarising customer tickets", MaxClassification = "Confidential", OutputHandling = OutputHandling.Approval },
            new UseCase { Id = "brainstorm", Description = "Ideas from public information", MaxClassification = "Public" },
        ],
        Models =
        [
            Model("llama3.3:70b", ModelStatus.Approved, "2027-03-31") with
            {
                Version = "3.3", Source = "registry.ollama.ai/library/llama3.3", License = "llama3.3",
                UseCases = ["code-assist", "drafting"], MaxClassification = "Internal", Validation = "QA-2026-114",
            },
            Model("mistralai/Mistral-7B-Instruct-v0.3", ModelStatus.Approved, "2026-10-15") with
            {
                Runtime = "huggingface", Version = "v0.3", License = "Apache-2.0", UseCases = ["customer-analysis"],
                MaxClassification = "Confidential", Owner = "Data Science",
            },
            Model("qwen2.5-coder:7b", ModelStatus.Approved) with { Runtime = null, Owner = null, License = "Apache-2.0" },
            Model("llama3.2:1b", ModelStatus.Deprecated) with { SupersededBy = "llama3.3:70b" },
            Model("phi3:mini", ModelStatus.Proposed),
            Model("llama2:7b", ModelStatus.Retired) with { Owner = null },
        ],
        Sources = new SourceRules { Allow = ["registry.ollama.ai/library/*", "huggingface.co/mistralai/*"], Deny = ["huggingface.co/**/uncensored*"] },
        Licenses = new LicenseRules { Allow = ["Apache-2.0", "MIT", "llama3.3"], Review = ["gemma", "acme-internal"], Deny = ["CC-BY-NC-4.0"], Unlisted = LicenseDecision.Deny },
        Runtimes = new RuntimeRules
        {
            FailOnAdvisory = "medium",
            AllowUnlisted = false,
            Allowed = [new RuntimeRequirement { Id = "ollama", MinVersion = "0.12.0" }, new RuntimeRequirement { Id = "huggingface" }],
        },
        Exposure = new ExposureRules { AllowNonLoopback = false },
        Groups = [new UserGroup { Id = "contractors", Members = ["ext-bob", "ext-alice"], Models = ["llama3.3:70b"], UseCases = ["code-assist"], MaxClassification = "Internal" }],
    };

    private static LocalAiPolicy MinimalPolicy() => new()
    {
        Metadata = new PolicyMetadata { Name = "Small Co policy", Owner = "IT", Version = "0.1" },
        Classifications = ["Public"],
    };

    [Fact]
    public void RenderMarkdown_AcmePolicy_MatchesGolden() =>
        Golden.AssertMatches("acme-policy.md", PolicyDocumentRenderer.RenderMarkdown(AcmePolicy(), Today));

    [Fact]
    public void RenderHtml_AcmePolicy_MatchesGolden() =>
        Golden.AssertMatches("acme-policy.html", PolicyDocumentRenderer.RenderHtml(AcmePolicy(), Today));

    [Fact]
    public void RenderMarkdown_MinimalPolicy_MatchesGolden() =>
        Golden.AssertMatches("minimal-policy.md", PolicyDocumentRenderer.RenderMarkdown(MinimalPolicy(), Today));

    [Fact]
    public void RenderHtml_MinimalPolicy_MatchesGolden() =>
        Golden.AssertMatches("minimal-policy.html", PolicyDocumentRenderer.RenderHtml(MinimalPolicy(), Today));

    [Fact]
    public void Render_SameInput_SameOutput()
    {
        Assert.Equal(PolicyDocumentRenderer.RenderMarkdown(AcmePolicy(), Today), PolicyDocumentRenderer.RenderMarkdown(AcmePolicy(), Today));
        Assert.Equal(PolicyDocumentRenderer.RenderHtml(AcmePolicy(), Today), PolicyDocumentRenderer.RenderHtml(AcmePolicy(), Today));
    }

    [Fact]
    public void RenderMarkdown_ApprovedModelsTable_ListsApprovedOnly()
    {
        string md = PolicyDocumentRenderer.RenderMarkdown(AcmePolicy(), Today);

        string approvedSection = Section(md, "## 4. Approved models", "## 5.");
        Assert.Contains("llama3.3:70b", approvedSection);
        Assert.DoesNotContain("phi3:mini", approvedSection);
        Assert.DoesNotContain("llama2:7b", approvedSection);
        string others = Section(md, "## 5.", "## 6.");
        Assert.Contains("| llama3.2:1b | ollama | deprecated: replace | llama3.3:70b |", others);
        Assert.Contains("| phi3:mini | ollama | proposed: awaiting approval |", others);
        Assert.Contains("| llama2:7b | ollama | retired: remove |", others);
    }

    [Fact]
    public void RenderMarkdown_ReviewSchedule_MarksOverdueAndOrdersByDate()
    {
        string schedule = Section(PolicyDocumentRenderer.RenderMarkdown(AcmePolicy(), Today), "## 11.", null);

        int mistral = schedule.IndexOf("Mistral", StringComparison.Ordinal);
        int llama = schedule.IndexOf("llama3.3:70b", StringComparison.Ordinal);
        int qwen = schedule.IndexOf("qwen2.5-coder:7b", StringComparison.Ordinal);
        Assert.True(mistral < llama && llama < qwen, schedule);
        Assert.Contains("| 2026-10-15 | overdue |", schedule);
        Assert.Contains("| not set | no date set |", schedule);
    }

    [Fact]
    public void RenderMarkdown_OutputHandling_IsExplainedInWords()
    {
        string md = PolicyDocumentRenderer.RenderMarkdown(AcmePolicy(), Today);

        Assert.Contains("A competent person reviews outputs before they are used.", md);
        Assert.Contains("Outputs are labelled as AI-assisted.", md);
        Assert.Contains("A named approver releases outputs before they are used.", md);
        Assert.Contains("No specific requirement.", md);
    }

    private static LocalAiPolicy HostilePolicy() => AcmePolicy() with
    {
        Metadata = AcmePolicy().Metadata with { Name = "Evil </title><script>alert(1)</script>", Owner = "a | b\n| injected | row |" },
        UseCases =
        [
            new UseCase
            {
                Id = "x|y",
                Description = "line one\n\n# Heading\n<img src=x onerror=alert(1)>\n[link](javascript:alert(1)) **bold** `code` <!-- c -->",
                MaxClassification = "Internal",
            },
        ],
        Models = [Model("</td></tr><tr><td>fake", ModelStatus.Approved) with { Owner = "\"'><svg onload=alert(1)>", License = "- item" }],
    };

    [Fact]
    public void RenderHtml_HostileStrings_AreInertText()
    {
        string html = PolicyDocumentRenderer.RenderHtml(HostilePolicy(), Today);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("</td></tr><tr><td>fake", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<!-- c -->", html, StringComparison.Ordinal);
        Assert.Contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        // Only the renderer's own tags appear: every '<' starts one of them.
        string[] ownTags = ["!DOCTYPE", "html", "/html", "head", "/head", "meta", "title", "/title", "style", "/style", "body", "/body", "main", "/main",
            "h1", "/h1", "h2", "/h2", "p", "/p", "ul", "/ul", "ol", "/ol", "li", "/li", "table", "/table", "thead", "/thead", "tbody", "/tbody", "tr", "/tr", "th", "/th", "td", "/td"];
        foreach (Match tag in Regex.Matches(html, "<([!/]?[A-Za-z0-9]+)"))
        {
            Assert.Contains(tag.Groups[1].Value, ownTags);
        }
    }

    [Fact]
    public void RenderHtml_IsStandaloneWithoutScriptOrExternalResources()
    {
        string html = PolicyDocumentRenderer.RenderHtml(AcmePolicy(), Today);

        Assert.StartsWith("<!DOCTYPE html>\n", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\r', html);
    }

    [Fact]
    public void RenderMarkdown_HostileStrings_CannotBreakTablesOrAddMarkup()
    {
        string md = PolicyDocumentRenderer.RenderMarkdown(HostilePolicy(), Today);

        // Every table row keeps its column count: count unescaped pipes per row.
        foreach (string[] table in Tables(md))
        {
            int columns = UnescapedPipes(table[0]);
            Assert.All(table, row => Assert.Equal(columns, UnescapedPipes(row)));
        }
        Assert.DoesNotContain("\n# Heading", md, StringComparison.Ordinal);
        // '<' only ever appears escaped, so no raw HTML reaches a Markdown renderer.
        Assert.Empty(Regex.Matches(md, @"(?<!\\)<"));
        Assert.Contains("\\<img", md, StringComparison.Ordinal);
        Assert.Empty(Regex.Matches(md, @"(?<!\\)\]\("));
        Assert.Contains("\\[link\\](javascript", md, StringComparison.Ordinal);
        Assert.DoesNotContain("**bold**", md, StringComparison.Ordinal);
        Assert.DoesNotContain("| injected |", md, StringComparison.Ordinal);
        Assert.Contains("| Owner | a \\| b \\| injected \\| row \\| |", md, StringComparison.Ordinal);
        Assert.Contains("| \\- item |", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("# title", "\\# title")]
    [InlineData("1. first", "1\\. first")]
    [InlineData("1.3", "1.3")]
    [InlineData("2)", "2\\)")]
    [InlineData("a|b", "a\\|b")]
    [InlineData("  - x  ", "\\- x")]
    [InlineData("a\r\nb", "a b")]
    [InlineData("llama3.2:1b", "llama3.2:1b")]
    [InlineData("x_y*z", "x\\_y\\*z")]
    public void Markdown_EscapesWhatWouldBecomeMarkup(string text, string expected) =>
        Assert.Equal(expected, PolicyDocumentRenderer.Markdown(text));

    private static string Section(string md, string start, string? end)
    {
        int from = md.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, start);
        int to = end is null ? md.Length : md.IndexOf(end, from, StringComparison.Ordinal);
        return md[from..to];
    }

    private static IEnumerable<string[]> Tables(string md) =>
        md.Split("\n\n").Select(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Where(lines => lines.Length > 0 && lines[0].StartsWith('|'));

    private static int UnescapedPipes(string row) => Regex.Count(row, @"(?<!\\)\|");
}
