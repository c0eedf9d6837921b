using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lantern.Gateway.Sinks;

/// <summary>Transport of a SIEM sink (docs/siem-sinks.md).</summary>
public enum SiemSinkKind
{
    /// <summary><c>syslog+udp://</c>: RFC 5426, one message per datagram.</summary>
    SyslogUdp,

    /// <summary><c>syslog+tcp://</c>: RFC 6587 octet counting.</summary>
    SyslogTcp,

    /// <summary><c>syslog+tls://</c>: RFC 5425 (TLS, octet counting).</summary>
    SyslogTls,

    /// <summary><c>splunk-hec://</c> (https) or <c>splunk-hec+http://</c>: Splunk HTTP Event Collector.</summary>
    SplunkHec,

    /// <summary><c>otlp+http://</c> / <c>otlp+https://</c>: OTLP/HTTP JSON logs.</summary>
    OtlpHttp,

    /// <summary><c>ocsf+http://</c> / <c>ocsf+https://</c>: OCSF events POSTed to a collector.</summary>
    OcsfHttp,

    /// <summary><c>file:///path</c>: appended lines.</summary>
    File,
}

/// <summary>What a sink writes for each event.</summary>
public enum SiemFormat
{
    /// <summary>RFC 5424 syslog with structured data and the OCSF JSON event as a UTF-8 MSG.</summary>
    Rfc5424,

    /// <summary>ArcSight CEF:0 (as the MSG of an RFC 5424 message on syslog sinks; bare lines in files).</summary>
    Cef,

    /// <summary>OCSF API Activity (6003) JSON.</summary>
    Ocsf,

    /// <summary>The audit log's own canonical JSON line (hashes still check).</summary>
    Jsonl,

    /// <summary>Splunk HEC event envelopes.</summary>
    SplunkHec,

    /// <summary>OTLP logs JSON with the OpenTelemetry GenAI attribute names.</summary>
    OtlpJson,
}

/// <summary>A <c>--sink</c> URI was malformed or unsafe; the message says which part and why.</summary>
public sealed class SiemSinkSpecException : FormatException
{
    public SiemSinkSpecException()
    {
    }

    public SiemSinkSpecException(string message)
        : base(message)
    {
    }

    public SiemSinkSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A parsed <c>--sink</c> URI (docs/siem-sinks.md). Carries no secret: HTTP tokens are named by
/// <see cref="TokenEnvironmentVariable"/> or <see cref="TokenFile"/> and read when the forwarder starts.
/// </summary>
public sealed record SiemSinkSpec
{
    /// <summary>Bound on a sink URI: long enough for any path and parameters, short enough to reject garbage early.</summary>
    public const int MaxUriLength = 4096;

    /// <summary>RFC 5424 §6.2.1: facility 13 is "log audit", the facility meant for audit trails.</summary>
    public const int DefaultFacility = 13;

    /// <summary>RFC 5426 §3.2: every receiver SHOULD accept 2048-octet messages; larger ones may be dropped.</summary>
    public const int DefaultMaxDatagramBytes = 2048;

    /// <summary>RFC 5426 §3.2: receivers MUST accept 480 octets; an IPv4 UDP payload is at most 65 507 octets.</summary>
    public const int MinDatagramBytes = 480;

    public const int MaxDatagramBytes = 65507;

    /// <summary>RFC 5424 §6.2.5: APP-NAME is 1–48 printable US-ASCII characters.</summary>
    public const int MaxAppNameLength = 48;

    /// <summary>RFC 5424 §6.2.4: HOSTNAME is 1–255 printable US-ASCII characters.</summary>
    public const int MaxHostnameLength = 255;

    public required SiemSinkKind Kind { get; init; }
    public required SiemFormat Format { get; init; }

    /// <summary>Host to connect to (network sinks); null for files.</summary>
    public string? Host { get; init; }
    public int Port { get; init; }

    /// <summary>Full endpoint of HTTP sinks (<c>https://host:8088/services/collector/event</c>); null otherwise.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Path of a file sink.</summary>
    public string? FilePath { get; init; }

    /// <summary>Syslog facility 0–23 (default 13, log audit).</summary>
    public int Facility { get; init; } = DefaultFacility;

    /// <summary>RFC 5424 APP-NAME.</summary>
    public string AppName { get; init; } = "lantern";

    /// <summary>HOSTNAME / HEC host / OTLP host.name; null means the machine name.</summary>
    public string? Hostname { get; init; }

    /// <summary>IANA Private Enterprise Number of the RFC 5424 SD-ID <c>lantern@PEN</c> (default: 32473, reserved for documentation by RFC 5612).</summary>
    public int Pen { get; init; } = 32473;

    /// <summary>UDP only: a message longer than this is truncated (its MSG cut and marked).</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxDatagramBytes;

    /// <summary>PEM file of the CA(s) that must have issued the server certificate; null means the system store.</summary>
    public string? CaFile { get; init; }

    /// <summary>Skip server certificate validation (testing only; documented as unsafe).</summary>
    public bool Insecure { get; init; }

    /// <summary>TLS server name to expect when it differs from <see cref="Host"/> (e.g. connecting by IP).</summary>
    public string? ServerName { get; init; }

    /// <summary>PEM client certificate and its key, for mutual TLS.</summary>
    public string? ClientCertificateFile { get; init; }

    public string? ClientKeyFile { get; init; }

    /// <summary>Environment variable holding the HTTP token (Splunk HEC token, or a bearer token for OTLP/OCSF).</summary>
    public string? TokenEnvironmentVariable { get; init; }

    /// <summary>File holding the HTTP token.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Splunk index (omitted: the token's default index).</summary>
    public string? Index { get; init; }

    /// <summary>Splunk source.</summary>
    public string Source { get; init; } = "lantern-gateway";

    /// <summary>Splunk sourcetype.</summary>
    public string SourceType { get; init; } = "lantern:inference";

    /// <summary>OCSF over HTTP: POST a JSON array (true, default) or newline-delimited JSON (false).</summary>
    public bool JsonArray { get; init; } = true;

    /// <summary>Short display form without parameters (no secret can be in it): <c>syslog+tls://siem:6514</c>.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Stable identifier of the sink (kind, destination, format), used to name its spill file.</summary>
    public string Id
    {
        get
        {
            string identity = string.Join('\n', Kind, Format, Host ?? "", Port.ToString(CultureInfo.InvariantCulture),
                Endpoint?.AbsoluteUri ?? "", FilePath ?? "");
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
            return $"{KindSlug(Kind)}-{hash}";
        }
    }

    public override string ToString() => DisplayName;

    private static readonly string[] CommonParameters = ["format"];
    private static readonly string[] SyslogParameters = ["format", "facility", "app_name", "hostname", "pen"];
    private static readonly string[] TlsParameters = ["ca", "insecure", "servername", "cert", "key"];
    private static readonly string[] HttpParameters = ["token_env", "token_file", "ca", "insecure", "servername", "cert", "key", "hostname"];
    private static readonly string[] HecParameters = ["index", "source", "sourcetype"];

    /// <summary>Parses a <c>--sink</c> URI.</summary>
    /// <exception cref="SiemSinkSpecException">The URI is malformed, names an unknown scheme or parameter, or carries a secret.</exception>
    public static SiemSinkSpec Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        string text = uri.Trim();
        if (text.Length == 0)
        {
            throw new SiemSinkSpecException("sink URI is empty");
        }
        if (text.Length > MaxUriLength)
        {
            throw new SiemSinkSpecException($"sink URI is longer than {MaxUriLength} characters");
        }
        int colon = text.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new SiemSinkSpecException($"sink '{Shorten(text)}' is not a URI: expected scheme://… (see docs/siem-sinks.md)");
        }
        string scheme = text[..colon].ToLowerInvariant();
        (SiemSinkKind kind, bool tls) = scheme switch
        {
            "syslog+udp" or "syslog" => (SiemSinkKind.SyslogUdp, false),
            "syslog+tcp" => (SiemSinkKind.SyslogTcp, false),
            "syslog+tls" => (SiemSinkKind.SyslogTls, true),
            "splunk-hec" or "splunk-hec+https" => (SiemSinkKind.SplunkHec, true),
            "splunk-hec+http" => (SiemSinkKind.SplunkHec, false),
            "otlp+http" => (SiemSinkKind.OtlpHttp, false),
            "otlp+https" => (SiemSinkKind.OtlpHttp, true),
            "ocsf+http" => (SiemSinkKind.OcsfHttp, false),
            "ocsf+https" => (SiemSinkKind.OcsfHttp, true),
            "file" => (SiemSinkKind.File, false),
            _ => throw new SiemSinkSpecException(
                $"unknown sink scheme '{Shorten(scheme)}': use syslog+udp, syslog+tcp, syslog+tls, splunk-hec, splunk-hec+http, otlp+http, otlp+https, ocsf+http, ocsf+https or file"),
        };
        // Uri understands neither '+' schemes' defaults nor our parameters; parse it as http(s) with the same authority.
        string rest = text[(colon + 3)..];
        if (!Uri.TryCreate((tls ? "https://" : "http://") + (kind == SiemSinkKind.File ? "localhost" : "") + rest, UriKind.Absolute, out Uri? parsed))
        {
            throw new SiemSinkSpecException($"sink '{Shorten(text)}' is not a valid URI");
        }
        if (parsed.UserInfo.Length > 0)
        {
            throw new SiemSinkSpecException(
                $"sink '{scheme}://…' has user information before '@': credentials in a URI leak into process listings, shell history and logs; use token_env=VARIABLE or token_file=PATH");
        }
        if (parsed.Fragment.Length > 0)
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' has a '#' fragment, which means nothing for a sink");
        }
        Dictionary<string, string> parameters = ParseQuery(parsed.Query, scheme);
        if (parameters.ContainsKey("token") || parameters.ContainsKey("password") || parameters.ContainsKey("secret"))
        {
            throw new SiemSinkSpecException(
                $"sink '{scheme}://…' carries a literal token: a token in the URI leaks into process listings, shell history, service files and logs. Put it in an environment variable and pass token_env=NAME (e.g. token_env=SPLUNK_HEC_TOKEN), or in a file readable only by the gateway and pass token_file=PATH");
        }

        return kind switch
        {
            SiemSinkKind.SyslogUdp or SiemSinkKind.SyslogTcp or SiemSinkKind.SyslogTls => ParseSyslog(kind, scheme, rest, parsed, parameters),
            SiemSinkKind.File => ParseFile(scheme, rest, parsed, parameters),
            _ => ParseHttp(kind, scheme, rest, tls, parsed, parameters),
        };
    }

    private static SiemSinkSpec ParseSyslog(SiemSinkKind kind, string scheme, string rest, Uri parsed, Dictionary<string, string> parameters)
    {
        string[] allowed = kind == SiemSinkKind.SyslogTls ? [.. SyslogParameters, .. TlsParameters]
            : kind == SiemSinkKind.SyslogUdp ? [.. SyslogParameters, "max_size"]
            : SyslogParameters;
        CheckAllowed(parameters, allowed, scheme);
        if (parsed.AbsolutePath is not ("/" or ""))
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' has a path '{Shorten(parsed.AbsolutePath)}'; syslog sinks are host:port only");
        }
        int defaultPort = kind switch
        {
            SiemSinkKind.SyslogUdp => 514, // RFC 5426 §3.3
            SiemSinkKind.SyslogTcp => 601, // RFC 6587 §3 (IANA syslog-conn)
            _ => 6514, // RFC 5425 §4.1
        };
        SiemFormat format = Get(parameters, "format") switch
        {
            null or "rfc5424" => SiemFormat.Rfc5424,
            "cef" => SiemFormat.Cef,
            string other => throw new SiemSinkSpecException($"sink '{scheme}://…': format '{Shorten(other)}' is not rfc5424 or cef"),
        };
        int maxSize = DefaultMaxDatagramBytes;
        if (Get(parameters, "max_size") is string sizeText)
        {
            if (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out maxSize) || maxSize < MinDatagramBytes || maxSize > MaxDatagramBytes)
            {
                throw new SiemSinkSpecException($"sink '{scheme}://…': max_size must be {MinDatagramBytes}–{MaxDatagramBytes} bytes (RFC 5426 §3.2)");
            }
        }
        SiemSinkSpec spec = Common(kind, format, scheme, rest, parsed, parameters, defaultPort, tls: kind == SiemSinkKind.SyslogTls) with
        {
            Facility = ParseFacility(Get(parameters, "facility"), scheme),
            AppName = CheckPrintUsAscii(Get(parameters, "app_name"), "app_name", MaxAppNameLength, scheme) ?? "lantern",
            MaxMessageBytes = maxSize,
            Pen = ParsePen(Get(parameters, "pen"), scheme),
        };
        return spec;
    }

    private static SiemSinkSpec ParseHttp(SiemSinkKind kind, string scheme, string rest, bool tls, Uri parsed, Dictionary<string, string> parameters)
    {
        string[] allowed = kind switch
        {
            SiemSinkKind.SplunkHec => [.. HttpParameters, .. HecParameters],
            SiemSinkKind.OcsfHttp => [.. HttpParameters, "body"],
            _ => HttpParameters,
        };
        CheckAllowed(parameters, allowed, scheme);
        if (kind == SiemSinkKind.SplunkHec && parameters.ContainsKey("token_env") == parameters.ContainsKey("token_file"))
        {
            throw new SiemSinkSpecException(
                $"sink '{scheme}://…' needs exactly one of token_env=VARIABLE or token_file=PATH: Splunk HEC authenticates every request with its token");
        }
        if (parameters.ContainsKey("token_env") && parameters.ContainsKey("token_file"))
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' names both token_env and token_file; pick one");
        }
        int defaultPort = kind switch
        {
            SiemSinkKind.SplunkHec => 8088, // Splunk HEC default (gateway.md §7)
            SiemSinkKind.OtlpHttp => 4318, // OTLP/HTTP default port (opentelemetry-specification, otlp.md)
            _ => tls ? 443 : 80,
        };
        string path = parsed.AbsolutePath is "/" or "" ? kind switch
        {
            SiemSinkKind.SplunkHec => "/services/collector/event",
            SiemSinkKind.OtlpHttp => "/v1/logs",
            _ => "/",
        } : parsed.AbsolutePath;
        SiemFormat format = kind switch
        {
            SiemSinkKind.SplunkHec => SiemFormat.SplunkHec,
            SiemSinkKind.OtlpHttp => SiemFormat.OtlpJson,
            _ => SiemFormat.Ocsf,
        };
        if (Get(parameters, "format") is not null)
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' has a fixed format; 'format' applies to syslog and file sinks");
        }
        bool array = Get(parameters, "body") switch
        {
            null or "array" => true,
            "jsonl" or "ndjson" => false,
            string other => throw new SiemSinkSpecException($"sink '{scheme}://…': body '{Shorten(other)}' is not array or jsonl"),
        };
        SiemSinkSpec spec = Common(kind, format, scheme, rest, parsed, parameters, defaultPort, tls);
        var endpoint = new UriBuilder(tls ? "https" : "http", parsed.Host, spec.Port, path).Uri;
        return spec with
        {
            Endpoint = endpoint,
            TokenEnvironmentVariable = CheckEnvName(Get(parameters, "token_env"), scheme),
            TokenFile = CheckAbsolutePath(Get(parameters, "token_file"), "token_file", scheme),
            Index = CheckHecName(Get(parameters, "index"), "index", scheme),
            Source = CheckHecName(Get(parameters, "source"), "source", scheme) ?? "lantern-gateway",
            SourceType = CheckHecName(Get(parameters, "sourcetype"), "sourcetype", scheme) ?? "lantern:inference",
            JsonArray = array,
            DisplayName = $"{scheme}://{parsed.Authority}{path}",
        };
    }

    private static SiemSinkSpec ParseFile(string scheme, string rest, Uri parsed, Dictionary<string, string> parameters)
    {
        CheckAllowed(parameters, [.. CommonParameters, "hostname"], scheme);
        if (!rest.StartsWith('/'))
        {
            throw new SiemSinkSpecException("file sink must be file:///absolute/path (three slashes: no host)");
        }
        string path = Uri.UnescapeDataString(parsed.AbsolutePath);
        // file:///C:/logs/x.jsonl on Windows: drop the slash before the drive letter.
        if (path.Length > 2 && path[0] == '/' && path[2] == ':' && char.IsAsciiLetter(path[1]))
        {
            path = path[1..];
        }
        if (!Path.IsPathFullyQualified(path) || path.EndsWith('/'))
        {
            throw new SiemSinkSpecException($"file sink path '{Shorten(path)}' is not an absolute file path");
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new SiemSinkSpecException("file sink path contains a NUL character");
        }
        SiemFormat format = Get(parameters, "format") switch
        {
            null or "jsonl" => SiemFormat.Jsonl,
            "ocsf" => SiemFormat.Ocsf,
            "cef" => SiemFormat.Cef,
            "rfc5424" => SiemFormat.Rfc5424,
            string other => throw new SiemSinkSpecException($"file sink: format '{Shorten(other)}' is not jsonl, ocsf, cef or rfc5424"),
        };
        return new SiemSinkSpec
        {
            Kind = SiemSinkKind.File,
            Format = format,
            FilePath = path,
            Hostname = CheckPrintUsAscii(Get(parameters, "hostname"), "hostname", MaxHostnameLength, scheme),
            DisplayName = "file://" + path,
        };
    }

    private static SiemSinkSpec Common(SiemSinkKind kind, SiemFormat format, string scheme, string rest, Uri parsed, Dictionary<string, string> parameters, int defaultPort, bool tls)
    {
        if (parsed.Host.Length == 0)
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' has no host");
        }
        int port = HasExplicitPort(rest) ? parsed.Port : defaultPort;
        if (port is <= 0 or > 65535)
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' has port {port}, outside 1–65535");
        }
        bool insecure = Get(parameters, "insecure") switch
        {
            null or "false" or "0" => false,
            "true" or "1" => true,
            string other => throw new SiemSinkSpecException($"sink '{scheme}://…': insecure must be true or false, not '{Shorten(other)}'"),
        };
        if (!tls && (parameters.ContainsKey("ca") || parameters.ContainsKey("insecure") || parameters.ContainsKey("cert") || parameters.ContainsKey("servername")))
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' is not TLS; ca, insecure, servername and cert apply only to syslog+tls, https and splunk-hec");
        }
        if (insecure && parameters.ContainsKey("ca"))
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' gives both ca= and insecure=true; a CA is pointless when validation is off");
        }
        string? cert = CheckAbsolutePath(Get(parameters, "cert"), "cert", scheme);
        string? key = CheckAbsolutePath(Get(parameters, "key"), "key", scheme);
        if (key is not null && cert is null)
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…' gives key= without cert=");
        }
        return new SiemSinkSpec
        {
            Kind = kind,
            Format = format,
            Host = parsed.DnsSafeHost,
            Port = port,
            Hostname = CheckPrintUsAscii(Get(parameters, "hostname"), "hostname", MaxHostnameLength, scheme),
            CaFile = CheckAbsolutePath(Get(parameters, "ca"), "ca", scheme),
            Insecure = insecure,
            ServerName = Get(parameters, "servername"),
            ClientCertificateFile = cert,
            ClientKeyFile = key,
            DisplayName = $"{scheme}://{parsed.Authority}",
        };
    }

    // The URI is parsed as http(s), so Uri.IsDefaultPort would be true for syslog+tcp://h:80; look at the text itself.
    private static bool HasExplicitPort(string rest)
    {
        int end = rest.IndexOfAny(['/', '?', '#']);
        string authority = end < 0 ? rest : rest[..end];
        return authority.LastIndexOf(':') > authority.LastIndexOf(']');
    }

    private static Dictionary<string, string> ParseQuery(string query, string scheme)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (query.Length <= 1)
        {
            return result;
        }
        foreach (string pair in query[1..].Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant().Replace('-', '_');
            string value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!result.TryAdd(name, value))
            {
                throw new SiemSinkSpecException($"sink '{scheme}://…' repeats parameter '{Shorten(name)}'");
            }
        }
        return result;
    }

    private static void CheckAllowed(Dictionary<string, string> parameters, string[] allowed, string scheme)
    {
        foreach (string name in parameters.Keys)
        {
            if (!allowed.Contains(name))
            {
                throw new SiemSinkSpecException(
                    $"sink '{scheme}://…' does not take parameter '{Shorten(name)}'; it takes {string.Join(", ", allowed.Distinct())}");
            }
        }
    }

    private static string? Get(Dictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out string? value) ? value : null;

    private static int ParsePen(string? text, string scheme)
    {
        if (text is null)
        {
            return 32473;
        }
        // RFC 5424 §7.2.2: the part after '@' is a decimal enterprise number; IANA numbers are well below 2^31.
        if (text.Length > 9 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pen) || pen <= 0 || text[0] == '0')
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…': pen must be a positive decimal IANA Private Enterprise Number");
        }
        return pen;
    }

    /// <summary>RFC 5424 §6.2.1 facility numbers, by name or number.</summary>
    internal static int ParseFacility(string? text, string scheme)
    {
        if (text is null)
        {
            return DefaultFacility;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is >= 0 and <= 23)
        {
            return number;
        }
        int? named = text.ToLowerInvariant() switch
        {
            "kern" => 0,
            "user" => 1,
            "mail" => 2,
            "daemon" => 3,
            "auth" => 4,
            "syslog" => 5,
            "lpr" => 6,
            "news" => 7,
            "uucp" => 8,
            "cron" => 9,
            "authpriv" => 10,
            "ftp" => 11,
            "ntp" => 12,
            "audit" or "security" => 13,
            "alert" => 14,
            "clock" => 15,
            "local0" => 16,
            "local1" => 17,
            "local2" => 18,
            "local3" => 19,
            "local4" => 20,
            "local5" => 21,
            "local6" => 22,
            "local7" => 23,
            _ => null,
        };
        return named ?? throw new SiemSinkSpecException(
            $"sink '{scheme}://…': facility '{Shorten(text)}' is not 0–23 or a name (audit, authpriv, local0 … local7, …; RFC 5424 §6.2.1)");
    }

    private static string? CheckPrintUsAscii(string? value, string name, int maxLength, string scheme)
    {
        if (value is null)
        {
            return null;
        }
        // RFC 5424 §6: HOSTNAME and APP-NAME are 1*n PRINTUSASCII (%d33-126); "-" alone would read as NILVALUE.
        if (value.Length == 0 || value.Length > maxLength || value == "-" || value.Any(c => c is < '!' or > '~'))
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…': {name} must be 1–{maxLength} printable ASCII characters without spaces (RFC 5424 §6)");
        }
        return value;
    }

    private static string? CheckAbsolutePath(string? value, string name, string scheme)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length == 0 || !Path.IsPathFullyQualified(value) || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…': {name} must be an absolute file path");
        }
        return value;
    }

    private static string? CheckEnvName(string? value, string scheme)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length is 0 or > 256 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(value[0]))
        {
            throw new SiemSinkSpecException(
                $"sink '{scheme}://…': token_env names an environment variable (letters, digits, '_'), not the token itself");
        }
        return value;
    }

    private static string? CheckHecName(string? value, string name, string scheme)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length is 0 or > 1024 || value.Any(char.IsControl))
        {
            throw new SiemSinkSpecException($"sink '{scheme}://…': {name} must be 1–1024 characters without control characters");
        }
        return value;
    }

    private static string KindSlug(SiemSinkKind kind) => kind switch
    {
        SiemSinkKind.SyslogUdp => "syslog-udp",
        SiemSinkKind.SyslogTcp => "syslog-tcp",
        SiemSinkKind.SyslogTls => "syslog-tls",
        SiemSinkKind.SplunkHec => "splunk-hec",
        SiemSinkKind.OtlpHttp => "otlp",
        SiemSinkKind.OcsfHttp => "ocsf",
        _ => "file",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
