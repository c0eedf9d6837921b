using System.Buffers.Text;
using System.Text;

namespace Lantern.Gateway.Forwarding.Http1;

/// <summary>How the upstream frames its response body (RFC 9112 §6.3).</summary>
internal enum BodyFramingKind
{
    None,
    ContentLength,
    Chunked,
    UntilClose,
}

/// <summary>One upstream header as it goes to the client: name and value exactly as the upstream sent them.</summary>
internal readonly record struct UpstreamHeader(string Name, string Value);

/// <summary>
/// The status line and header section of an upstream HTTP/1.x response, parsed from bytes with bounds on size and
/// count. Hop-by-hop fields (RFC 9110 §7.6.1) are read for framing and connection reuse but not kept for the client.
/// </summary>
internal sealed class Http1ResponseHead
{
    /// <summary>More fields than this is not an inference server talking; the call fails as an upstream error.</summary>
    public const int MaxHeaderCount = 256;

    private Http1ResponseHead(int status, bool http10)
    {
        StatusCode = status;
        IsHttp10 = http10;
    }

    public int StatusCode { get; }
    public bool IsHttp10 { get; }
    public List<UpstreamHeader> Headers { get; } = [];
    public long? ContentLength { get; private set; }
    public bool Chunked { get; private set; }
    public bool ConnectionClose { get; private set; }
    public bool ConnectionKeepAlive { get; private set; }
    public string? ContentType { get; private set; }

    /// <summary>1xx answers (103 Early Hints, a stray 100 Continue) precede the real one and are skipped.</summary>
    public bool IsInterim => StatusCode is >= 100 and < 200;

    /// <summary>May the connection carry another request once this response's body is read?</summary>
    public bool KeepAlive => IsHttp10 ? ConnectionKeepAlive && !ConnectionClose : !ConnectionClose;

    public BodyFramingKind FramingFor(bool headRequest)
    {
        if (headRequest || StatusCode is 204 or 304 || IsInterim)
        {
            return BodyFramingKind.None;
        }
        if (Chunked)
        {
            return BodyFramingKind.Chunked;
        }
        return ContentLength is long length ? (length == 0 ? BodyFramingKind.None : BodyFramingKind.ContentLength) : BodyFramingKind.UntilClose;
    }

    /// <summary>Parses <paramref name="head"/> (status line through the last header line, without the empty line).</summary>
    /// <exception cref="UpstreamProtocolException">for anything that is not a well-formed HTTP/1.x response head.</exception>
    public static Http1ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> statusLine = lineEnd < 0 ? head : head[..lineEnd];
        // "HTTP/1.1 200 OK": version, one space, three digits, then an optional reason.
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || (statusLine[7] != (byte)'0' && statusLine[7] != (byte)'1')
            || (statusLine.Length > 12 && statusLine[12] != (byte)' ')
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out int consumed) || consumed != 3 || status < 100 || status > 999)
        {
            throw new UpstreamProtocolException("the upstream's status line is not HTTP/1.x");
        }
        var result = new Http1ResponseHead(status, statusLine[7] == (byte)'0');
        ReadOnlySpan<byte> rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            result.AddField(line);
        }
        return result;
    }

    private void AddField(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] is (byte)' ' or (byte)'\t')
        {
            // Obsolete line folding (RFC 9112 §5.2) is refused rather than guessed at.
            throw new UpstreamProtocolException("the upstream sent a folded or empty header line");
        }
        int colon = line.IndexOf((byte)':');
        if (colon <= 0 || !IsToken(line[..colon]))
        {
            throw new UpstreamProtocolException("the upstream sent a malformed header line");
        }
        if (Headers.Count >= MaxHeaderCount)
        {
            throw new UpstreamProtocolException($"the upstream sent more than {MaxHeaderCount} header fields");
        }
        ReadOnlySpan<byte> name = line[..colon];
        ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);
        if (Is(name, "content-length"u8))
        {
            if (!Utf8Parser.TryParse(value, out long length, out int used) || used != value.Length || length < 0
                || (ContentLength is long seen && seen != length))
            {
                throw new UpstreamProtocolException("the upstream sent an invalid or conflicting Content-Length");
            }
            ContentLength = length;
            return;
        }
        if (Is(name, "transfer-encoding"u8))
        {
            // Only "chunked" last is a framing we can read (RFC 9112 §6.3 rule 4); anything else cannot be delimited.
            ReadOnlySpan<byte> last = value[(value.LastIndexOf((byte)',') + 1)..].Trim(" \t"u8);
            if (!Is(last, "chunked"u8))
            {
                throw new UpstreamProtocolException("the upstream sent a Transfer-Encoding other than chunked");
            }
            Chunked = true;
            return;
        }
        if (Is(name, "connection"u8))
        {
            foreach (Range part in value.Split((byte)','))
            {
                ReadOnlySpan<byte> option = value[part].Trim(" \t"u8);
                ConnectionClose |= Is(option, "close"u8);
                ConnectionKeepAlive |= Is(option, "keep-alive"u8);
            }
            return;
        }
        if (IsHopByHop(name))
        {
            return;
        }
        foreach (byte b in value)
        {
            // Kestrel refuses control and non-ASCII bytes in response headers; such a field is not passed on.
            if (b is < 0x20 and not (byte)'\t' or >= 0x7F)
            {
                return;
            }
        }
        string headerName = Encoding.ASCII.GetString(name);
        string headerValue = Encoding.ASCII.GetString(value);
        if (Is(name, "content-type"u8))
        {
            ContentType = headerValue;
        }
        Headers.Add(new UpstreamHeader(headerName, headerValue));
    }

    private static bool IsHopByHop(ReadOnlySpan<byte> name) =>
        Is(name, "keep-alive"u8) || Is(name, "proxy-connection"u8) || Is(name, "te"u8) || Is(name, "trailer"u8)
        || Is(name, "upgrade"u8) || Is(name, "proxy-authenticate"u8) || Is(name, "alt-svc"u8);

    private static bool Is(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowerAscii) =>
        Ascii.EqualsIgnoreCase(value, lowerAscii);

    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            bool ok = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>The upstream broke HTTP/1.1 framing or the gateway's bounds; the call ends as an upstream error (502).</summary>
internal sealed class UpstreamProtocolException(string message) : IOException(message);
