using System.Text;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Controls;

namespace Lantern.Governance.Evidence;

/// <summary>
/// Renders an <see cref="EvidenceReport"/> as markdown or as a standalone HTML page (inline CSS, no script, every
/// string HTML-encoded). Output is deterministic: "\n" line ends, invariant formatting, UTC times, catalogue order.
/// </summary>
public static class EvidenceReportWriter
{
    /// <summary>Status as reports and JSON show it: <c>evidenced-ok</c>, <c>nonconformities</c>, <c>not-assessed</c>.</summary>
    public static string StatusText(ControlStatus status) => status switch
    {
        ControlStatus.EvidencedOk => "evidenced-ok",
        ControlStatus.Nonconformities => "nonconformities",
        ControlStatus.NotAssessed => "not-assessed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Lowercase severity name, as in the JSON report.</summary>
    public static string SeverityText(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };

    public static string Markdown(EvidenceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        EvidenceHeader h = report.Header;
        var md = new StringBuilder();
        md.Append("# Lantern evidence report: ").Append(ReportText.Md(h.Host)).Append("\n\n");
        if (!h.InventoryComplete)
        {
            md.Append("> **INCOMPLETE SCAN.** ").Append(IncompleteText(h)).Append("\n\n");
        }
        if (h.Policy is null)
        {
            md.Append("> **No policy given.** Policy checks (LNT-POL-*) were not assessed; controls that only they evidence are marked not-assessed.\n\n");
        }

        md.Append("| Item | Value |\n| --- | --- |\n");
        foreach ((string label, string value) in HeaderRows(h))
        {
            md.Append("| ").Append(label).Append(" | ").Append(ReportText.Md(value)).Append(" |\n");
        }
        md.Append('\n');

        md.Append("## Summary\n\n");
        md.Append("| Runtimes | Model files | Approved | Unapproved | Unhashed | Inference servers | Exposed servers | Findings |\n");
        md.Append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        InventoryCounts c = h.Counts;
        md.Append("| ").Append(string.Join(" | ", CountCells(c))).Append(" |\n\n");
        md.Append(StatusSummary(report)).Append("\n\n");

        md.Append("## Checks\n\n| Check | Title | Ran | Command | Note |\n| --- | --- | --- | --- | --- |\n");
        foreach (CheckRun run in report.Checks)
        {
            md.Append("| `").Append(run.Check.Id).Append("` | ").Append(ReportText.Md(run.Check.Title)).Append(" | ")
              .Append(run.Ran ? "yes" : "no").Append(" | ").Append(ReportText.Md(run.Check.Command)).Append(" | ")
              .Append(ReportText.Md(run.NotRunReason ?? "")).Append(" |\n");
        }
        md.Append('\n');

        md.Append("## Controls\n\n");
        foreach (string framework in ControlFramework.All)
        {
            List<ControlEvidence> rows = [.. report.Controls.Where(e => e.Control.Framework == framework)];
            if (rows.Count == 0)
            {
                continue;
            }
            md.Append("### ").Append(ReportText.Md(ControlFramework.DisplayName(framework))).Append("\n\n");
            md.Append("| Control | Title | Status | Critical | High | Medium | Low | Info | Checks |\n");
            md.Append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
            foreach (ControlEvidence e in rows)
            {
                md.Append("| ").Append(ReportText.Md(e.Control.Id)).Append(" | ").Append(ReportText.Md(e.Control.Title)).Append(" | ")
                  .Append(StatusText(e.Status)).Append(" | ")
                  .Append(string.Join(" | ", SeverityCells(e.Counts))).Append(" | ")
                  .Append(ReportText.Md(CheckList(e))).Append(" |\n");
            }
            md.Append('\n');
        }

        List<ControlEvidence> withFindings = [.. report.Controls.Where(e => e.Findings.Count > 0)];
        if (withFindings.Count > 0)
        {
            md.Append("## Findings by control\n\n");
            foreach (ControlEvidence e in withFindings)
            {
                md.Append("### ").Append(ReportText.Md(e.Control.Id)).Append(": ").Append(ReportText.Md(e.Control.Title)).Append("\n\n");
                AppendFindingsMarkdown(md, e.Findings);
            }
        }
        if (report.UnmappedFindings.Count > 0)
        {
            md.Append("## Findings not mapped to a catalogued control\n\n");
            AppendFindingsMarkdown(md, report.UnmappedFindings);
        }
        if (h.Problems.Count > 0)
        {
            md.Append("## Scan problems\n\n| Code | Subject | Message |\n| --- | --- | --- |\n");
            foreach (ScanProblem p in h.Problems.Take(EvidenceReport.MaxFindingsPerControl))
            {
                md.Append("| ").Append(ReportText.Md(p.Code)).Append(" | ").Append(ReportText.Md(p.Subject)).Append(" | ").Append(ReportText.Md(p.Message)).Append(" |\n");
            }
            AppendMore(md, h.Problems.Count, "problems");
            md.Append('\n');
        }
        return md.ToString();
    }

    public static string Html(EvidenceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        EvidenceHeader h = report.Header;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Lantern evidence report: ").Append(ReportText.Html(h.Host)).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>Lantern evidence report: ").Append(ReportText.Html(h.Host)).Append("</h1>\n");
        if (!h.InventoryComplete)
        {
            html.Append("<p class=\"alert\"><strong>INCOMPLETE SCAN.</strong> ").Append(ReportText.Html(IncompleteText(h))).Append("</p>\n");
        }
        if (h.Policy is null)
        {
            html.Append("<p class=\"note\"><strong>No policy given.</strong> Policy checks (LNT-POL-*) were not assessed; controls that only they evidence are marked not-assessed.</p>\n");
        }

        html.Append("<table class=\"header\">\n");
        foreach ((string label, string value) in HeaderRows(h))
        {
            html.Append("<tr><th>").Append(ReportText.Html(label)).Append("</th><td>").Append(ReportText.Html(value)).Append("</td></tr>\n");
        }
        html.Append("</table>\n");

        html.Append("<h2>Summary</h2>\n<table>\n<tr><th>Runtimes</th><th>Model files</th><th>Approved</th><th>Unapproved</th><th>Unhashed</th><th>Inference servers</th><th>Exposed servers</th><th>Findings</th></tr>\n<tr>");
        foreach (string cell in CountCells(h.Counts))
        {
            html.Append("<td class=\"num\">").Append(ReportText.Html(cell)).Append("</td>");
        }
        html.Append("</tr>\n</table>\n<p>").Append(ReportText.Html(StatusSummary(report))).Append("</p>\n");

        html.Append("<h2>Checks</h2>\n<table>\n<tr><th>Check</th><th>Title</th><th>Ran</th><th>Command</th><th>Note</th></tr>\n");
        foreach (CheckRun run in report.Checks)
        {
            html.Append("<tr><td><code>").Append(ReportText.Html(run.Check.Id)).Append("</code></td><td>").Append(ReportText.Html(run.Check.Title))
                .Append("</td><td>").Append(run.Ran ? "yes" : "no").Append("</td><td><code>").Append(ReportText.Html(run.Check.Command))
                .Append("</code></td><td>").Append(ReportText.Html(run.NotRunReason ?? "")).Append("</td></tr>\n");
        }
        html.Append("</table>\n");

        html.Append("<h2>Controls</h2>\n");
        foreach (string framework in ControlFramework.All)
        {
            List<ControlEvidence> rows = [.. report.Controls.Where(e => e.Control.Framework == framework)];
            if (rows.Count == 0)
            {
                continue;
            }
            html.Append("<h3>").Append(ReportText.Html(ControlFramework.DisplayName(framework))).Append("</h3>\n<table>\n")
                .Append("<tr><th>Control</th><th>Title</th><th>Status</th><th>Critical</th><th>High</th><th>Medium</th><th>Low</th><th>Info</th><th>Checks</th></tr>\n");
            foreach (ControlEvidence e in rows)
            {
                string status = StatusText(e.Status);
                html.Append("<tr><td>").Append(ReportText.Html(e.Control.Id)).Append("</td><td>").Append(ReportText.Html(e.Control.Title))
                    .Append("</td><td class=\"").Append(status).Append("\">").Append(status).Append("</td>");
                foreach (string cell in SeverityCells(e.Counts))
                {
                    html.Append("<td class=\"num\">").Append(cell).Append("</td>");
                }
                html.Append("<td>").Append(ReportText.Html(CheckList(e))).Append("</td></tr>\n");
            }
            html.Append("</table>\n");
        }

        List<ControlEvidence> withFindings = [.. report.Controls.Where(e => e.Findings.Count > 0)];
        if (withFindings.Count > 0)
        {
            html.Append("<h2>Findings by control</h2>\n");
            foreach (ControlEvidence e in withFindings)
            {
                html.Append("<h3>").Append(ReportText.Html(e.Control.Id)).Append(": ").Append(ReportText.Html(e.Control.Title)).Append("</h3>\n");
                AppendFindingsHtml(html, e.Findings);
            }
        }
        if (report.UnmappedFindings.Count > 0)
        {
            html.Append("<h2>Findings not mapped to a catalogued control</h2>\n");
            AppendFindingsHtml(html, report.UnmappedFindings);
        }
        if (h.Problems.Count > 0)
        {
            html.Append("<h2>Scan problems</h2>\n<table>\n<tr><th>Code</th><th>Subject</th><th>Message</th></tr>\n");
            foreach (ScanProblem p in h.Problems.Take(EvidenceReport.MaxFindingsPerControl))
            {
                html.Append("<tr><td>").Append(ReportText.Html(p.Code)).Append("</td><td>").Append(ReportText.Html(p.Subject))
                    .Append("</td><td>").Append(ReportText.Html(p.Message)).Append("</td></tr>\n");
            }
            html.Append("</table>\n");
            if (h.Problems.Count > EvidenceReport.MaxFindingsPerControl)
            {
                html.Append("<p>").Append(ReportText.Html(MoreText(h.Problems.Count, "problems"))).Append("</p>\n");
            }
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private const string Css =
        "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;margin:2rem;color:#1a1a1a;max-width:80rem}\n" +
        "table{border-collapse:collapse;margin:0.5rem 0 1.5rem}\n" +
        "th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}\n" +
        "th{background:#f2f2f2}\n" +
        "td.num{text-align:right}\n" +
        "code{font-family:ui-monospace,monospace}\n" +
        ".alert{border:2px solid #b00020;background:#fde7ea;padding:0.75rem;font-size:1.1rem}\n" +
        ".note{border:1px solid #8a6d00;background:#fff8e1;padding:0.5rem}\n" +
        "td.evidenced-ok{color:#1b5e20}\n" +
        "td.nonconformities{color:#b00020;font-weight:bold}\n" +
        "td.not-assessed{color:#666}\n";

    private static string IncompleteText(EvidenceHeader h)
    {
        string codes = string.Join(", ", h.Problems.Select(p => p.Code).Distinct(StringComparer.Ordinal));
        return h.Problems.Count == 0
            ? "The scan reports itself incomplete: some roots were not swept. Absence of a finding is not evidence of absence."
            : $"{ReportText.Int(h.Problems.Count)} scan problem(s) ({codes}): parts of the endpoint could not be read or judged. Absence of a finding is not evidence of absence; see Scan problems.";
    }

    private static IEnumerable<(string Label, string Value)> HeaderRows(EvidenceHeader h)
    {
        yield return ("Host", h.Host);
        yield return ("User", h.User);
        if (h.Os is not null)
        {
            yield return ("OS", h.Os);
        }
        yield return ("Scanned at", ReportText.Date(h.ScannedAt));
        yield return ("Report generated", ReportText.Date(h.GeneratedAt));
        yield return ("Lantern version", h.LanternVersion);
        yield return ("Inventory", h.InventoryComplete ? "complete" : $"INCOMPLETE ({ReportText.Int(h.Problems.Count)} problem(s))");
        if (h.Policy is PolicySummary p)
        {
            yield return ("Policy", $"{p.Name}, version {p.Version}");
            yield return ("Policy owner", p.Owner);
            yield return ("Approved by", p.ApprovedBy is null ? "—" : $"{p.ApprovedBy} on {ReportText.Date(p.ApprovedOn)}");
            yield return ("Review by", ReportText.Date(p.ReviewBy) + (p.ReviewOverdue ? " (OVERDUE)" : ""));
        }
        else
        {
            yield return ("Policy", "none given");
        }
    }

    private static IEnumerable<string> CountCells(InventoryCounts c) =>
    [
        ReportText.Int(c.Runtimes), ReportText.Int(c.ModelFiles),
        c.Approved is int a ? ReportText.Int(a) : "n/a", c.Unapproved is int u ? ReportText.Int(u) : "n/a",
        ReportText.Int(c.Unhashed), ReportText.Int(c.Servers), ReportText.Int(c.ExposedServers), ReportText.Int(c.Findings),
    ];

    private static IEnumerable<string> SeverityCells(SeverityCounts c) =>
        [ReportText.Int(c.Critical), ReportText.Int(c.High), ReportText.Int(c.Medium), ReportText.Int(c.Low), ReportText.Int(c.Info)];

    private static string StatusSummary(EvidenceReport report)
    {
        int ok = report.Controls.Count(e => e.Status == ControlStatus.EvidencedOk);
        int nc = report.Controls.Count(e => e.Status == ControlStatus.Nonconformities);
        int na = report.Controls.Count(e => e.Status == ControlStatus.NotAssessed);
        return $"Controls: {ReportText.Int(ok)} evidenced-ok, {ReportText.Int(nc)} with nonconformities, {ReportText.Int(na)} not assessed.";
    }

    /// <summary>The control's checks, ran ones first as written, not-run ones marked.</summary>
    private static string CheckList(ControlEvidence e) =>
        string.Join(", ", e.Checks.Select(c => c.Ran ? c.Check.Id : c.Check.Id + " (not run)"));

    private static void AppendFindingsMarkdown(StringBuilder md, IReadOnlyList<FindingSummary> findings)
    {
        md.Append("| Rule | Severity | Message | Evidence | SHA-256 |\n| --- | --- | --- | --- | --- |\n");
        foreach (FindingSummary f in findings.Take(EvidenceReport.MaxFindingsPerControl))
        {
            md.Append("| ").Append(ReportText.Md(f.RuleId)).Append(" | ").Append(SeverityText(f.Severity)).Append(" | ")
              .Append(ReportText.Md(f.Message)).Append(" | ").Append(ReportText.Md(f.EvidencePath)).Append(" | ")
              .Append(ReportText.Md(f.Sha256 ?? "")).Append(" |\n");
        }
        AppendMore(md, findings.Count, "findings");
        md.Append('\n');
    }

    private static void AppendFindingsHtml(StringBuilder html, IReadOnlyList<FindingSummary> findings)
    {
        html.Append("<table>\n<tr><th>Rule</th><th>Severity</th><th>Message</th><th>Evidence</th><th>SHA-256</th></tr>\n");
        foreach (FindingSummary f in findings.Take(EvidenceReport.MaxFindingsPerControl))
        {
            html.Append("<tr><td><code>").Append(ReportText.Html(f.RuleId)).Append("</code></td><td>").Append(SeverityText(f.Severity))
                .Append("</td><td>").Append(ReportText.Html(f.Message)).Append("</td><td><code>").Append(ReportText.Html(f.EvidencePath))
                .Append("</code></td><td><code>").Append(ReportText.Html(f.Sha256 ?? "")).Append("</code></td></tr>\n");
        }
        html.Append("</table>\n");
        if (findings.Count > EvidenceReport.MaxFindingsPerControl)
        {
            html.Append("<p>").Append(ReportText.Html(MoreText(findings.Count, "findings"))).Append("</p>\n");
        }
    }

    private static void AppendMore(StringBuilder md, int count, string what)
    {
        if (count > EvidenceReport.MaxFindingsPerControl)
        {
            md.Append('\n').Append(MoreText(count, what)).Append('\n');
        }
    }

    private static string MoreText(int count, string what) =>
        $"… and {ReportText.Int(count - EvidenceReport.MaxFindingsPerControl)} more {what} (the JSON report has all {ReportText.Int(count)}).";
}
