using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Containers;

namespace Lantern.Vetting.Tests.Containers;

public class LegacyTorchVetterTests
{
    [Fact]
    public void Vet_FiveBenignStreams_SafeEachJudged()
    {
        (ModelVetter vetter, FakePickleVetter fake) = FakePickleVetter.Create();
        byte[] file = PickleSamples.LegacyTorch(PickleSamples.EmptyDict);
        VetResult r = vetter.VetStream("old.pt", new MemoryStream(file), file.Length);
        Assert.Equal("pytorch-legacy", r.Format);
        Assert.Equal(Verdict.Safe, r.Verdict);
        Assert.Equal(5, fake.Calls);
        Assert.Contains(r.Members, m => m.Path == "old.pt!pickle[3]");
    }

    [Fact]
    public void Vet_PayloadInFourthStream_Malicious()
    {
        VetResult r = FakePickleVetter.Vet(PickleSamples.LegacyTorch(PickleSamples.PosixSystem()));
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.Equal(Verdict.Malicious, r.Members.Single(m => m.Path.EndsWith("pickle[3]", StringComparison.Ordinal)).Verdict);
    }

    [Fact]
    public void Vet_PayloadInSeventhStream_MaliciousAndExtraFlagged()
    {
        byte[] file = PickleSamples.LegacyTorch(PickleSamples.EmptyDict, PickleSamples.EmptyDict, PickleSamples.PosixSystem());
        VetResult r = FakePickleVetter.Vet(file);
        Assert.True(r.Has(ContainerRules.TorchLegacyExtraPickles));
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.Equal(7, r.Members.Count);
    }

    [Fact]
    public void Vet_TooFewStreams_Malformed()
    {
        byte[] file = [.. PickleSamples.TorchMagic, .. PickleSamples.ProtocolVersion];
        VetResult r = FakePickleVetter.Vet(file);
        Assert.True(r.Has(ContainerRules.TorchLegacyTooFewPickles));
        Assert.Equal(Verdict.Malformed, r.Verdict);
    }

    [Fact]
    public void Vet_TruncatedAtEveryOffset_NeverSafeNeverThrows()
    {
        byte[] file = PickleSamples.LegacyTorch(PickleSamples.EmptyDict);
        int picklesEnd = file.Length - 12;
        (ModelVetter vetter, _) = FakePickleVetter.Create();
        for (int n = 0; n < picklesEnd; n++)
        {
            VetResult r = vetter.VetStream("t.pt", new MemoryStream(file, 0, n), n);
            Assert.NotEqual(Verdict.Safe, r.Verdict);
        }
    }

    [Fact]
    public void Vet_TorchTar_AllPicklesJudged()
    {
        byte[] storages = [.. new byte[] { 0x80, 0x02, 0x4B, 0x01, 0x2E }, .. PickleSamples.KeyList, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3F, 0, 0, 0x80, 0x3F];
        byte[] tensors = [.. new byte[] { 0x80, 0x02, 0x4B, 0x01, 0x2E }, .. PickleSamples.PosixSystem(), 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] tar = new TarBuilder().Add("sys_info", PickleSamples.EmptyDict).Add("pickle", PickleSamples.EmptyDict).Add("storages", storages).Add("tensors", tensors).Build();
        VetResult r = FakePickleVetter.Vet(tar);
        Assert.Equal("pytorch-tar", r.Format);
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.DoesNotContain(r.Findings, f => f.RuleId == ContainerRules.TorchTarLayout);
        Assert.Contains(r.Members, m => m.Path == "model.bin!tensors[1]" && m.Verdict == Verdict.Malicious);
    }

    [Fact]
    public void Vet_TorchTarBenign_Safe()
    {
        byte[] tar = new TarBuilder().Add("sys_info", PickleSamples.EmptyDict).Add("pickle", PickleSamples.EmptyDict).Add("storages", [0x80, 0x02, 0x4B, 0x00, 0x2E]).Add("tensors", [0x80, 0x02, 0x4B, 0x00, 0x2E]).Build();
        Assert.Equal(Verdict.Safe, FakePickleVetter.Vet(tar).Verdict);
    }

    [Fact]
    public void Vet_TorchTarObjectPickleMalicious_Malicious()
    {
        byte[] tar = new TarBuilder().Add("sys_info", PickleSamples.EmptyDict).Add("pickle", PickleSamples.PosixSystem()).Add("storages", [0x80, 0x02, 0x4B, 0x00, 0x2E]).Build();
        Assert.Equal(Verdict.Malicious, FakePickleVetter.Vet(tar).Verdict);
    }
}
