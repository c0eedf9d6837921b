using Lantern.NetLog.Attribution;
using Lantern.Testing;

namespace Lantern.NetLog.Tests.Attribution;

public class AttributionTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private static AttributionTable Csv(string text) => AttributionTable.FromEntries(AttributionCsvParser.Parse(new StringReader(text), "map.csv"));

    private static AttributionTable Leases(string text) => AttributionTable.FromEntries(DhcpLeasesParser.Parse(new StringReader(text), "dhcpd.leases"));

    [Fact]
    public void Csv_ValidRows_ResolveByTime()
    {
        AttributionTable table = Csv("""
            ip,hostname,user,start,end
            10.0.0.15,laptop-17,alice,2026-01-01T08:00:00Z,2026-01-01T12:00:00Z
            10.0.0.15,laptop-22,bob,2026-01-01T12:00:00Z,
            "10.0.0.16","desk, 3",carol,2026-01-01T00:00:00+01:00,
            """);
        Assert.Equal(3, table.Count);
        Assert.Equal("laptop-17", table.Resolve("10.0.0.15", T0)!.Hostname);
        Assert.Equal("bob", table.Resolve("10.0.0.15", T0.AddHours(5))!.User);
        Assert.Equal("desk, 3", table.Resolve("10.0.0.16", T0)!.Hostname);
        Assert.Null(table.Resolve("10.0.0.15", T0.AddHours(-3)));
        Assert.Null(table.Resolve("10.0.0.99", T0));
        Assert.Null(table.Resolve(null, T0));
        Assert.Null(table.Resolve("not-an-ip", T0));
    }

    [Fact]
    public void Csv_BoundaryTimes_StartInclusiveEndExclusive()
    {
        AttributionTable table = Csv("""
            ip,hostname,user,start,end
            10.0.0.15,first,,2026-01-01T08:00:00Z,2026-01-01T10:00:00Z
            10.0.0.15,second,,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z
            """);
        Assert.Equal("first", table.Resolve("10.0.0.15", T0.AddTicks(-1))!.Hostname);
        Assert.Equal("second", table.Resolve("10.0.0.15", T0)!.Hostname);
        Assert.Null(table.Resolve("10.0.0.15", T0.AddHours(1)));
        Assert.Equal("first", table.Resolve("10.0.0.15", T0.AddHours(-2))!.Hostname);
    }

    [Fact]
    public void Resolve_OverlappingEntries_LatestStartedValidOneWins()
    {
        AttributionTable table = AttributionTable.FromEntries(
        [
            new AttributionEntry("10.0.0.15", "long-lived", null, T0.AddDays(-10), null, "a"),
            new AttributionEntry("10.0.0.15", "short", null, T0.AddHours(-1), T0.AddHours(1), "b"),
            new AttributionEntry("10.0.0.15", "later-short", null, T0.AddHours(3), T0.AddHours(4), "c"),
        ]);
        Assert.Equal("short", table.Resolve("10.0.0.15", T0)!.Hostname);
        // Between the short entries the open-ended one still covers the address.
        Assert.Equal("long-lived", table.Resolve("10.0.0.15", T0.AddHours(2))!.Hostname);
        Assert.Equal("later-short", table.Resolve("10.0.0.15", T0.AddHours(3.5))!.Hostname);
        Assert.Equal("long-lived", table.Resolve("10.0.0.15", T0.AddDays(5))!.Hostname);
        Assert.Null(table.Resolve("10.0.0.15", T0.AddDays(-11)));
    }

    [Fact]
    public void Resolve_NoTime_OnlyUnambiguous()
    {
        AttributionTable single = AttributionTable.FromEntries([new AttributionEntry("10.0.0.1", "h", null, T0, null, "a")]);
        Assert.Equal("h", single.Resolve("10.0.0.1", null)!.Hostname);
        AttributionTable two = AttributionTable.FromEntries(
        [
            new AttributionEntry("10.0.0.1", "h", null, T0, T0.AddHours(1), "a"),
            new AttributionEntry("10.0.0.1", "g", null, T0.AddHours(1), null, "b"),
        ]);
        Assert.Null(two.Resolve("10.0.0.1", null));
    }

    [Fact]
    public void Resolve_Ipv4MappedIpv6_MatchesIpv4Entry()
    {
        AttributionTable table = AttributionTable.FromEntries([new AttributionEntry("10.0.0.1", "h", null, T0, null, "a")]);
        Assert.Equal("h", table.Resolve("::ffff:10.0.0.1", T0)!.Hostname);
    }

    [Theory]
    [InlineData("10.0.0.15,h,u,2026-01-01T00:00:00Z,\n", 1, "header")]
    [InlineData("ip,hostname,user,start,end\n10.0.0.15,h,u,2026-01-01T00:00:00Z\n", 2, "5 fields")]
    [InlineData("ip,hostname,user,start,end\n10.0.0.15,h,u,2026-01-01T00:00:00Z,\n999.0.0.1,h,u,2026-01-01T00:00:00Z,\n", 3, "not an IP")]
    [InlineData("ip,hostname,user,start,end\n10.0.0.15,h,u,yesterday,\n", 2, "ISO 8601")]
    [InlineData("ip,hostname,user,start,end\n10.0.0.15,h,u,,\n", 2, "start is required")]
    [InlineData("ip,hostname,user,start,end\n10.0.0.15,h,u,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z\n", 2, "not after start")]
    [InlineData("ip,hostname,user,start,end\n10.0.0.15,\"h,u,2026-01-01T00:00:00Z,\n", 2, "unterminated")]
    [InlineData("", 1, "no header")]
    public void Csv_BadInput_ThrowsWithLineNumber(string text, long line, string reason)
    {
        AttributionFileException e = Assert.Throws<AttributionFileException>(() => Csv(text));
        Assert.Equal(line, e.LineNumber);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"map.csv:{line}:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_HugeLine_ThrowsInsteadOfBuffering()
    {
        string text = "ip,hostname,user,start,end\n10.0.0.1," + new string('h', 200_000) + ",u,2026-01-01T00:00:00Z,\n";
        AttributionFileException e = Assert.Throws<AttributionFileException>(() => Csv(text));
        Assert.Equal(2, e.LineNumber);
    }

    private const string LeasesFile = """
        # The format of this file is documented in the dhcpd.leases(5) manual page.
        # This lease file was written by isc-dhcp-4.4.3
        authoring-byte-order little-endian;
        server-duid "\000\001\000\001,\337\251\207RT\000\022\064V";

        lease 10.0.0.15 {
          starts 4 2026/01/01 08:00:00;
          ends 4 2026/01/01 20:00:00;
          cltt 4 2026/01/01 08:00:00;
          binding state active;
          next binding state free;
          rewind binding state free;
          hardware ethernet 52:54:00:12:34:56;
          uid "\001RT\000\0224V";
          set vendor-class-identifier = "MSFT 5.0";
          client-hostname "laptop-17";
        }
        lease 10.0.0.15 {
          starts 4 2026/01/01 20:00:00;
          ends never;
          binding state active;
          hardware ethernet 52:54:00:aa:bb:cc;
          client-hostname "laptop-22";
        }
        lease 10.0.0.16 {
          starts epoch 1767225600; # Thu Jan 01 00:00:00 2026
          ends epoch 1767268800; # Thu Jan 01 12:00:00 2026
          binding state active;
          client-hostname "desk-3";
        }
        lease 10.0.0.17 {
          starts 4 2026/01/01 08:00:00;
          ends 4 2026/01/01 20:00:00;
          binding state free;
        }
        host fixed-printer {
          hardware ethernet 52:54:00:00:00:01;
          fixed-address 10.0.0.200;
        }
        """;

    [Fact]
    public void Leases_DocumentedForms_ResolveByTime()
    {
        AttributionTable table = Leases(LeasesFile);
        Assert.Equal(3, table.Count);
        Assert.Equal("laptop-17", table.Resolve("10.0.0.15", T0)!.Hostname);
        Assert.Equal("laptop-22", table.Resolve("10.0.0.15", T0.AddHours(10))!.Hostname);
        Assert.Equal("laptop-22", table.Resolve("10.0.0.15", T0.AddDays(100))!.Hostname);
        Assert.Null(table.Resolve("10.0.0.15", T0.AddHours(-2).AddTicks(-1)));
        Assert.Equal("desk-3", table.Resolve("10.0.0.16", T0)!.Hostname);
        Assert.Null(table.Resolve("10.0.0.16", T0.AddHours(2)));
        Assert.Null(table.Resolve("10.0.0.17", T0));
        Assert.Null(table.Resolve("10.0.0.200", T0));
        Assert.Null(table.Resolve("10.0.0.15", T0)!.User);
    }

    [Fact]
    public void Leases_OverlappingRenewal_LatestStartWins()
    {
        AttributionTable table = Leases("""
            lease 10.0.0.15 { starts 4 2026/01/01 08:00:00; ends 4 2026/01/01 20:00:00; client-hostname "old"; }
            lease 10.0.0.15 { starts 4 2026/01/01 09:30:00; ends 4 2026/01/01 21:30:00; client-hostname "new"; }
            """);
        Assert.Equal("old", table.Resolve("10.0.0.15", T0.AddHours(-1))!.Hostname);
        Assert.Equal("new", table.Resolve("10.0.0.15", T0)!.Hostname);
        Assert.Equal("new", table.Resolve("10.0.0.15", T0.AddHours(11))!.Hostname);
    }

    [Theory]
    [InlineData("lease 10.0.0.15 {\n starts 4 2026/01/01 08:00:00;\n", "not closed")]
    [InlineData("}\n", "without a block")]
    [InlineData("lease 10.0.0.15 {\n starts yesterday;\n}\n", "not a lease time")]
    [InlineData("lease banana {\n}\n", "not an IP")]
    [InlineData("lease 10.0.0.15 {\n client-hostname \"unterminated;\n}\n", "unterminated string")]
    public void Leases_BadInput_ThrowsWithLineNumber(string text, string reason)
    {
        AttributionFileException e = Assert.Throws<AttributionFileException>(() => Leases(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.True(e.LineNumber >= 1);
    }

    [Fact]
    public void Leases_DeepNesting_IsRejectedWithoutRecursion()
    {
        string text = string.Concat(Enumerable.Repeat("x {", 100_000));
        AttributionFileException e = Assert.Throws<AttributionFileException>(() => Leases(text));
        Assert.Contains("nested deeper", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DetectsCsvAndLeasesFiles()
    {
        using var dir = new TempDirectory();
        string csv = Path.Combine(dir.Path, "map.csv");
        File.WriteAllText(csv, "ip,hostname,user,start,end\n10.0.0.15,laptop-17,alice,2026-01-01T08:00:00Z,\n");
        string leases = Path.Combine(dir.Path, "dhcpd.leases");
        File.WriteAllText(leases, LeasesFile);
        Assert.Equal("alice", AttributionTable.Load(csv).Resolve("10.0.0.15", T0)!.User);
        Assert.Equal("laptop-17", AttributionTable.Load(leases).Resolve("10.0.0.15", T0)!.Hostname);
    }
}
