using System.Formats.Tar;

namespace Lantern.Testing.Fixtures;

/// <summary>Builds ustar archives in memory (System.Formats.Tar), e.g. PyTorch 0.1.1 tar checkpoints.</summary>
public sealed class TarBuilder
{
    private readonly List<(string Name, byte[] Data)> _members = [];

    public TarBuilder Add(string name, byte[] data)
    {
        _members.Add((name, data));
        return this;
    }

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in _members)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };
                writer.WriteEntry(entry);
            }
        }
        return ms.ToArray();
    }
}
