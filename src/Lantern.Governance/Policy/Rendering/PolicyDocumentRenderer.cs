using System.Net;
using System.Text;

namespace Lantern.Governance.Policy.Rendering;

/// <summary>
/// Renders the human "Local AI Use Policy" document (<c>lantern policy render</c>) from a loaded policy.
/// Every policy string is escaped for the target format, so a hostile value (<c>&lt;script&gt;</c>, <c>|</c>,
/// line breaks) is shown as text and cannot add markup, break a table or load anything. Output depends
/// only on the policy and <c>today</c>, with <c>\n</c> line endings.
/// </summary>
public static class PolicyDocumentRenderer
{
    /// <summary>GitHub-flavoured Markdown (tables).</summary>
    public static string RenderMarkdown(LocalAiPolicy policy, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var md = new StringBuilder();
        foreach (DocumentBlock block in PolicyDocumentBuilder.Build(policy, today))
        {
            switch (block)
            {
                case HeadingBlock heading:
                    md.Append('#', heading.Level).Append(' ').Append(Markdown(heading.Text, blockStart: false)).Append("\n\n");
                    break;
                case ParagraphBlock paragraph:
                    md.Append(Markdown(paragraph.Text)).Append("\n\n");
                    break;
                case ListBlock list:
                    for (int i = 0; i < list.Items.Count; i++)
                    {
                        md.Append(list.Ordered ? $"{i + 1}. " : "- ").Append(Markdown(list.Items[i])).Append('\n');
                    }
                    md.Append('\n');
                    break;
                case TableBlock table:
                    AppendMarkdownRow(md, table.Header);
                    md.Append('|');
                    foreach (string unused in table.Header)
                    {
                        md.Append(" --- |");
                    }
                    md.Append('\n');
                    foreach (IReadOnlyList<string> row in table.Rows)
                    {
                        AppendMarkdownRow(md, row);
                    }
                    md.Append('\n');
                    break;
            }
        }
        // One trailing newline, not two.
        md.Length--;
        return md.ToString();
    }

    /// <summary>A standalone HTML page: inline CSS, no script, no external resources.</summary>
    public static string RenderHtml(LocalAiPolicy policy, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            // Belt and braces: even if escaping were ever wrong, the page may not run script or fetch anything.
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"Lantern\">\n")
            .Append("<title>").Append(Html(policy.Metadata.Name)).Append(" — Local AI Use Policy</title>\n")
            .Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");
        foreach (DocumentBlock block in PolicyDocumentBuilder.Build(policy, today))
        {
            switch (block)
            {
                case HeadingBlock heading:
                    html.Append("<h").Append(heading.Level).Append('>').Append(Html(heading.Text)).Append("</h").Append(heading.Level).Append(">\n");
                    break;
                case ParagraphBlock paragraph:
                    html.Append("<p>").Append(Html(paragraph.Text)).Append("</p>\n");
                    break;
                case ListBlock list:
                    string tag = list.Ordered ? "ol" : "ul";
                    html.Append('<').Append(tag).Append(">\n");
                    foreach (string item in list.Items)
                    {
                        html.Append("<li>").Append(Html(item)).Append("</li>\n");
                    }
                    html.Append("</").Append(tag).Append(">\n");
                    break;
                case TableBlock table:
                    html.Append("<table>\n<thead><tr>");
                    foreach (string header in table.Header)
                    {
                        html.Append("<th>").Append(Html(header)).Append("</th>");
                    }
                    html.Append("</tr></thead>\n<tbody>\n");
                    foreach (IReadOnlyList<string> row in table.Rows)
                    {
                        html.Append("<tr>");
                        foreach (string cell in row)
                        {
                            html.Append("<td>").Append(Html(cell)).Append("</td>");
                        }
                        html.Append("</tr>\n");
                    }
                    html.Append("</tbody>\n</table>\n");
                    break;
            }
        }
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #fff; margin: 0; }
        main { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
        h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
        th, td { border: 1px solid #d0d7de; padding: 0.35rem 0.55rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; white-space: pre-line; }
        th { background: #f6f8fa; }
        @media print { main { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }

        """;

    private static void AppendMarkdownRow(StringBuilder md, IReadOnlyList<string> cells)
    {
        md.Append('|');
        foreach (string cell in cells)
        {
            md.Append(' ').Append(cell.Length == 0 ? " " : Markdown(cell)).Append(" |");
        }
        md.Append('\n');
    }

    /// <summary>
    /// Plain text to inline Markdown: line breaks become spaces (a newline would end a table row or
    /// paragraph), and every character CommonMark or a GFM table gives meaning to is backslash-escaped
    /// (CommonMark 0.31 §2.4: any ASCII punctuation may be escaped). A leading '#', '-', '+', '=' or
    /// "1." would start a heading, list or setext underline, so those are escaped at the start.
    /// </summary>
    internal static string Markdown(string text, bool blockStart = true)
    {
        // Trim first, so that what is escaped as "the start" really is the start of the rendered text.
        text = text.Trim();
        var md = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n' or '\t':
                    md.Append(' ');
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '~' or '&' or '!' or '{' or '}' or '$':
                    md.Append('\\').Append(c);
                    break;
                case '#' or '-' or '+' or '=' when md.Length == 0:
                    md.Append('\\').Append(c);
                    break;
                default:
                    // Other controls cannot come from a loaded policy (the loader refuses them); drop any that would.
                    if (!char.IsControl(c))
                    {
                        md.Append(c);
                    }
                    break;
            }
        }
        // Digits then '.' or ')' and a space at the start of a block would make an ordered list item
        // (CommonMark §5.2); a heading's text is inline, so "## 1. Purpose" needs nothing.
        int digits = 0;
        while (digits < md.Length && char.IsAsciiDigit(md[digits]))
        {
            digits++;
        }
        if (blockStart && digits > 0 && digits < md.Length && md[digits] is '.' or ')' && (digits + 1 == md.Length || md[digits + 1] == ' '))
        {
            md.Insert(digits, '\\');
        }
        return md.ToString();
    }

    /// <summary>HTML-encodes text (&lt; &gt; &amp; &quot; &#39;) and keeps its line breaks (CSS <c>pre-line</c>).</summary>
    internal static string Html(string text) => WebUtility.HtmlEncode(text.ReplaceLineEndings("\n"));
}
