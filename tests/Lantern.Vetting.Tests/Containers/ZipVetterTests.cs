using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Containers;

namespace Lantern.Vetting.Tests.Containers;

public class ZipVetterTests
{
    private static readonly byte[] Evil = PickleSamples.PosixSystem();
    private static readonly byte[] Benign = PickleSamples.EmptyDict;

    [Fact]
    public void Vet_TorchSaveShapedZip_Safe()
    {
        (ModelVetter vetter, FakePickleVetter fake) = FakePickleVetter.Create();
        byte[] zip = ZipBuilder.TorchSave(Benign).Build();
        VetResult r = vetter.VetStream("m.pt", new MemoryStream(zip), zip.Length);
        Assert.Equal("pytorch-zip", r.Format);
        Assert.Equal(Verdict.Safe, r.Verdict);
        Assert.Equal(1, fake.Calls);
        Assert.Contains(r.Members, m => m.Path == "m.pt!archive/data.pkl" && m.Verdict == Verdict.Safe);
        Assert.Equal("pytorch", r.Profile);
    }

    [Fact]
    public void Vet_MaliciousDataPkl_Malicious()
    {
        VetResult r = FakePickleVetter.Vet(ZipBuilder.TorchSave(Evil).Build());
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Theory]
    [InlineData("weird_root")]
    [InlineData("model")]
    public void Vet_AnyRootName_PickleJudged(string root)
    {
        VetResult r = FakePickleVetter.Vet(ZipBuilder.TorchSave(Evil, root).Build());
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Fact]
    public void Vet_ExtraPklAnywhere_Judged()
    {
        byte[] zip = ZipBuilder.TorchSave(Benign).Add("archive/extra/state.pkl", Evil).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Fact]
    public void Vet_DeflatedPickle_Inflated()
    {
        byte[] zip = ZipBuilder.TorchSave(Benign).Add("archive/x.pkl", Evil, deflate: true).Build();
        Assert.Equal(Verdict.Malicious, FakePickleVetter.Vet(zip).Verdict);
    }

    [Fact]
    public void Vet_CrcMismatch_JudgedAnywayWithFinding()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "archive/data.pkl", Data = Evil, Crc = 0xDEADBEEF }).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipCrcMismatch));
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Theory]
    [InlineData((ushort)0x01)]
    [InlineData((ushort)0x20)]
    [InlineData((ushort)0x40)]
    public void Vet_FlagBitsOnPlaintext_JudgedAsPyTorchDoes(ushort flag)
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "model/config.pkl", Data = Evil, Flags = flag }).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.True(r.Has(flag == 0x20 ? ContainerRules.ZipPatchedFlag : ContainerRules.ZipFakeEncryption));
    }

    [Fact]
    public void Vet_FlagBitOnBenignPlaintext_Suspicious()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "archive/data.pkl", Data = Benign, Flags = 0x01 }).Build();
        Assert.Equal(Verdict.Suspicious, FakePickleVetter.Vet(zip).Verdict);
    }

    [Fact]
    public void Vet_ReallyEncrypted_Incomplete()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "test.txt", Data = "secret payload!"u8.ToArray(), Encrypt = true }).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipEncrypted));
        Assert.Equal(Verdict.Incomplete, r.Verdict);
    }

    [Fact]
    public void Vet_LocalCentralNameMismatch_SuspiciousAndJudged()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "data.pkl", LocalName = "datap.kl", Data = Evil }).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipNameMismatch));
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Fact]
    public void Vet_LocalNameMismatchBenign_Suspicious()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "a/data.pkl", LocalName = "a/other.pkl", Data = Benign }).Build();
        Assert.Equal(Verdict.Suspicious, FakePickleVetter.Vet(zip).Verdict);
    }

    [Fact]
    public void Vet_PickleUnderWrongExtension_SniffedAndFlagged()
    {
        byte[] zip = new ZipBuilder().Add("data.txt", Evil).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipPickleMisnamed));
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Fact]
    public void Vet_DuplicateNames_BothJudged()
    {
        byte[] zip = new ZipBuilder().Add("archive/data.pkl", Benign).Add("archive/data.pkl", Evil).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipDuplicateName));
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.Equal(2, r.Members.Count(m => m.Path.EndsWith("data.pkl", StringComparison.Ordinal)));
    }

    [Fact]
    public void Vet_Zip64Entries_Read()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "archive/data.pkl", Data = Evil, Zip64 = true }).Zip64End().Build();
        Assert.Equal(Verdict.Malicious, FakePickleVetter.Vet(zip).Verdict);
        byte[] benign = new ZipBuilder().Add(new ZipMemberSpec { Name = "archive/data.pkl", Data = Benign, Zip64 = true }).Zip64End().Build();
        Assert.Equal(Verdict.Safe, FakePickleVetter.Vet(benign).Verdict);
    }

    [Fact]
    public void Vet_DataDescriptor_Normal()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "archive/data.pkl", Data = Benign, DataDescriptor = true, Deflate = true }).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.Equal(Verdict.Safe, r.Verdict);
    }

    [Fact]
    public void Vet_HiddenLocalHeaderBeforeDirectory_VettedAndFlagged()
    {
        byte[] zip = new ZipBuilder().Add("archive/data.pkl", Benign).Add(new ZipMemberSpec { Name = "hidden.pkl", Data = Evil, Hidden = true }).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipHiddenMember));
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Fact]
    public void Vet_PrependedZip_HiddenMembersVetted()
    {
        byte[] first = new ZipBuilder().Add("payload.pkl", Evil).Build();
        byte[] zip = new ZipBuilder().Add("archive/data.pkl", Benign).Prepend(first).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipPrependedData));
        Assert.True(r.Has(ContainerRules.ZipHiddenMember));
        Assert.True(r.Has(ContainerRules.ZipAppendedData), "the prepended zip's own end record is a second end record");
        Assert.Equal(Verdict.Malicious, r.Verdict);
    }

    [Fact]
    public void Vet_AppendedZip_HiddenMembersVetted()
    {
        byte[] second = new ZipBuilder().Add("payload.pkl", Evil).Build();
        byte[] zip = new ZipBuilder().Add("archive/data.pkl", Benign).Append(second).Build();
        // The appended zip's end record is the last one: readers now see the appended archive.
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.True(r.Has(ContainerRules.ZipPrependedData) || r.Has(ContainerRules.ZipHiddenMember));
    }

    [Fact]
    public void Vet_JunkAfterEnd_Suspicious()
    {
        byte[] zip = ZipBuilder.TorchSave(Benign).Append("trailing junk"u8.ToArray()).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipAppendedData));
        Assert.Equal(Verdict.Suspicious, r.Verdict);
    }

    [Fact]
    public void Vet_UnsupportedMethod_Incomplete()
    {
        byte[] zip = new ZipBuilder().Add(new ZipMemberSpec { Name = "archive/data.pkl", Data = Benign, MethodOverride = 12 }).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipUnsupportedMethod));
        Assert.Equal(Verdict.Incomplete, r.Verdict);
    }

    [Fact]
    public void Vet_DeflateBomb_IncompleteWithinBudget()
    {
        byte[] zeros = new byte[8 * 1024 * 1024];
        byte[] zip = new ZipBuilder().Add("archive/data.pkl", zeros, deflate: true).Build();
        var limits = new VettingLimits { MaxCompressionRatio = 100 };
        VetResult r = FakePickleVetter.Vet(zip, limits);
        Assert.True(r.Has(ContainerRules.ZipInflationLimit));
        Assert.Equal(Verdict.Incomplete, r.Verdict);
    }

    [Fact]
    public void Vet_InflationBudget_Incomplete()
    {
        byte[] padded = [.. new byte[4095], (byte)'.'];
        byte[] zip = new ZipBuilder().Add("a.pkl", padded, deflate: true).Add("b.pkl", padded, deflate: true).Build();
        VetResult r = FakePickleVetter.Vet(zip, new VettingLimits { MaxInflatedBytes = 6000 });
        Assert.True(r.Has(ContainerRules.ZipInflationLimit));
        Assert.Equal(Verdict.Incomplete, r.Verdict);
    }

    [Fact]
    public void Vet_EntryOutsideRoot_Suspicious()
    {
        byte[] zip = ZipBuilder.TorchSave(Benign).Add("elsewhere/readme.txt", "hi"u8.ToArray()).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.TorchOutsideRoot));
        Assert.Equal(Verdict.Suspicious, r.Verdict);
    }

    [Fact]
    public void Vet_UnsafePath_Suspicious()
    {
        byte[] zip = new ZipBuilder().Add("../../evil.pth", "import os"u8.ToArray()).Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.True(r.Has(ContainerRules.ZipUnsafePath));
    }

    [Fact]
    public void Vet_ZipInZip_NestedPickleJudged()
    {
        byte[] inner = new ZipBuilder().Add("inner/data.pkl", Evil).Build();
        byte[] outer = new ZipBuilder().Add("nested.zip", inner).Build();
        VetResult r = FakePickleVetter.Vet(outer);
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.Contains(r.AllMembers(), m => m.Path == "model.bin!nested.zip!inner/data.pkl");
    }

    [Fact]
    public void Vet_TorchScriptBenignCode_Suspicious()
    {
        byte[] zip = new ZipBuilder()
            .Add("m/data.pkl", Benign)
            .Add("m/constants.pkl", Benign)
            .Add("m/code/__torch__/m.py", "class M(Module):\n  def forward(self: __torch__.M, x: Tensor) -> Tensor:\n    _0 = getattr(self.layers, \"0\")\n    return torch.add(x, 1)\n"u8.ToArray())
            .Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.Equal("torchscript", r.Format);
        Assert.True(r.Has(ContainerRules.TorchScriptCode));
        Assert.Equal(Verdict.Suspicious, r.Verdict);
    }

    [Fact]
    public void Vet_TorchScriptOsCode_Malicious()
    {
        byte[] zip = new ZipBuilder()
            .Add("m/data.pkl", Benign)
            .Add("m/constants.pkl", Benign)
            .Add("m/code/__torch__/m.py", "def forward(self, x):\n    os.system(\"id\")\n    return x\n"u8.ToArray())
            .Build();
        VetResult r = FakePickleVetter.Vet(zip);
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.Contains(r.Members, m => m.Findings.Any(f => f.RuleId == ContainerRules.TorchScriptDangerousCode));
    }

    [Fact]
    public void Vet_StorageLookingLikePickle_NotJudgedAsPickle()
    {
        (ModelVetter vetter, FakePickleVetter fake) = FakePickleVetter.Create();
        byte[] zip = ZipBuilder.TorchSave(Benign).Build();
        vetter.VetStream("m.pt", new MemoryStream(zip), zip.Length);
        Assert.Equal(1, fake.Calls);
    }

    [Fact]
    public void Vet_TruncatedAtEveryOffset_NeverSafeNeverThrows()
    {
        byte[] zip = new ZipBuilder().Add("archive/data.pkl", Evil, deflate: true).Add("archive/version", "3\n"u8.ToArray()).Build();
        (ModelVetter vetter, _) = FakePickleVetter.Create();
        for (int n = 0; n < zip.Length; n++)
        {
            VetResult r = vetter.VetStream("t.pt", new MemoryStream(zip, 0, n), n);
            Assert.NotEqual(Verdict.Safe, r.Verdict);
        }
    }
}
