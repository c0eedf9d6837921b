using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lantern.Governance.Evidence;

/// <summary>Renders risk register rows as CSV (RFC 4180), JSON or markdown. Deterministic for the same rows.</summary>
public static class RiskRegisterWriter
{
    private static readonly string[] Columns =
    [
        "id", "title", "description", "assetScope", "likelihood", "likelihoodRationale", "impact", "impactRationale",
        "inherentScore", "inherentLevel", "existingControls", "observations", "observedFindings", "observedRules",
        "treatment", "action", "owner", "controls", "reviewDate",
    ];

    /// <summary>Lowercase treatment name: <c>reduce</c>, <c>avoid</c>, <c>transfer</c>, <c>accept</c>.</summary>
    public static string TreatmentText(RiskTreatment treatment) => treatment switch
    {
        RiskTreatment.Reduce => "reduce",
        RiskTreatment.Avoid => "avoid",
        RiskTreatment.Transfer => "transfer",
        RiskTreatment.Accept => "accept",
        _ => throw new ArgumentOutOfRangeException(nameof(treatment)),
    };

    /// <summary>
    /// RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, quote, CR or LF, quotes doubled.
    /// Cells that begin with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR get a leading single quote: spreadsheets
    /// (Excel, LibreOffice, Google Sheets) evaluate such cells as formulas, and an asset scope or observation carries
    /// model names and paths from the scanned disk, which anyone can choose (<c>=HYPERLINK(...)</c> would exfiltrate
    /// data or run a DDE command when a reviewer opens the register). OWASP "CSV Injection" recommends exactly this.
    /// </summary>
    public static string Csv(IReadOnlyList<RiskRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder();
        csv.Append(string.Join(",", Columns)).Append("\r\n");
        foreach (RiskRow r in rows)
        {
            string[] cells =
            [
                r.Id, r.Title, r.Description, r.AssetScope, Int(r.Likelihood), r.LikelihoodRationale, Int(r.Impact), r.ImpactRationale,
                Int(r.InherentScore), r.InherentLevel, r.ExistingControls, r.Observations, Int(r.ObservedFindings),
                string.Join("; ", r.ObservedRules), TreatmentText(r.Treatment), r.Action, r.Owner, string.Join("; ", r.Controls),
                r.ReviewDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ];
            csv.Append(string.Join(",", cells.Select(CsvCell))).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>JSON: <c>{"kind":"LanternRiskRegister","version":"1","risks":[…]}</c>, camelCase, indented, properties in a fixed order.</summary>
    public static string Json(IReadOnlyList<RiskRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("kind", "LanternRiskRegister");
            json.WriteString("version", "1");
            json.WriteStartArray("risks");
            foreach (RiskRow r in rows)
            {
                json.WriteStartObject();
                json.WriteString("id", r.Id);
                json.WriteString("title", r.Title);
                json.WriteString("description", r.Description);
                json.WriteString("assetScope", r.AssetScope);
                json.WriteNumber("likelihood", r.Likelihood);
                json.WriteString("likelihoodRationale", r.LikelihoodRationale);
                json.WriteNumber("impact", r.Impact);
                json.WriteString("impactRationale", r.ImpactRationale);
                json.WriteNumber("inherentScore", r.InherentScore);
                json.WriteString("inherentLevel", r.InherentLevel);
                json.WriteString("existingControls", r.ExistingControls);
                json.WriteString("observations", r.Observations);
                json.WriteNumber("observedFindings", r.ObservedFindings);
                WriteStrings(json, "observedRules", r.ObservedRules);
                json.WriteString("treatment", TreatmentText(r.Treatment));
                json.WriteString("action", r.Action);
                json.WriteString("owner", r.Owner);
                WriteStrings(json, "controls", r.Controls);
                json.WriteString("reviewDate", r.ReviewDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>Markdown: an overview table, then one section per risk with every field.</summary>
    public static string Markdown(IReadOnlyList<RiskRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var md = new StringBuilder();
        md.Append("# Risk register: local AI inference\n\n");
        md.Append("Scored per docs/auditor-guide.md (\"Risk register\"): likelihood and impact 1–5, inherent score = likelihood × impact.\n\n");
        md.Append("| Id | Risk | L | I | Score | Level | Treatment | Owner | Review |\n| --- | --- | ---: | ---: | ---: | --- | --- | --- | --- |\n");
        foreach (RiskRow r in rows)
        {
            md.Append("| ").Append(ReportText.Md(r.Id)).Append(" | ").Append(ReportText.Md(r.Title)).Append(" | ")
              .Append(Int(r.Likelihood)).Append(" | ").Append(Int(r.Impact)).Append(" | ").Append(Int(r.InherentScore)).Append(" | ")
              .Append(r.InherentLevel).Append(" | ").Append(TreatmentText(r.Treatment)).Append(" | ").Append(ReportText.Md(r.Owner)).Append(" | ")
              .Append(ReportText.Date(r.ReviewDate)).Append(" |\n");
        }
        md.Append('\n');
        foreach (RiskRow r in rows)
        {
            md.Append("## ").Append(ReportText.Md(r.Id)).Append(": ").Append(ReportText.Md(r.Title)).Append("\n\n");
            md.Append("| Field | Value |\n| --- | --- |\n");
            Row(md, "Description (cause → event → consequence)", r.Description);
            Row(md, "Asset scope", r.AssetScope);
            Row(md, "Likelihood", $"{Int(r.Likelihood)} ({r.LikelihoodRationale})");
            Row(md, "Impact", $"{Int(r.Impact)} ({r.ImpactRationale})");
            Row(md, "Inherent level", $"{r.InherentLevel} ({Int(r.InherentScore)})");
            Row(md, "Existing controls", r.ExistingControls);
            Row(md, "Current observations", r.Observations);
            Row(md, "Treatment", TreatmentText(r.Treatment));
            Row(md, "Recommended action", r.Action);
            Row(md, "Owner", r.Owner);
            Row(md, "Controls", string.Join(", ", r.Controls));
            Row(md, "Review date", ReportText.Date(r.ReviewDate));
            md.Append('\n');
        }
        return md.ToString();
    }

    internal static string CsvCell(string value)
    {
        string cell = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }

    private static void Row(StringBuilder md, string label, string value) =>
        md.Append("| ").Append(label).Append(" | ").Append(ReportText.Md(value)).Append(" |\n");

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string v in values)
        {
            json.WriteStringValue(v);
        }
        json.WriteEndArray();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
