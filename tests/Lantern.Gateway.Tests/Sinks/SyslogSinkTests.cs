using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Lantern.Gateway.Sinks;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Sinks;

/// <summary>Syslog sinks against real sockets in the test process.</summary>
public class SyslogSinkTests
{
    [Fact]
    public async Task Udp_Records_Rfc5424DatagramsWithEscapedSdAndBom()
    {
        using var temp = new TempDirectory("siem");
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        SiemSinkSpec spec = SiemSinkSpec.Parse($"syslog+udp://127.0.0.1:{port}?format=rfc5424&hostname=gw01&facility=audit&max_size=8192");
        await using (var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits()))
        {
            Assert.True(forwarder.TryEnqueue(SinkTestKit.Record(1)));
            Assert.True(forwarder.TryEnqueue(SinkTestKit.Record(2, model: "evil\"] [x y=\"z\\")));
            Assert.True(forwarder.TryEnqueue(SinkTestKit.Checkpoint(2)));

            var messages = new List<SyslogMessage>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (messages.Count < 3)
            {
                UdpReceiveResult datagram = await receiver.ReceiveAsync(timeout.Token);
                messages.Add(SyslogMessage.Parse(datagram.Buffer));
            }

            Assert.All(messages, m =>
            {
                Assert.Equal(1, m.Version);
                Assert.Equal("gw01", m.Hostname);
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", m.Timestamp);
                Assert.Equal([0xEF, 0xBB, 0xBF], m.Msg[..3]);
                using JsonDocument json = JsonDocument.Parse(m.Msg.AsMemory(3));
            });
            Assert.Equal(["1", "2", "3"], messages.Select(m => m.Sd("meta")["sequenceId"]));
            Assert.Equal(110, messages[0].Pri);
            Assert.Equal("evil\"] [x y=\"z\\", messages[1].Sd("lantern@32473")["model"]);
            Assert.Equal("2", messages[1].Sd("lantern@32473")["seq"]);
            Assert.Equal("checkpoint", messages[2].MsgId);
            Assert.Equal(3, forwarder.Status()[0].Sent);
        }
    }

    [Fact]
    public async Task Udp_LargeEvent_TruncatedToConfiguredSize()
    {
        using var temp = new TempDirectory("siem");
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        SiemSinkSpec spec = SiemSinkSpec.Parse($"syslog+udp://127.0.0.1:{port}?max_size=1024");
        await using var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits());
        forwarder.TryEnqueue(SinkTestKit.Record(5) with { RefusalReason = new string('x', 10_000) });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        UdpReceiveResult datagram = await receiver.ReceiveAsync(timeout.Token);
        Assert.True(datagram.Buffer.Length <= 1024);
        SyslogMessage m = SyslogMessage.Parse(datagram.Buffer);
        Assert.True(int.Parse(m.Sd("lantern@32473")["truncated"]) > 10_000);
        Assert.Equal("5", m.Sd("lantern@32473")["seq"]);
    }

    [Fact]
    public async Task Tcp_ManyRecords_OctetCountedFramesSurviveArbitraryChunking()
    {
        using var temp = new TempDirectory("siem");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var frames = new ConcurrentQueue<byte[]>();
        int maxFramesInOneRead = 0;
        int splitReads = 0;
        Task server = Task.Run(async () =>
        {
            using TcpClient client = await listener.AcceptTcpClientAsync();
            NetworkStream stream = client.GetStream();
            var decoder = new OctetCountingDecoder();
            byte[] buffer = new byte[1000]; // smaller than most messages: frames split across reads
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                List<byte[]> got = decoder.Feed(buffer.AsSpan(0, read));
                maxFramesInOneRead = Math.Max(maxFramesInOneRead, got.Count);
                if (decoder.Pending > 0)
                {
                    splitReads++;
                }
                foreach (byte[] frame in got)
                {
                    frames.Enqueue(frame);
                }
            }
        });
        SiemSinkSpec spec = SiemSinkSpec.Parse($"syslog+tcp://127.0.0.1:{port}");
        await using (var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits()))
        {
            for (int i = 1; i <= 200; i++)
            {
                // A few small ones so that several frames share one read, and one of 100 kB to span TCP segments.
                var record = SinkTestKit.Record(i);
                forwarder.TryEnqueue(i % 50 == 0 ? record with { RefusalReason = new string('r', 100_000) } : i % 3 == 0 ? record with { Caller = new() } : record);
            }
            await SinkTestKit.WaitUntilAsync(() => frames.Count >= 200, "200 frames");
        }
        List<SyslogMessage> messages = [.. frames.Select(SyslogMessage.Parse)];
        Assert.Equal(Enumerable.Range(1, 200).Select(i => i.ToString()), messages.Select(m => m.Sd("lantern@32473")["seq"]));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => i.ToString()), messages.Select(m => m.Sd("meta")["sequenceId"]));
        Assert.Equal(100_000, JsonDocument.Parse(messages[49].Msg.AsMemory(3)).RootElement.GetProperty("api").GetProperty("response").GetProperty("message").GetString()!.Length);
        Assert.True(splitReads > 0, "no frame was split across reads");
        listener.Stop();
        await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(maxFramesInOneRead >= 1);
    }

    [Fact]
    public async Task Tcp_ReceiverRestarts_ReconnectsAndDeliversLaterEvents()
    {
        using var temp = new TempDirectory("siem");
        int port = SinkTestKit.FreePort();
        var seqs = new ConcurrentQueue<string>();
        SiemSinkSpec spec = SiemSinkSpec.Parse($"syslog+tcp://127.0.0.1:{port}");
        await using var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits());

        // Receiver down: connection refused, counted, events kept.
        forwarder.TryEnqueue(SinkTestKit.Record(1));
        await SinkTestKit.WaitUntilAsync(() => forwarder.Status()[0].SendErrors > 0, "a send error");
        Assert.NotNull(forwarder.Status()[0].LastError);

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Task server = ServeAsync(listener, seqs, connections: 1);
        forwarder.TryEnqueue(SinkTestKit.Record(2));
        await SinkTestKit.WaitUntilAsync(() => seqs.Count >= 2, "2 records");
        Assert.Equal(["1", "2"], seqs);
    }

    [Fact]
    public async Task Tls_CaGiven_DeliversOverRfc5425()
    {
        using var temp = new TempDirectory("siem");
        (X509Certificate2 server, string caPem) = CreateServerCertificate("Lantern Test CA");
        string caFile = Path.Combine(temp.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, caPem);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var frames = new ConcurrentQueue<byte[]>();
        Task serverTask = Task.Run(async () =>
        {
            using TcpClient client = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(server);
            var decoder = new OctetCountingDecoder();
            byte[] buffer = new byte[4096];
            int read;
            while ((read = await tls.ReadAsync(buffer)) > 0)
            {
                foreach (byte[] frame in decoder.Feed(buffer.AsSpan(0, read)))
                {
                    frames.Enqueue(frame);
                }
            }
        });
        SiemSinkSpec spec = SiemSinkSpec.Parse($"syslog+tls://localhost:{port}?ca={Uri.EscapeDataString(caFile)}&pen=12345");
        await using (var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits()))
        {
            forwarder.TryEnqueue(SinkTestKit.Record(1));
            forwarder.TryEnqueue(SinkTestKit.Checkpoint(1));
            await SinkTestKit.WaitUntilAsync(() => frames.Count >= 2, "2 frames over TLS");
            Assert.Equal(0, forwarder.Status()[0].SendErrors);
        }
        SyslogMessage[] messages = [.. frames.Select(SyslogMessage.Parse)];
        Assert.Equal("call", messages[0].MsgId);
        Assert.Equal("checkpoint", messages[1].MsgId);
        Assert.Equal("1", messages[1].Sd("lantern@12345")["treeSize"]);
    }

    [Fact]
    public async Task Tls_WrongCa_RefusedAndNothingSent()
    {
        using var temp = new TempDirectory("siem");
        (X509Certificate2 server, _) = CreateServerCertificate("Lantern Test CA");
        (_, string otherCaPem) = CreateServerCertificate("Some Other CA");
        string caFile = Path.Combine(temp.Path, "other-ca.pem");
        await File.WriteAllTextAsync(caFile, otherCaPem);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        int bytesReceived = 0;
        Task serverTask = Task.Run(async () =>
        {
            while (true)
            {
                using TcpClient client = await listener.AcceptTcpClientAsync();
                try
                {
                    await using var tls = new SslStream(client.GetStream());
                    await tls.AuthenticateAsServerAsync(server);
                    byte[] buffer = new byte[4096];
                    int read;
                    while ((read = await tls.ReadAsync(buffer)) > 0)
                    {
                        Interlocked.Add(ref bytesReceived, read);
                    }
                }
                catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
                {
                    // The client aborts the handshake: expected.
                }
            }
        });
        SiemSinkSpec spec = SiemSinkSpec.Parse($"syslog+tls://localhost:{port}?ca={Uri.EscapeDataString(caFile)}");
        await using var forwarder = new SiemForwarder([spec], temp.Path, SinkTestKit.FastLimits());
        forwarder.TryEnqueue(SinkTestKit.Record(1));
        await SinkTestKit.WaitUntilAsync(() => forwarder.Status()[0].SendErrors >= 2, "two refused handshakes");
        SinkStatus status = forwarder.Status()[0];
        Assert.Equal(0, status.Sent);
        Assert.Equal(1, status.QueueDepth);
        Assert.Contains("certificate", status.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, Volatile.Read(ref bytesReceived));
        listener.Stop();
    }

    private static async Task ServeAsync(TcpListener listener, ConcurrentQueue<string> seqs, int connections)
    {
        for (int c = 0; c < connections; c++)
        {
            TcpClient client = await listener.AcceptTcpClientAsync();
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var decoder = new OctetCountingDecoder();
                    byte[] buffer = new byte[4096];
                    int read;
                    while ((read = await client.GetStream().ReadAsync(buffer)) > 0)
                    {
                        foreach (byte[] frame in decoder.Feed(buffer.AsSpan(0, read)))
                        {
                            seqs.Enqueue(SyslogMessage.Parse(frame).Sd("lantern@32473")["seq"]);
                        }
                    }
                }
            });
        }
    }

    /// <summary>A CA and a server certificate for localhost / 127.0.0.1 signed by it; returns the server cert and the CA as PEM.</summary>
    internal static (X509Certificate2 Server, string CaPem) CreateServerCertificate(string caName)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(serverKey);
        // Round-trip through PKCS#12 so SslStream can use the key on every platform.
        X509Certificate2 server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (server, ca.ExportCertificatePem());
    }

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
