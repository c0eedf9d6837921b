using System.Net;
using Lantern.Discovery.Host;

namespace Lantern.Discovery.Tests.Host;

public class ListeningSocketReaderTests
{
    [Fact]
    public void ReadLinux_RealisticTables_ReturnsOnlyListenersWithAddressesPortsAndInodes()
    {
        using var proc = new ProcFixture();
        // Hand-written kernel lines: 127.0.0.1:11434 LISTEN, 0.0.0.0:22 LISTEN, an ESTABLISHED connection (01).
        proc.RawTcpLine("   0: 0100007F:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   998        0 424242 1 0000000000000000 100 0 0 10 0")
            .RawTcpLine("   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1642 1 000000000b4619bf 100 0 0 10 0")
            .RawTcpLine("   2: 0100007F:2CAA 0100007F:D3E2 01 00000000:00000000 00:00000000 00000000  1000        0 555 1 0000000000000000 20 4 30 10 -1")
            .Listen(IPAddress.IPv6Loopback, 1234, 777)
            .Listen(IPAddress.IPv6Any, 8000, 778)
            .Listen(IPAddress.Parse("::ffff:127.0.0.1"), 5001, 779)
            .Listen(IPAddress.Parse("fe80::1:2:3:4"), 8080, 780)
            .WriteNet();

        IReadOnlyList<ListeningSocket> sockets = ListeningSocketReader.ReadLinux(proc.Root, out int rejected);

        Assert.Equal(0, rejected);
        Assert.Equal(6, sockets.Count);
        ListeningSocket ollama = Assert.Single(sockets, s => s.Port == 11434);
        Assert.Equal(IPAddress.Loopback, ollama.Address);
        Assert.Equal(424242, ollama.Inode);
        Assert.Equal(998, ollama.Uid);
        Assert.Equal(BindScopes.Loopback, ollama.BindScope);
        Assert.Equal(BindScopes.Wildcard, Assert.Single(sockets, s => s.Port == 22).BindScope);
        Assert.Equal(IPAddress.IPv6Loopback, Assert.Single(sockets, s => s.Port == 1234).Address);
        Assert.Equal(BindScopes.Wildcard, Assert.Single(sockets, s => s.Port == 8000).BindScope);
        ListeningSocket mapped = Assert.Single(sockets, s => s.Port == 5001);
        Assert.Equal("::ffff:127.0.0.1", mapped.Address.ToString());
        Assert.Equal(BindScopes.Loopback, mapped.BindScope);
        ListeningSocket linkLocal = Assert.Single(sockets, s => s.Port == 8080);
        Assert.Equal(IPAddress.Parse("fe80::1:2:3:4"), linkLocal.Address);
        Assert.Equal(BindScopes.Network, linkLocal.BindScope);
    }

    [Theory]
    [InlineData("0100007F", "127.0.0.1")]
    [InlineData("0101A8C0", "192.168.1.1")]
    [InlineData("00000000000000000000000001000000", "::1")]
    [InlineData("0000000000000000FFFF00000100007F", "::ffff:127.0.0.1")]
    [InlineData("000080FE00000000FF020000BEEF00FE", "fe80::2ff:fe00:efbe")]
    // The hex literals are what a little-endian kernel prints (x86-64, arm64: every platform .NET ships for).
    public void TryParseAddress_KernelHex_DecodesHostOrderWords(string hex, string expected)
    {
        Assert.True(ListeningSocketReader.TryParseAddress(hex, out IPAddress? address));
        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("   0: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1")]
    [InlineData("   0: 0100007:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1")]
    [InlineData("   0: 0100007F:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 notanumber 1")]
    [InlineData("   0: 0100007F:2CAA 00000000:0000 0A")]
    public void ReadLinux_MalformedLine_IsCountedNotThrown(string line)
    {
        using var proc = new ProcFixture();
        proc.RawTcpLine(line).Listen(IPAddress.Loopback, 11434, 1).WriteNet();

        IReadOnlyList<ListeningSocket> sockets = ListeningSocketReader.ReadLinux(proc.Root, out int rejected);

        Assert.Equal(1, rejected);
        Assert.Single(sockets);
    }

    [Fact]
    public void ReadLinux_OverlongLine_IsRejected()
    {
        using var proc = new ProcFixture();
        proc.RawTcpLine("   0: 0100007F:2CAA 00000000:0000 0A " + new string('0', 10_000) + " 0 0 1 1").WriteNet();

        IReadOnlyList<ListeningSocket> sockets = ListeningSocketReader.ReadLinux(proc.Root, out int rejected);

        Assert.Empty(sockets);
        Assert.Equal(1, rejected);
    }

    [Fact]
    public void ReadLinux_NoTcp6File_ReadsTcpOnly()
    {
        using var proc = new ProcFixture();
        proc.Listen(IPAddress.Loopback, 11434, 5).WriteNet();
        File.Delete(Path.Combine(proc.Root, "net", "tcp6"));

        Assert.Single(ListeningSocketReader.ReadLinux(proc.Root));
    }

    [Fact]
    public void ReadPortable_WithAListener_SeesItWithoutInode()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        IReadOnlyList<ListeningSocket> sockets = ListeningSocketReader.ReadPortable();

        ListeningSocket mine = Assert.Single(sockets, s => s.Port == port && s.Address.Equals(IPAddress.Loopback));
        Assert.Null(mine.Inode);
    }
}
