using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Lantern.Gateway.Sinks;

/// <summary>The receiver refused the content itself (HTTP 400/413): resending the same batch cannot succeed.</summary>
internal sealed class SiemRejectedException : Exception
{
    public SiemRejectedException()
    {
    }

    public SiemRejectedException(string message)
        : base(message)
    {
    }

    public SiemRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A delivery attempt failed in a way a retry may fix (connection, timeout, 5xx, 429, 401…).</summary>
internal sealed class SiemSendException : Exception
{
    public SiemSendException()
    {
    }

    public SiemSendException(string message)
        : base(message)
    {
    }

    public SiemSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Moves a batch to one receiver. A call either completes (the batch is handed over), throws
/// <see cref="SiemRejectedException"/> (the content is refused) or throws anything else (retry later).
/// Only the sink's sender loop calls it, so implementations need no locking.
/// </summary>
internal abstract class SiemTransport : IAsyncDisposable
{
    public abstract Task SendAsync(IReadOnlyList<SiemEvent> batch, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public static SiemTransport Create(SiemSinkSpec spec, SiemForwarderLimits limits, TimeProvider time) => spec.Kind switch
    {
        SiemSinkKind.SyslogUdp => new SyslogUdpTransport(spec),
        SiemSinkKind.SyslogTcp or SiemSinkKind.SyslogTls => new SyslogStreamTransport(spec, limits),
        SiemSinkKind.File => new FileTransport(spec),
        _ => new HttpSinkTransport(spec, limits, time),
    };

    internal static string HostName(SiemSinkSpec spec) =>
        SyslogMessageBuilder.HeaderField(spec.Hostname ?? Environment.MachineName, SiemSinkSpec.MaxHostnameLength);

    internal static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            return address;
        }
        IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0 ? addresses[0] : throw new SiemSendException($"host '{host}' has no address");
    }
}

/// <summary>Assigns RFC 5424 <c>meta sequenceId</c>s; advanced only after a batch is handed over, so a resend reuses them.</summary>
internal abstract class SyslogTransport : SiemTransport
{
    private long _nextSequenceId = 1;

    protected SyslogTransport(SiemSinkSpec spec)
    {
        Builder = new SyslogMessageBuilder(spec.Facility, HostName(spec), spec.AppName, spec.Format, pen: spec.Pen);
    }

    protected SyslogMessageBuilder Builder { get; }

    protected long SequenceIdAt(int index) => ((_nextSequenceId - 1 + index) % SyslogMessageBuilder.MaxSequenceId) + 1;

    protected void Advance(int count) => _nextSequenceId = SequenceIdAt(count);
}

/// <summary>RFC 5426: one message per datagram, truncated to the configured size.</summary>
internal sealed class SyslogUdpTransport(SiemSinkSpec spec) : SyslogTransport(spec)
{
    private readonly SiemSinkSpec _spec = spec;
    private Socket? _socket;

    public override async Task SendAsync(IReadOnlyList<SiemEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            if (_socket is null)
            {
                IPAddress address = await ResolveAsync(_spec.Host!, cancellationToken).ConfigureAwait(false);
                var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, _spec.Port), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                _socket = socket;
            }
            for (int i = 0; i < batch.Count; i++)
            {
                byte[] message = Builder.Build(batch[i], SequenceIdAt(i), _spec.MaxMessageBytes);
                await _socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            Advance(batch.Count);
        }
        catch (SocketException)
        {
            // e.g. ICMP port unreachable reported on a connected socket: start again with a fresh one.
            _socket?.Dispose();
            _socket = null;
            throw;
        }
    }

    public override ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _socket = null;
        return ValueTask.CompletedTask;
    }
}

/// <summary>RFC 6587 octet counting over TCP, or RFC 5425 over TLS.</summary>
internal sealed class SyslogStreamTransport(SiemSinkSpec spec, SiemForwarderLimits limits) : SyslogTransport(spec)
{
    private readonly SiemSinkSpec _spec = spec;
    private readonly SiemForwarderLimits _limits = limits;
    private Socket? _socket;
    private Stream? _stream;

    public override async Task SendAsync(IReadOnlyList<SiemEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            // A receiver that closed the connection is seen only on read; writing would "succeed" into the void once.
            if (_socket is not null && _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0)
            {
                Close();
            }
            if (_stream is null)
            {
                await ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            using var buffer = new MemoryStream();
            for (int i = 0; i < batch.Count; i++)
            {
                buffer.Write(SyslogMessageBuilder.Frame(Builder.Build(batch[i], SequenceIdAt(i))));
            }
            await _stream!.WriteAsync(buffer.GetBuffer().AsMemory(0, checked((int)buffer.Length)), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            Advance(batch.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Close();
            throw;
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        IPAddress address = await ResolveAsync(_spec.Host!, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(_limits.ConnectTimeout);
                await socket.ConnectAsync(new IPEndPoint(address, _spec.Port), connectTimeout.Token).ConfigureAwait(false);
            }
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (_spec.Kind == SiemSinkKind.SyslogTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    await tls.AuthenticateAsClientAsync(SiemTls.ClientOptions(_spec), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await tls.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                stream = tls;
            }
            _socket = socket;
            _stream = stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Close()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
            // The connection is being thrown away; a failed TLS close_notify changes nothing.
        }
        _socket?.Dispose();
        _stream = null;
        _socket = null;
    }

    public override ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Certificate checks for TLS sinks: the system store, or only the CA(s) given with <c>ca=</c>.</summary>
internal static class SiemTls
{
    /// <summary>A CA bundle is a few certificates; refuse anything that is clearly not one.</summary>
    private const long MaxPemBytes = 1024 * 1024;

    public static SslClientAuthenticationOptions ClientOptions(SiemSinkSpec spec)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = spec.ServerName ?? spec.Host,
            RemoteCertificateValidationCallback = ValidationCallback(spec),
            // RFC 5425 §4.2 asks for TLS 1.2 at least; the OS default offers 1.2 and 1.3 only.
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.None,
        };
        if (spec.ClientCertificateFile is not null)
        {
            options.ClientCertificates = [LoadClientCertificate(spec)];
        }
        return options;
    }

    public static RemoteCertificateValidationCallback ValidationCallback(SiemSinkSpec spec)
    {
        if (spec.Insecure)
        {
#pragma warning disable CA5359 // insecure=true is the operator's explicit, documented choice (docs/siem-sinks.md, "TLS").
            return (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        if (spec.CaFile is null)
        {
            return (_, _, _, errors) => errors == SslPolicyErrors.None;
        }
        X509Certificate2Collection roots = LoadCa(spec.CaFile);
        return (_, certificate, chain, errors) =>
        {
            // The name must still match; only the trust anchor changes.
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            {
                return false;
            }
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(roots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (X509ChainElement element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            using var leaf = new X509Certificate2(certificate);
            return custom.Build(leaf);
        };
    }

    public static X509Certificate2Collection LoadCa(string path)
    {
        CheckSize(path, "ca");
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SiemSinkSpecException($"ca file '{path}' could not be read as PEM certificates: {ex.Message}", ex);
        }
        if (roots.Count == 0)
        {
            throw new SiemSinkSpecException($"ca file '{path}' holds no PEM certificate");
        }
        return roots;
    }

    private static X509Certificate2 LoadClientCertificate(SiemSinkSpec spec)
    {
        CheckSize(spec.ClientCertificateFile!, "cert");
        try
        {
            return X509Certificate2.CreateFromPemFile(spec.ClientCertificateFile!, spec.ClientKeyFile);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SiemSinkSpecException($"client certificate '{spec.ClientCertificateFile}' could not be loaded: {ex.Message}", ex);
        }
    }

    private static void CheckSize(string path, string what)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new SiemSinkSpecException($"{what} file '{path}' does not exist");
        }
        if (info.Length > MaxPemBytes)
        {
            throw new SiemSinkSpecException($"{what} file '{path}' is larger than {MaxPemBytes} bytes");
        }
    }
}

/// <summary>Splunk HEC, OTLP/HTTP and OCSF collectors.</summary>
internal sealed class HttpSinkTransport : SiemTransport
{
    /// <summary>Responses are status lines with a short JSON text; anything longer is not read.</summary>
    private const int MaxResponseBytes = 64 * 1024;

    /// <summary>A token file holds one token; refuse to read a large file by mistake.</summary>
    private const int MaxTokenBytes = 16 * 1024;

    private readonly SiemSinkSpec _spec;
    private readonly HttpClient _client;
    private readonly string? _authorization;
    private readonly string _host;
    private readonly TimeProvider _time;

    public HttpSinkTransport(SiemSinkSpec spec, SiemForwarderLimits limits, TimeProvider time)
    {
        _spec = spec;
        _time = time;
        _host = HostName(spec);
        string? token = ReadToken(spec);
        _authorization = token is null ? null : spec.Kind == SiemSinkKind.SplunkHec ? "Splunk " + token : "Bearer " + token;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = limits.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (spec.Endpoint!.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = SiemTls.ClientOptions(spec);
        }
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public override async Task SendAsync(IReadOnlyList<SiemEvent> batch, CancellationToken cancellationToken)
    {
        (byte[] body, string contentType) = _spec.Kind switch
        {
            SiemSinkKind.SplunkHec => (SplunkHecEncoder.Batch(batch, _host, _spec.Source, _spec.SourceType, _spec.Index), "application/json"),
            SiemSinkKind.OtlpHttp => (OtlpLogEncoder.Batch(batch, _host, _time.GetUtcNow()), "application/json"),
            _ => (OcsfBatchEncoder.Batch(batch, _spec.JsonArray), _spec.JsonArray ? "application/json" : "application/x-ndjson"),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _spec.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        if (_authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        }
        using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        string text = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (status is 400 or 413)
        {
            throw new SiemRejectedException($"HTTP {status.ToString(CultureInfo.InvariantCulture)}: {Excerpt(text)}");
        }
        if (status is < 200 or > 299)
        {
            throw new SiemSendException($"HTTP {status.ToString(CultureInfo.InvariantCulture)}: {Excerpt(text)}");
        }
        if (_spec.Kind == SiemSinkKind.SplunkHec && HecCode(text) is int code && code != 0)
        {
            throw new SiemSendException($"Splunk HEC answered code {code.ToString(CultureInfo.InvariantCulture)}: {Excerpt(text)}");
        }
    }

    private static int? HecCode(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("code", out JsonElement code)
                && code.TryGetInt32(out int value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[MaxResponseBytes];
            int total = 0;
            while (total < buffer.Length)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    private static string Excerpt(string text)
    {
        string oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 200 ? oneLine : oneLine[..200] + "…";
    }

    /// <summary>The token named by token_env / token_file; read once at start so that a missing one fails loudly then.</summary>
    internal static string? ReadToken(SiemSinkSpec spec)
    {
        string? token = null;
        if (spec.TokenEnvironmentVariable is string variable)
        {
            token = Environment.GetEnvironmentVariable(variable)
                ?? throw new SiemSinkSpecException($"sink {spec.DisplayName}: environment variable {variable} (token_env) is not set");
        }
        else if (spec.TokenFile is string path)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new SiemSinkSpecException($"sink {spec.DisplayName}: token file '{path}' does not exist");
            }
            if (info.Length > MaxTokenBytes)
            {
                throw new SiemSinkSpecException($"sink {spec.DisplayName}: token file '{path}' is larger than {MaxTokenBytes} bytes");
            }
            token = File.ReadAllText(path);
        }
        if (token is null)
        {
            return null;
        }
        token = token.Trim();
        // A CR or LF would split the Authorization header (request smuggling); other controls are not token characters.
        if (token.Length == 0 || token.Any(char.IsControl) || token.Contains(' ', StringComparison.Ordinal))
        {
            throw new SiemSinkSpecException($"sink {spec.DisplayName}: the token is empty or contains spaces or control characters");
        }
        return token;
    }

    public override ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Appends one line per event to a local file (for a log shipper to tail). The file is opened for each batch, so
/// logrotate's rename-and-create works without a signal.
/// </summary>
internal sealed class FileTransport(SiemSinkSpec spec) : SiemTransport
{
    private readonly SiemSinkSpec _spec = spec;
    private readonly string _host = HostName(spec);
    private readonly SyslogMessageBuilder _syslog = new(spec.Facility, HostName(spec), spec.AppName, SiemFormat.Rfc5424);
    private long _nextSequenceId = 1;

    public override async Task SendAsync(IReadOnlyList<SiemEvent> batch, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        long sequenceId = _nextSequenceId;
        foreach (SiemEvent e in batch)
        {
            sb.Append(_spec.Format switch
            {
                SiemFormat.Ocsf => SiemEventFormatter.ToOcsfLine(e),
                SiemFormat.Cef => SiemEventFormatter.ToCef(e, _host),
                SiemFormat.Rfc5424 => Encoding.UTF8.GetString(_syslog.Build(e, sequenceId)),
                _ => SiemEventFormatter.ToJsonl(e),
            }).Append('\n');
            sequenceId = (sequenceId % SyslogMessageBuilder.MaxSequenceId) + 1;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(_spec.FilePath!)!);
        var file = new FileStream(_spec.FilePath!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        _nextSequenceId = sequenceId;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
