using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lantern.Core.Findings;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Cli.Output;

/// <summary>
/// The vet report as SARIF 2.1.0 (OASIS sarif-v2.1.0-os), hand-written with <see cref="Utf8JsonWriter"/>
/// for GitHub code scanning and other SARIF consumers: one result per finding, located at the file
/// (relative to <c>%SRCROOT%</c>, the working directory) with a byte region where the finding has an
/// offset in the file itself, and the archive member as a logical location.
/// </summary>
internal static class SarifWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string SrcRoot = "%SRCROOT%";
    public const string FingerprintKey = "lanternFindingHash/v1";

    private sealed record Flat(VetResult File, VetFinding Finding, string? Member);

    public static void Write(VetReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        List<Flat> flat = FlattenAll(report.Results);
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new List<(string Id, VetFinding Example)>();
        foreach (Flat f in flat)
        {
            if (ruleIndex.TryAdd(f.Finding.RuleId, rules.Count))
            {
                rules.Add((f.Finding.RuleId, f.Finding));
            }
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", SchemaUri);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            WriteTool(w, report, rules);
            w.WriteStartObject("originalUriBaseIds");
            w.WriteStartObject(SrcRoot);
            w.WriteString("uri", DirectoryUri(report.BaseDirectory));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("invocations");
            w.WriteStartObject();
            w.WriteBoolean("executionSuccessful", true);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("results");
            foreach (Flat f in flat)
            {
                WriteResult(w, report, f, ruleIndex[f.Finding.RuleId]);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        writer.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        writer.WriteLine();
    }

    private static void WriteTool(Utf8JsonWriter w, VetReport report, List<(string Id, VetFinding Example)> rules)
    {
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "lantern");
        w.WriteString("version", report.ToolVersion);
        w.WriteString("semanticVersion", SemanticVersion(report.ToolVersion));
        w.WriteString("informationUri", VetReport.InformationUri);
        w.WriteStartArray("rules");
        foreach ((string id, VetFinding example) in rules)
        {
            VetRuleDescriptor? d = VetRuleCatalog.Find(id);
            Verdict verdict = d?.Verdict ?? example.Implies;
            Severity severity = d?.Severity ?? example.Severity;
            string title = d?.Title ?? id;
            string description = d?.Description ?? example.Message;
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("name", PascalName(title));
            w.WriteStartObject("shortDescription");
            w.WriteString("text", title);
            w.WriteEndObject();
            w.WriteStartObject("fullDescription");
            w.WriteString("text", description);
            w.WriteEndObject();
            w.WriteStartObject("help");
            w.WriteString("text", $"{title}. {description} Verdict: {verdict.ToReportId()}. See docs/vetting/ for the rule's evidence and remediation.");
            w.WriteString("markdown", $"**{title}** ({id}, verdict `{verdict.ToReportId()}`)\n\n{description}");
            w.WriteEndObject();
            w.WriteString("helpUri", VetReport.InformationUri);
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", Level(verdict));
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteStartArray("tags");
            w.WriteStringValue("security");
            w.WriteStringValue(verdict.ToReportId());
            foreach (string tag in d?.Tags ?? [])
            {
                w.WriteStringValue(tag);
            }
            w.WriteEndArray();
            w.WriteString("security-severity", SecuritySeverity(severity));
            w.WriteString("precision", verdict == Verdict.Suspicious ? "medium" : "high");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, VetReport report, Flat f, int index)
    {
        (string uri, bool relative) = ArtifactUri(report.BaseDirectory, f.File.Path);
        w.WriteStartObject();
        w.WriteString("ruleId", f.Finding.RuleId);
        w.WriteNumber("ruleIndex", index);
        w.WriteString("level", Level(f.Finding.Implies));
        w.WriteStartObject("message");
        w.WriteString("text", f.Member is null ? f.Finding.Message : $"{f.Finding.Message} (member {f.Member})");
        w.WriteEndObject();
        w.WriteStartArray("locations");
        w.WriteStartObject();
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", uri);
        if (relative)
        {
            w.WriteString("uriBaseId", SrcRoot);
        }
        w.WriteEndObject();
        // An offset inside an archive member does not locate anything in the file itself.
        if (f.Member is null && f.Finding.Evidence.TryGetValue("offset", out string? offsetText)
            && long.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
        {
            w.WriteStartObject("region");
            w.WriteNumber("byteOffset", offset);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (f.Member is not null)
        {
            w.WriteStartArray("logicalLocations");
            w.WriteStartObject();
            w.WriteString("name", f.Member);
            w.WriteString("fullyQualifiedName", f.File.Path + "!" + f.Member);
            w.WriteString("kind", "resource");
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, Fingerprint(uri, f));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("verdict", f.Finding.Implies.ToReportId());
        w.WriteString("fileVerdict", f.File.Verdict.ToReportId());
        w.WriteString("format", f.File.Format);
        w.WriteString("severity", VetReportJsonWriter.SeverityId(f.Finding.Severity));
        if (f.Member is not null)
        {
            w.WriteString("member", f.Member);
        }
        w.WriteStartObject("evidence");
        foreach ((string key, string value) in f.Finding.Evidence)
        {
            w.WriteString(key, value);
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Every finding of every result, members included (explicit stack), with the member path relative to its file.</summary>
    private static List<Flat> FlattenAll(IReadOnlyList<VetResult> results)
    {
        var flat = new List<Flat>();
        foreach (VetResult file in results)
        {
            var pending = new Stack<VetResult>();
            pending.Push(file);
            while (pending.Count > 0)
            {
                VetResult r = pending.Pop();
                string? member = ReferenceEquals(r, file) ? null : MemberPath(file.Path, r.Path);
                foreach (VetFinding finding in r.Findings)
                {
                    flat.Add(new Flat(file, finding, member));
                }
                for (int i = r.Members.Count - 1; i >= 0; i--)
                {
                    pending.Push(r.Members[i]);
                }
            }
        }
        return flat;
    }

    private static string MemberPath(string filePath, string memberPath) =>
        memberPath.StartsWith(filePath + "!", StringComparison.Ordinal) ? memberPath[(filePath.Length + 1)..] : memberPath;

    internal static string Level(Verdict verdict) => verdict switch
    {
        Verdict.Malicious or Verdict.Malformed => "error",
        Verdict.Suspicious => "warning",
        Verdict.Incomplete => "note",
        _ => "none",
    };

    /// <summary>GitHub code scanning reads <c>security-severity</c> as a CVSS-like score: ≥9 critical, ≥7 high, ≥4 medium, else low.</summary>
    internal static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "1.0",
    };

    internal static (string Uri, bool Relative) ArtifactUri(string baseDirectory, string path)
    {
        string full = Path.GetFullPath(path);
        string relativePath = Path.GetRelativePath(Path.GetFullPath(baseDirectory), full);
        if (Path.IsPathRooted(relativePath) || relativePath == ".." || relativePath.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return (new Uri(full).AbsoluteUri, false);
        }
        string[] segments = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return (string.Join('/', segments.Select(Uri.EscapeDataString)), true);
    }

    private static string DirectoryUri(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (!full.EndsWith(Path.DirectorySeparatorChar))
        {
            full += Path.DirectorySeparatorChar;
        }
        return new Uri(full).AbsoluteUri;
    }

    private static string Fingerprint(string uri, Flat f)
    {
        var text = new StringBuilder();
        text.Append(f.Finding.RuleId).Append('|').Append(uri).Append('|').Append(f.Member);
        foreach (string key in (ReadOnlySpan<string>)["offset", "key", "detail", "code", "module", "name"])
        {
            text.Append('|').Append(f.Finding.Evidence.GetValueOrDefault(key));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    private static string SemanticVersion(string version)
    {
        string core = version.Split('-', '+')[0];
        return System.Version.TryParse(core, out Version? v) ? string.Create(CultureInfo.InvariantCulture, $"{v.Major}.{v.Minor}.{Math.Max(0, v.Build)}") : "0.0.0";
    }

    private static string PascalName(string title)
    {
        var name = new StringBuilder();
        bool upper = true;
        foreach (char c in title)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }
        return name.ToString();
    }
}
