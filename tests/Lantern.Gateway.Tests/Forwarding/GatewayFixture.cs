using System.Net;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Hosting;
using Lantern.Gateway.Tests.Recording;
using Lantern.Testing.Servers;

namespace Lantern.Gateway.Tests.Forwarding;

/// <summary>A gateway on a free loopback port in front of a scripted upstream, with an in-memory sink.</summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private GatewayFixture(FakeInferenceUpstream upstream, GatewayHost host, InMemoryAuditSink sink)
    {
        Upstream = upstream;
        Host = host;
        Sink = sink;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = host.ListenUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public FakeInferenceUpstream Upstream { get; }
    public GatewayHost Host { get; }
    public InMemoryAuditSink Sink { get; }
    public HttpClient Client { get; }

    public static async Task<GatewayFixture> StartAsync(Func<UpstreamRequest, UpstreamReply> handler,
        Func<GatewayOptions, GatewayOptions>? configure = null, Func<GatewayServices, GatewayServices>? services = null)
    {
        var upstream = new FakeInferenceUpstream(handler);
        var sink = new InMemoryAuditSink();
        var options = new GatewayOptions
        {
            Upstream = upstream.BaseUri,
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            UpstreamKind = UpstreamKind.Ollama,
        };
        options = configure?.Invoke(options) ?? options;
        var gatewayServices = new GatewayServices
        {
            AuditSink = sink,
            // LANTERN_GATEWAY_TEST_LOG=1 shows Kestrel's and YARP's logs when a test needs debugging.
            ConfigureLogging = Environment.GetEnvironmentVariable("LANTERN_GATEWAY_TEST_LOG") == "1"
                ? b => Microsoft.Extensions.Logging.ConsoleLoggerExtensions.AddConsole(b)
                : null,
        };
        gatewayServices = services?.Invoke(gatewayServices) ?? gatewayServices;
        GatewayHost host = await GatewayHost.BuildAsync(options, gatewayServices);
        return new GatewayFixture(upstream, host, sink);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
