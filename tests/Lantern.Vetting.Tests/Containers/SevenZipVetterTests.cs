using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Containers;
using SharpCompress.Common;
using SharpCompress.Writers;

namespace Lantern.Vetting.Tests.Containers;

public class SevenZipVetterTests
{
    private static byte[] SevenZip(params (string Name, byte[] Data)[] members)
    {
        using var ms = new MemoryStream();
        using (IWriter writer = WriterFactory.OpenWriter(ms, ArchiveType.SevenZip, new WriterOptions(CompressionType.LZMA) { LeaveStreamOpen = true }))
        {
            foreach ((string name, byte[] data) in members)
            {
                writer.Write(name, new MemoryStream(data), DateTime.UnixEpoch);
            }
        }
        return ms.ToArray();
    }

    [Fact]
    public void Vet_PickleInSevenZip_Judged()
    {
        VetResult r = FakePickleVetter.Vet(SevenZip(("notes.txt", PickleSamples.PosixSystem()), ("ok.pkl", PickleSamples.EmptyDict)));
        Assert.Equal("7z", r.Format);
        Assert.Equal(Verdict.Malicious, r.Verdict);
        Assert.Equal(2, r.Members.Count);
    }

    [Fact]
    public void Vet_BenignSevenZip_Safe()
    {
        Assert.Equal(Verdict.Safe, FakePickleVetter.Vet(SevenZip(("ok.pkl", PickleSamples.EmptyDict))).Verdict);
    }

    [Fact]
    public void Vet_TruncatedAtEveryOffset_NeverSafeNeverThrows()
    {
        byte[] archive = SevenZip(("a.pkl", PickleSamples.PosixSystem()));
        (ModelVetter vetter, _) = FakePickleVetter.Create();
        for (int n = 0; n < archive.Length; n++)
        {
            VetResult r = vetter.VetStream("t.7z", new MemoryStream(archive, 0, n), n);
            Assert.NotEqual(Verdict.Safe, r.Verdict);
        }
    }
}
