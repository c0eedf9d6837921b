using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Testing;
using Lantern.Testing.Servers;

namespace Lantern.EndToEnd.Tests.Gateway;

/// <summary>The real gateway process with a <c>--sink</c>: each record and checkpoint reaches a real syslog socket.</summary>
public class GatewaySiemTests
{
    [Fact]
    public async Task Gateway_WithUdpSyslogSink_ForwardsRecordsAndCheckpoints()
    {
        using var dir = new TempDirectory();
        string policy = dir.File("policy.yaml");
        await File.WriteAllTextAsync(policy, GatewayUpstream.Policy);
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        await using var upstream = new FakeInferenceUpstream(r => GatewayUpstream.Handle(r));

        string recordId;
        string metrics;
        using (GatewayProcess gateway = await GatewayProcess.StartAsync("--listen", "127.0.0.1:0", "--upstream", upstream.BaseUri.AbsoluteUri,
            "--policy", policy, "--audit-dir", Path.Combine(dir.Path, "audit"), "--sink", $"syslog+udp://127.0.0.1:{port}?format=cef"))
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = gateway.ListenUri };
            using HttpResponseMessage chat = await client.PostAsync("/api/chat",
                new StringContent("""{"model":"llama3.2","stream":false,"messages":[{"role":"user","content":"hi"}]}"""));
            recordId = chat.Headers.GetValues("X-Lantern-Record-Id").Single();
            metrics = await client.GetStringAsync("/_lantern/metrics");
            Assert.Equal(0, await gateway.TerminateAsync());
        }

        var received = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.Any(m => m.Contains(recordId, StringComparison.Ordinal)) || !received.Any(m => m.Contains("checkpoint", StringComparison.OrdinalIgnoreCase)))
        {
            UdpReceiveResult datagram = await receiver.ReceiveAsync(timeout.Token);
            received.Add(Encoding.UTF8.GetString(datagram.Buffer));
        }
        string record = received.First(m => m.Contains(recordId, StringComparison.Ordinal));
        Assert.Matches(@"^<\d+>1 \d{4}-\d\d-\d\dT", record);
        Assert.Contains("CEF:0|", record, StringComparison.Ordinal);
        Assert.DoesNotContain("\"hi\"", record, StringComparison.Ordinal);
        Assert.Contains("lantern_gateway_siem_sent_total", metrics, StringComparison.Ordinal);
        Assert.Contains("lantern_gateway_calls_total", metrics, StringComparison.Ordinal);
    }
}
