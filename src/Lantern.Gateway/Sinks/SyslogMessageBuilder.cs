using System.Globalization;
using System.Text;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Sinks;

/// <summary>
/// Builds RFC 5424 messages (gateway.md §6): <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG</c> with
/// <c>[meta sequenceId]</c> for gap detection and a private <c>[lantern@32473 …]</c> element naming the record, and
/// frames them for TCP/TLS by octet counting (RFC 6587 §3.4.1, RFC 5425 §4.3).
/// </summary>
internal sealed class SyslogMessageBuilder
{
    /// <summary>
    /// Private SD-ID <c>name@PEN</c> (RFC 5424 §7.2.2). 32473 is the IANA Private Enterprise Number reserved for
    /// documentation (RFC 5612); a company with its own PEN may substitute it (docs/siem-sinks.md).
    /// </summary>
    public const int DocumentationPen = 32473;

    /// <summary>RFC 5424 §6.2.6 / §6.2.7: PROCID ≤ 128, MSGID ≤ 32.</summary>
    private const int MaxProcIdLength = 128;

    /// <summary>SD values are lookup keys (ids, model names, digests), not payload; longer ones are cut (the MSG has them whole).</summary>
    private const int MaxParamValueChars = 512;

    /// <summary>RFC 5424 §7.3.1: sequenceId runs 1 … 2147483647 and then wraps to 1.</summary>
    public const long MaxSequenceId = int.MaxValue;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly int _facility;
    private readonly string _hostname;
    private readonly string _appName;
    private readonly string _procId;
    private readonly SiemFormat _format;
    private readonly string _sdId;

    public SyslogMessageBuilder(int facility, string hostname, string appName, SiemFormat format, int? procId = null, int pen = DocumentationPen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(facility);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(facility, 23);
        _facility = facility;
        _hostname = HeaderField(hostname, SiemSinkSpec.MaxHostnameLength);
        _appName = HeaderField(appName, SiemSinkSpec.MaxAppNameLength);
        _procId = HeaderField((procId ?? Environment.ProcessId).ToString(CultureInfo.InvariantCulture), MaxProcIdLength);
        _format = format;
        _sdId = "lantern@" + pen.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>PRI = facility × 8 + severity (RFC 5424 §6.2.1).</summary>
    public int Priority(SiemEvent e) => checked((_facility * 8) + SiemEventFormatter.SyslogSeverity(e));

    /// <summary>
    /// One RFC 5424 message. When <paramref name="maxBytes"/> is exceeded (UDP), the MSG is cut on a UTF-8 character
    /// boundary and the <c>lantern</c> element gets <c>truncated="&lt;original MSG bytes&gt;"</c>.
    /// </summary>
    public byte[] Build(SiemEvent e, long sequenceId, int maxBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequenceId, MaxSequenceId);
        byte[] msg = MessageBody(e);
        string header = Header(e);
        List<(string Name, string Value)> parameters = LanternParameters(e);
        byte[] full = Assemble(header, StructuredData(sequenceId, parameters), msg, msg.Length);
        if (full.Length <= maxBytes)
        {
            return full;
        }
        parameters.Add(("truncated", msg.Length.ToString(CultureInfo.InvariantCulture)));
        byte[] sd = StructuredData(sequenceId, parameters);
        int prefix = checked(Encoding.UTF8.GetByteCount(header) + sd.Length + 1);
        if (prefix > maxBytes)
        {
            // Only the keys a SIEM needs to find the record elsewhere.
            List<(string, string)> minimal = [.. parameters.Where(p => p.Name is "id" or "seq" or "truncated")];
            sd = StructuredData(sequenceId, minimal);
            prefix = checked(Encoding.UTF8.GetByteCount(header) + sd.Length + 1);
        }
        int room = Math.Max(0, maxBytes - prefix);
        int keep = Utf8Boundary(msg, Math.Min(room, msg.Length));
        return Assemble(header, sd, msg, keep);
    }

    /// <summary>RFC 6587 §3.4.1 octet counting: <c>MSG-LEN SP SYSLOG-MSG</c>, MSG-LEN the decimal byte count.</summary>
    public static byte[] Frame(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] prefix = Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ");
        byte[] framed = new byte[checked(prefix.Length + message.Length)];
        prefix.CopyTo(framed, 0);
        message.CopyTo(framed, prefix.Length);
        return framed;
    }

    private byte[] MessageBody(SiemEvent e)
    {
        if (_format == SiemFormat.Cef)
        {
            // MSG-ANY (RFC 5424 §6.4): CEF receivers expect "CEF:" first, so no BOM here.
            return Encoding.UTF8.GetBytes(SiemEventFormatter.ToCef(e, _hostname));
        }
        // MSG-UTF8: "MUST start with the Unicode byte order mask (BOM)" (RFC 5424 §6.4).
        byte[] json = SiemEventFormatter.ToUtf8(SiemEventFormatter.ToOcsf(e));
        byte[] body = new byte[checked(Bom.Length + json.Length)];
        Bom.CopyTo(body, 0);
        json.CopyTo(body, Bom.Length);
        return body;
    }

    private string Header(SiemEvent e)
    {
        // TIMESTAMP: RFC 3339 in UTC with TIME-SECFRAC of at most 6 digits (RFC 5424 §6.2.3).
        string timestamp = e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"<{Priority(e)}>1 {timestamp} {_hostname} {_appName} {_procId} {SiemEventFormatter.MessageId(e)} ");
    }

    private static List<(string Name, string Value)> LanternParameters(SiemEvent e)
    {
        var p = new List<(string Name, string Value)>();
        switch (e.Kind)
        {
            case SiemEventKind.Record:
                AuditRecord r = e.Record!;
                p.Add(("id", r.Id));
                p.Add(("seq", r.Seq.ToString(CultureInfo.InvariantCulture)));
                p.Add(("hash", e.RecordHash!));
                p.Add(("endState", AuditRecord.EndStateName(r.EndState)));
                p.Add(("status", r.HttpStatus.ToString(CultureInfo.InvariantCulture)));
                p.Add(("method", r.Route.Method));
                p.Add(("path", r.Route.Path));
                Add(p, "model", r.ModelName);
                Add(p, "digest", r.ModelDigest);
                Add(p, "useCase", r.UseCase);
                Add(p, "dataClass", r.DataClass);
                Add(p, "user", r.Caller.User);
                Add(p, "client", r.Caller.Client);
                break;
            case SiemEventKind.Checkpoint:
                AuditCheckpoint c = e.Checkpoint!;
                p.Add(("origin", c.Origin));
                p.Add(("treeSize", c.TreeSize.ToString(CultureInfo.InvariantCulture)));
                p.Add(("rootHash", Convert.ToBase64String(c.RootHash)));
                break;
            default:
                SiemDropNotice d = e.Drop!;
                p.Add(("sink", d.Sink));
                p.Add(("count", d.Count.ToString(CultureInfo.InvariantCulture)));
                Add(p, "firstSeq", d.FirstSeq?.ToString(CultureInfo.InvariantCulture));
                Add(p, "lastSeq", d.LastSeq?.ToString(CultureInfo.InvariantCulture));
                break;
        }
        return p;
    }

    private byte[] StructuredData(long sequenceId, List<(string Name, string Value)> parameters)
    {
        var sb = new StringBuilder(256);
        sb.Append("[meta sequenceId=\"").Append(sequenceId.ToString(CultureInfo.InvariantCulture)).Append("\"][").Append(_sdId);
        foreach ((string name, string value) in parameters)
        {
            sb.Append(' ').Append(name).Append("=\"");
            AppendParamValue(sb, value);
            sb.Append('"');
        }
        sb.Append(']');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>
    /// PARAM-VALUE (RFC 5424 §6.3.3): <c>"</c>, <c>\</c> and <c>]</c> MUST be escaped with a backslash. Control characters
    /// are legal but break line-oriented receivers, so they become spaces; lone surrogates become U+FFFD.
    /// </summary>
    internal static void AppendParamValue(StringBuilder sb, string value)
    {
        int length = Math.Min(value.Length, MaxParamValueChars);
        if (length < value.Length && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }
        for (int i = 0; i < length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"' or '\\' or ']':
                    sb.Append('\\').Append(c);
                    break;
                case < ' ' or '\u007f':
                    sb.Append(' ');
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[++i]);
                    }
                    else
                    {
                        sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    }
                    break;
            }
        }
    }

    private static byte[] Assemble(string header, byte[] sd, byte[] msg, int msgBytes)
    {
        byte[] head = Encoding.UTF8.GetBytes(header);
        byte[] result = new byte[checked(head.Length + sd.Length + 1 + msgBytes)];
        head.CopyTo(result, 0);
        sd.CopyTo(result, head.Length);
        result[head.Length + sd.Length] = (byte)' ';
        Array.Copy(msg, 0, result, head.Length + sd.Length + 1, msgBytes);
        return result;
    }

    /// <summary>Largest cut ≤ <paramref name="limit"/> that does not split a UTF-8 sequence (nor the BOM).</summary>
    private static int Utf8Boundary(byte[] bytes, int limit)
    {
        int cut = limit;
        while (cut > 0 && cut < bytes.Length && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }
        return cut;
    }

    /// <summary>HOSTNAME, APP-NAME and PROCID are PRINTUSASCII (%d33-126) with a length limit, or NILVALUE.</summary>
    internal static string HeaderField(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "-";
        }
        var sb = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (char c in value)
        {
            if (sb.Length == maxLength)
            {
                break;
            }
            sb.Append(c is >= '!' and <= '~' ? c : '_');
        }
        return sb.ToString();
    }

    private static void Add(List<(string Name, string Value)> p, string name, string? value)
    {
        if (value is not null)
        {
            p.Add((name, value));
        }
    }
}
