using System.Globalization;
using System.Net;
using Lantern.Gateway.Forwarding;
using Lantern.Gateway.Forwarding.Http1;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Lantern.Gateway.Hosting;

/// <summary>
/// A running gateway: Kestrel on <see cref="GatewayOptions.Listen"/> forwarding every request to the upstream with
/// YARP's direct forwarder, plus the reserved <c>/_lantern/health</c> and <c>/_lantern/metrics</c> and, with an admin
/// listener, <c>/health</c> and <c>/metrics</c> there. Create with <see cref="BuildAsync"/>; stop with <see cref="StopAsync"/>.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    /// <summary>Reserved on the main listener; the upstream's own <c>/metrics</c> and <c>/health</c> pass through untouched.</summary>
    public const string ReservedPrefix = "/_lantern/";

    private readonly WebApplication _app;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private readonly IDisposable? _ownedResolver;
    private readonly Http1Forwarder? _http1;
    private readonly GatewayPipeline _pipeline;
    private readonly int _adminPort;
    private bool _stopped;

    private GatewayHost(WebApplication app, SocketsHttpHandler handler, HttpMessageInvoker invoker, IDisposable? ownedResolver,
        Http1Forwarder? http1, GatewayPipeline pipeline, GatewayMetrics metrics, Uri listenUri, Uri? adminUri)
    {
        _http1 = http1;
        _app = app;
        _handler = handler;
        _invoker = invoker;
        _ownedResolver = ownedResolver;
        _pipeline = pipeline;
        Metrics = metrics;
        ListenUri = listenUri;
        AdminUri = adminUri;
        _adminPort = adminUri?.Port ?? -1;
    }

    /// <summary>Where clients connect (the actual port when <see cref="GatewayOptions.Listen"/> asked for port 0).</summary>
    public Uri ListenUri { get; }

    public Uri? AdminUri { get; }

    public GatewayMetrics Metrics { get; }

    /// <summary>Builds and starts a gateway. Throws <see cref="GatewayConfigException"/> for unusable options.</summary>
    public static async Task<GatewayHost> BuildAsync(GatewayOptions options, GatewayServices services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        if (!options.Upstream.IsAbsoluteUri || options.Upstream.Scheme is not ("http" or "https"))
        {
            throw new GatewayConfigException($"the upstream must be an http:// or https:// URL, not '{options.Upstream}'");
        }
        if (options.MaxRequestBodyBytes <= 0)
        {
            throw new GatewayConfigException("the maximum request body size must be positive");
        }
        ApiKeyStore? keys = null;
        if (options.ApiKeysFile is { } keysFile)
        {
            // Unreadable, oversized or invalid files all become GatewayConfigException with the path.
            keys = ApiKeyStore.Load(keysFile);
        }

        // The empty builder reads no appsettings.json or environment configuration and, above all, sets no file watcher
        // on the working directory: with the slim builder that watcher woke on every audit append when the audit
        // directory sat below it, and a stray appsettings.json there could have changed Kestrel's endpoints.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(GatewayHost).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddLogging();
        builder.Logging.ClearProviders();
        services.ConfigureLogging?.Invoke(builder.Logging);
        ListenOptions? main = null;
        ListenOptions? admin = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The gateway caps the JSON bodies it reads itself (MaxRequestBodyBytes → 413 in the API's shape);
            // blob uploads stream through unbounded when management is allowed.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(options.Listen, l => main = l);
            if (options.AdminListen is { } adminEndpoint)
            {
                kestrel.Listen(adminEndpoint, l => admin = l);
            }
        });
        builder.Services.AddHttpForwarder();
        WebApplication app = builder.Build();

        // One shared connection pool to the upstream; no proxy, cookies, decompression or redirects: bytes pass as they are.
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            EnableMultipleHttp2Connections = true,
        };
        var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        ModelIdentityResolver? ownedResolver = services.ModelIdentity is null
            ? new ModelIdentityResolver(handler, options.Upstream, options.UpstreamKind, services.Clock, options.ModelIdentityLifetime)
            : null;
        Http1Forwarder? http1 = options.Forwarding == ForwardingPath.Auto && options.Upstream.Scheme == Uri.UriSchemeHttp
            ? new Http1Forwarder(options.Upstream, services.Clock, options.UpstreamTimeout)
            : null;
        var pipeline = new GatewayPipeline(options, services, app.Services.GetRequiredService<IHttpForwarder>(), invoker,
            services.CallerIdentity ?? new CallerIdentifier(keys), services.ModelIdentity ?? ownedResolver!, http1);

        GatewayHost? host = null;
        ((IApplicationBuilder)app).Run(context => host!.HandleAsync(context));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            invoker.Dispose();
            handler.Dispose();
            ownedResolver?.Dispose();
            http1?.Dispose();
            throw;
        }
        host = new GatewayHost(app, handler, invoker, ownedResolver, http1, pipeline, services.Metrics,
            UriOf(main!.IPEndPoint!), admin is null ? null : UriOf(admin.IPEndPoint!));
        return host;
    }

    private static Uri UriOf(IPEndPoint endpoint)
    {
        string host = endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{endpoint.Port}/"));
    }

    private Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        if (_adminPort > 0 && context.Connection.LocalPort == _adminPort)
        {
            return path switch
            {
                "/metrics" => WriteMetricsAsync(context),
                "/health" => WriteHealthAsync(context),
                _ => NotFoundAsync(context),
            };
        }
        if (path.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            return path switch
            {
                "/_lantern/metrics" => WriteMetricsAsync(context),
                "/_lantern/health" => WriteHealthAsync(context),
                _ => NotFoundAsync(context),
            };
        }
        return _pipeline.InvokeAsync(context);
    }

    private Task WriteMetricsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return context.Response.WriteAsync(Metrics.Render(), context.RequestAborted);
    }

    /// <summary>Healthy while calls can be recorded (or the gateway is fail-open).</summary>
    private Task WriteHealthAsync(HttpContext context)
    {
        bool healthy = _pipeline.AuditHealthy;
        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(healthy ? """{"status":"ok"}""" : """{"status":"audit-unavailable"}""", context.RequestAborted);
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (Ctrl+C, service stop), then stops gracefully.</summary>
    public async Task RunUntilCancelledAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops accepting, lets calls in flight finish (up to 30 s), and releases the upstream connections.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _invoker.Dispose();
        _handler.Dispose();
        _ownedResolver?.Dispose();
        _http1?.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
