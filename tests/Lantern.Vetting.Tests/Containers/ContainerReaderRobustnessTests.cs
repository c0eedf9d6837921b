using Lantern.Formats;
using Lantern.Formats.Numpy;
using Lantern.Formats.Zip;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Tests.Containers;

/// <summary>Every single-byte corruption and every truncation: the readers throw only ModelFormatException.</summary>
public class ContainerReaderRobustnessTests
{
    private static byte[] SampleZip() => new ZipBuilder()
        .Add("archive/data.pkl", PickleSamples.PosixSystem(), deflate: true)
        .Add(new ZipMemberSpec { Name = "archive/data/0", Data = new byte[40], Zip64 = true })
        .Add(new ZipMemberSpec { Name = "hidden.pkl", Data = PickleSamples.EmptyDict, Hidden = true })
        .Zip64End()
        .Build();

    [Fact]
    public void ZipReaderRead_EveryByteCorruptedOrCut_OnlyModelFormatException()
    {
        byte[] zip = SampleZip();
        for (int i = 0; i < zip.Length; i++)
        {
            foreach (byte value in new byte[] { 0x00, 0xFF, (byte)(zip[i] ^ 0x80) })
            {
                byte[] bad = (byte[])zip.Clone();
                bad[i] = value;
                ReadOrModelFormatException(() => ZipReader.Read(new MemoryStream(bad)));
            }
            ReadOrModelFormatException(() => ZipReader.Read(new MemoryStream(zip, 0, i)));
        }
    }

    [Fact]
    public void ZipReaderRead_Sample_SeesBothViews()
    {
        ZipDirectory d = ZipReader.Read(new MemoryStream(SampleZip()));
        Assert.True(d.IsZip64);
        Assert.Equal(3, d.Entries.Count);
        Assert.False(d.Entries[2].InCentralDirectory);
        Assert.Equal(40, d.Entries[1].UncompressedSize);
        Assert.True(d.Entries[1].IsZip64);
        Assert.Contains(d.Issues, i => i.Code == "zip.hidden-local-header");
    }

    [Fact]
    public void NpyReaderRead_EveryByteCorruptedOrCut_OnlyModelFormatException()
    {
        byte[] npy = NpyWriter.Write("{'descr': [('a', '<i4'), ('b', '|O', (2,))], 'fortran_order': False, 'shape': (3L, 2), }", [1, 2, 3]);
        int headerEnd = npy.Length - 3;
        for (int i = 0; i < headerEnd; i++)
        {
            foreach (byte value in new byte[] { 0x00, (byte)'[', (byte)'(', (byte)'\'', (byte)'9', 0xFF })
            {
                byte[] bad = (byte[])npy.Clone();
                bad[i] = value;
                ReadOrModelFormatException(() => NpyReader.Read(new MemoryStream(bad)));
            }
            ReadOrModelFormatException(() => NpyReader.Read(new MemoryStream(npy, 0, i)));
        }
    }

    [Fact]
    public void Vet_EveryByteCorrupted_NoEscapingException()
    {
        byte[] zip = SampleZip();
        (ModelVetter vetter, _) = FakePickleVetter.Create();
        for (int i = 0; i < zip.Length; i++)
        {
            byte[] bad = (byte[])zip.Clone();
            bad[i] ^= 0xFF;
            VetResult r = vetter.VetStream("c.zip", new MemoryStream(bad), bad.Length);
            Assert.NotEqual(Verdict.Safe, r.Verdict);
        }
    }

    private static void ReadOrModelFormatException(Action read)
    {
        try
        {
            read();
        }
        catch (ModelFormatException)
        {
        }
    }
}
