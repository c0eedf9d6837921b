using System.Text;
using Lantern.Core.Model;
using Lantern.Core.Reporting;

namespace Lantern.Core.Tests;

public class InventoryJsonTests
{
    [Fact]
    public void Write_Inventory_UsesCamelCaseAndSchemaVersion()
    {
        var inventory = new Inventory { Host = "h", User = "u", ScannedAt = DateTimeOffset.UnixEpoch };
        string json = InventoryJson.ToJson(inventory);
        Assert.Contains("\"schemaVersion\": \"1.0\"", json);
        Assert.Contains("\"scannedAt\"", json);
    }

    [Fact]
    public void Read_NewerMajorSchema_Throws()
    {
        string json = """{"schemaVersion":"2.0","host":"h","user":"u","scannedAt":"2026-01-01T00:00:00Z"}""";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var ex = Assert.Throws<InvalidDataException>(() => InventoryJson.Read(stream));
        Assert.Contains("newer", ex.Message);
    }

    [Fact]
    public void Read_RoundTrip_KeepsArtifacts()
    {
        var inventory = new Inventory
        {
            Host = "h",
            User = "u",
            ScannedAt = DateTimeOffset.UnixEpoch,
            Artifacts = [new ModelArtifact { Path = "/m.gguf", Format = "gguf", SizeBytes = 10, Sha256 = new string('a', 64) }],
        };
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(InventoryJson.ToJson(inventory)));
        Inventory back = InventoryJson.Read(stream);
        Assert.Equal("/m.gguf", Assert.Single(back.Artifacts).Path);
    }
}
