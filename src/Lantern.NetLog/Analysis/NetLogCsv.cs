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
        WriteHeader(output);
        foreach (Acquisition a in report.Acquisitions)
        {
            WriteAcquisition(a, output);
        }
    }

    /// <summary>The header row; then <see cref="WriteAcquisition"/> per acquisition (streaming, as the analyzer closes them).</summary>
    public static void WriteHeader(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(string.Join(',', Columns));
        output.Write("\r\n");
    }

    public static void WriteAcquisition(Acquisition a, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(output);
        string?[] row =
        [
            KindName(a.Kind), HubName(a.Hub), a.ModelId, a.File, a.Revision, a.Bytes.ToString(CultureInfo.InvariantCulture),
            a.FirstSeen?.ToString("O", CultureInfo.InvariantCulture), a.LastSeen?.ToString("O", CultureInfo.InvariantCulture),
            a.ClientIp, a.User, a.Hostname, a.Host, ConfidenceName(a.Confidence), a.Reason, string.Join(' ', a.Blobs),
            a.Parts.ToString(CultureInfo.InvariantCulture), a.EvidenceCount.ToString(CultureInfo.InvariantCulture), string.Join(' ', a.Evidence),
        ];
        for (int i = 0; i < row.Length; i++)
        {
            if (i > 0)
            {
                output.Write(',');
            }
            output.Write(Cell(row[i]));
        }
        output.Write("\r\n");
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
