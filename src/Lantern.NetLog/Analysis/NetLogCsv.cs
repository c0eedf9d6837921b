using System.Globalization;
using System.Text;
using Lantern.NetLog.Hubs;

namespace Lantern.NetLog.Analysis;

/// <summary>
/// Acquisitions as RFC 4180 CSV (CRLF rows, quotes doubled). Cells are log-derived and may be crafted, so a
/// cell that a spreadsheet would read as a formula (starting with <c>= + - @</c>, tab or CR; OWASP CSV
/// injection) is prefixed with <c>'</c>.
/// </summary>
public static class NetLogCsv
{
    private static readonly string[] Columns =
    [
        "kind", "hub", "modelId", "file", "revision", "bytes", "firstSeen", "lastSeen", "clientIp", "user", "hostname",
        "host", "confidence", "reason", "blobs", "parts", "evidenceCount", "evidence",
    ];

    public static void WriteAcquisitions(NetLogReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(string.Join(',', Columns));
        output.Write("\r\n");
        var row = new List<string?>(Columns.Length);
        foreach (Acquisition a in report.Acquisitions)
        {
            row.Clear();
            row.Add(KindName(a.Kind));
            row.Add(HubName(a.Hub));
            row.Add(a.ModelId);
            row.Add(a.File);
            row.Add(a.Revision);
            row.Add(a.Bytes.ToString(CultureInfo.InvariantCulture));
            row.Add(a.FirstSeen?.ToString("O", CultureInfo.InvariantCulture));
            row.Add(a.LastSeen?.ToString("O", CultureInfo.InvariantCulture));
            row.Add(a.ClientIp);
            row.Add(a.User);
            row.Add(a.Hostname);
            row.Add(a.Host);
            row.Add(ConfidenceName(a.Confidence));
            row.Add(a.Reason);
            row.Add(string.Join(' ', a.Blobs));
            row.Add(a.Parts.ToString(CultureInfo.InvariantCulture));
            row.Add(a.EvidenceCount.ToString(CultureInfo.InvariantCulture));
            row.Add(string.Join(' ', a.Evidence));
            for (int i = 0; i < row.Count; i++)
            {
                if (i > 0)
                {
                    output.Write(',');
                }
                output.Write(Cell(row[i]));
            }
            output.Write("\r\n");
        }
    }

    /// <summary>One RFC 4180 cell with formula neutralisation.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        string text = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 2);
        builder.Append('"');
        builder.Append(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        builder.Append('"');
        return builder.ToString();
    }

    internal static string KindName(AcquisitionKind kind) => kind switch
    {
        AcquisitionKind.Model => "model",
        AcquisitionKind.Dataset => "dataset",
        AcquisitionKind.Space => "space",
        AcquisitionKind.RuntimeInstaller => "runtime-installer",
        _ => "hub-transfer",
    };

    internal static string HubName(Hub hub) => hub switch
    {
        Hub.HuggingFace => "huggingface",
        Hub.Ollama => "ollama",
        Hub.LmStudio => "lmstudio",
        Hub.ModelScope => "modelscope",
        Hub.Civitai => "civitai",
        Hub.Kaggle => "kaggle",
        _ => "github-release",
    };

    internal static string ConfidenceName(Confidence confidence) => confidence switch
    {
        Confidence.High => "high",
        Confidence.Medium => "medium",
        _ => "low",
    };
}
