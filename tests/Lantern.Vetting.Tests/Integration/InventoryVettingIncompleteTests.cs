using Lantern.Core.Model;
using Lantern.Testing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Vetting.Tests.Integration;

public class InventoryVettingIncompleteTests
{
    [Fact]
    public void Apply_ModelThatCannotBeJudged_MakesScanIncomplete()
    {
        using var dir = new TempDirectory();
        // A TFLite flatbuffer header (identifier TFL3 at 4): a model format with no vetter yet.
        string path = dir.File("model.tflite");
        File.WriteAllBytes(path, [0x1C, 0, 0, 0, (byte)'T', (byte)'F', (byte)'L', (byte)'3', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var inventory = new Inventory
        {
            Host = "h",
            User = "u",
            ScannedAt = DateTimeOffset.UnixEpoch,
            Artifacts = [new ModelArtifact { Path = path, Format = "tflite", SizeBytes = 32 }],
        };

        Inventory vetted = InventoryVetting.Apply(inventory, new ModelVetter(), VerdictCache.InMemory(), CancellationToken.None);

        Assert.Equal("incomplete", Assert.Single(vetted.Artifacts).Verdict);
        Assert.False(vetted.Complete);
        Assert.Contains(vetted.Problems, p => p.Subject == path && p.Source == "vetting");
    }
}
