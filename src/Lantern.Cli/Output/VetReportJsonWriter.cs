using System.Text.Encodings.Web;
using System.Text.Json;
using Lantern.Core.Findings;
using Lantern.Vetting.Engine;

namespace Lantern.Cli.Output;

/// <summary>
/// The <c>lantern vet --format json</c> report (docs/schema/vet.schema.json), written by hand with
/// <see cref="Utf8JsonWriter"/>. Archive members nest under <c>members</c>; they are written with an
/// explicit stack, not recursion.
/// </summary>
internal static class VetReportJsonWriter
{
    public static void Write(VetReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("schemaVersion", VetReport.CurrentSchemaVersion);
            w.WriteStartObject("tool");
            w.WriteString("name", "lantern");
            w.WriteString("version", report.ToolVersion);
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (VetResult result in report.Results)
            {
                WriteResultTree(w, result);
            }
            w.WriteEndArray();
            w.WriteStartObject("summary");
            w.WriteNumber("files", report.Files);
            w.WriteString("worst", report.Worst.ToReportId());
            w.WriteStartObject("verdicts");
            foreach (Verdict v in Enum.GetValues<Verdict>())
            {
                w.WriteNumber(v.ToReportId(), report.Counts.GetValueOrDefault(v));
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        writer.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        writer.WriteLine();
    }

    /// <summary>Writes a result and its members depth-first with an explicit stack (null entries close a members array).</summary>
    private static void WriteResultTree(Utf8JsonWriter w, VetResult root)
    {
        var pending = new Stack<VetResult?>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            VetResult? r = pending.Pop();
            if (r is null)
            {
                w.WriteEndArray();
                w.WriteEndObject();
                continue;
            }
            w.WriteStartObject();
            w.WriteString("path", r.Path);
            w.WriteString("format", r.Format);
            w.WriteString("verdict", r.Verdict.ToReportId());
            if (r.Profile is not null)
            {
                w.WriteString("profile", r.Profile);
            }
            if (r.Sha256 is not null)
            {
                w.WriteString("sha256", r.Sha256);
            }
            w.WriteStartArray("findings");
            foreach (VetFinding f in r.Findings)
            {
                WriteFinding(w, f);
            }
            w.WriteEndArray();
            w.WriteStartArray("members");
            pending.Push(null);
            for (int i = r.Members.Count - 1; i >= 0; i--)
            {
                pending.Push(r.Members[i]);
            }
        }
    }

    private static void WriteFinding(Utf8JsonWriter w, VetFinding f)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("severity", SeverityId(f.Severity));
        w.WriteString("verdict", f.Implies.ToReportId());
        w.WriteString("message", f.Message);
        w.WriteStartObject("evidence");
        foreach ((string key, string value) in f.Evidence)
        {
            w.WriteString(key, value);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static string SeverityId(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };
}
