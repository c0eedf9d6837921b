using System.Net;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Hosting;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Tests.Hosting;

public sealed class GatewayOptionsFileTests
{
    [Fact]
    public void Parse_AllKeys_Read()
    {
        GatewayOptions o = GatewayOptionsFile.Parse("""
            listen: 127.0.0.1:11434
            upstream: http://127.0.0.1:11435
            upstreamKind: ollama
            capture: redacted
            maxRequestBodyBytes: 16MiB
            apiKeysFile: keys.yaml
            useCaseHeader: X-Use-Case
            failOpen: true
            adminListen: 127.0.0.1:9464
            upstreamTimeoutSeconds: 120
            forwarder: yarp
            rules:
              allowManagement: true
              allowCloudModels: false
            """, "gateway.yaml", "/etc/lantern");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 11434), o.Listen);
        Assert.Equal(new Uri("http://127.0.0.1:11435"), o.Upstream);
        Assert.Equal(UpstreamKind.Ollama, o.UpstreamKind);
        Assert.Equal(CaptureLevel.Redacted, o.Capture);
        Assert.Equal(16L * 1024 * 1024, o.MaxRequestBodyBytes);
        Assert.Equal(Path.GetFullPath("keys.yaml", "/etc/lantern"), o.ApiKeysFile);
        Assert.Equal("X-Use-Case", o.UseCaseHeader);
        Assert.True(o.FailOpen);
        Assert.Equal(9464, o.AdminListen?.Port);
        Assert.Equal(TimeSpan.FromSeconds(120), o.UpstreamTimeout);
        Assert.True(o.Rules.AllowManagement);
        Assert.Equal(ForwardingPath.Yarp, o.Forwarding);
    }

    [Theory]
    [InlineData("upstream: http://x\nlisten: 127.0.0.1:1\ncaptrue: full\n", "gateway.yaml:3", "captrue")]
    [InlineData("upstream: http://x\ncapture: everything\n", "gateway.yaml:2", "capture")]
    [InlineData("listen: 127.0.0.1:1\n", "gateway.yaml:1", "'upstream' is required")]
    [InlineData("upstream: ftp://x\n", "gateway.yaml:1", "http://")]
    [InlineData("upstream: http://x\nrules:\n  allowEverything: true\n", "gateway.yaml:3", "allowEverything")]
    [InlineData("upstream: [\n", "gateway.yaml", "not valid YAML")]
    [InlineData("upstream: http://x\nforwarder: nginx\n", "gateway.yaml:2", "auto or yarp")]
    public void Parse_BadInput_ErrorNamesLine(string yaml, string where, string what)
    {
        var e = Assert.Throws<GatewayConfigException>(() => GatewayOptionsFile.Parse(yaml, "gateway.yaml"));
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }
}
