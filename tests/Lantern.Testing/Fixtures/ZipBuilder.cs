using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Lantern.Testing.Fixtures;

/// <summary>How one zip member is written; every switch forges one disagreement or trick (formats.md §9.6 A4).</summary>
public sealed record ZipMemberSpec
{
    public required string Name { get; init; }

    public required byte[] Data { get; init; }

    public bool Deflate { get; init; }

    /// <summary>General-purpose flags written in both headers unless <see cref="LocalFlags"/> says otherwise.</summary>
    public ushort Flags { get; init; }

    public ushort? LocalFlags { get; init; }

    /// <summary>Name written in the local header (defaults to <see cref="Name"/>).</summary>
    public string? LocalName { get; init; }

    /// <summary>CRC written in both headers instead of the real one.</summary>
    public uint? Crc { get; init; }

    /// <summary>Method number written instead of 0/8 (the data is still stored).</summary>
    public ushort? MethodOverride { get; init; }

    /// <summary>Writes sizes and offset as 0xFFFFFFFF with a zip64 extra field in the central directory.</summary>
    public bool Zip64 { get; init; }

    /// <summary>Leaves the member out of the central directory (a hidden local header).</summary>
    public bool Hidden { get; init; }

    /// <summary>Sets bit 3, zeroes the local CRC/sizes and writes a data descriptor after the data.</summary>
    public bool DataDescriptor { get; init; }

    /// <summary>Prepends a 12-byte traditional-encryption header and sets bit 0 (content stays unreadable garbage).</summary>
    public bool Encrypt { get; init; }
}

/// <summary>
/// Builds zip files byte by byte (APPNOTE 4.3): local headers, data, central directory, end record, with switches
/// that make the two views disagree. No compression library decides the layout, so every trick is reproducible.
/// </summary>
public sealed class ZipBuilder
{
    private readonly List<ZipMemberSpec> _members = [];
    private byte[] _prefix = [];
    private byte[] _suffix = [];
    private bool _zip64End;

    public ZipBuilder Add(string name, byte[] data, bool deflate = false) => Add(new ZipMemberSpec { Name = name, Data = data, Deflate = deflate });

    public ZipBuilder Add(ZipMemberSpec member)
    {
        _members.Add(member);
        return this;
    }

    /// <summary>Bytes before the archive; offsets stay relative to the archive (as concatenation leaves them).</summary>
    public ZipBuilder Prepend(byte[] prefix)
    {
        _prefix = prefix;
        return this;
    }

    /// <summary>Bytes after the end record.</summary>
    public ZipBuilder Append(byte[] suffix)
    {
        _suffix = suffix;
        return this;
    }

    /// <summary>Writes a zip64 end record and locator before the classic end record.</summary>
    public ZipBuilder Zip64End()
    {
        _zip64End = true;
        return this;
    }

    public byte[] Build()
    {
        using var body = new MemoryStream();
        using var central = new MemoryStream();
        int centralCount = 0;
        foreach (ZipMemberSpec m in _members)
        {
            byte[] stored = m.Deflate ? DeflateBytes(m.Data) : m.Data;
            if (m.Encrypt)
            {
                stored = [.. Enumerable.Range(0, 12).Select(i => (byte)(0xA5 ^ i)), .. stored];
            }
            uint crc = m.Crc ?? Crc32(m.Data);
            ushort method = m.MethodOverride ?? (ushort)(m.Deflate ? 8 : 0);
            ushort flags = (ushort)(m.Flags | (m.Encrypt ? 1 : 0) | (m.DataDescriptor ? 8 : 0));
            ushort localFlags = m.LocalFlags ?? flags;
            byte[] localName = Encoding.UTF8.GetBytes(m.LocalName ?? m.Name);
            byte[] name = Encoding.UTF8.GetBytes(m.Name);
            long offset = body.Length;

            var w = new BinaryWriter(body);
            w.Write(0x04034b50u);
            w.Write((ushort)20);
            w.Write(localFlags);
            w.Write(method);
            w.Write((ushort)0);
            w.Write((ushort)0x21);
            w.Write(m.DataDescriptor ? 0u : crc);
            w.Write(m.DataDescriptor ? 0u : (uint)stored.Length);
            w.Write(m.DataDescriptor ? 0u : (uint)m.Data.Length);
            w.Write((ushort)localName.Length);
            w.Write((ushort)0);
            w.Write(localName);
            w.Write(stored);
            if (m.DataDescriptor)
            {
                w.Write(0x08074b50u);
                w.Write(crc);
                w.Write((uint)stored.Length);
                w.Write((uint)m.Data.Length);
            }
            w.Flush();
            if (m.Hidden)
            {
                continue;
            }
            centralCount++;
            var c = new BinaryWriter(central);
            c.Write(0x02014b50u);
            c.Write((ushort)0x031E);
            c.Write((ushort)(m.Zip64 ? 45 : 20));
            c.Write(flags);
            c.Write(method);
            c.Write((ushort)0);
            c.Write((ushort)0x21);
            c.Write(crc);
            c.Write(m.Zip64 ? uint.MaxValue : (uint)stored.Length);
            c.Write(m.Zip64 ? uint.MaxValue : (uint)m.Data.Length);
            c.Write((ushort)name.Length);
            c.Write((ushort)(m.Zip64 ? 28 : 0));
            c.Write((ushort)0);
            c.Write((ushort)0);
            c.Write((ushort)0);
            c.Write(0u);
            c.Write(m.Zip64 ? uint.MaxValue : (uint)offset);
            c.Write(name);
            if (m.Zip64)
            {
                c.Write((ushort)1);
                c.Write((ushort)24);
                c.Write((ulong)m.Data.Length);
                c.Write((ulong)stored.Length);
                c.Write((ulong)offset);
            }
            c.Flush();
        }
        long centralOffset = body.Length;
        central.Position = 0;
        central.CopyTo(body);
        var e = new BinaryWriter(body);
        if (_zip64End)
        {
            long zip64At = body.Length;
            e.Write(0x06064b50u);
            e.Write(44UL);
            e.Write((ushort)45);
            e.Write((ushort)45);
            e.Write(0u);
            e.Write(0u);
            e.Write((ulong)centralCount);
            e.Write((ulong)centralCount);
            e.Write((ulong)central.Length);
            e.Write((ulong)centralOffset);
            e.Write(0x07064b50u);
            e.Write(0u);
            e.Write((ulong)zip64At);
            e.Write(1u);
        }
        e.Write(0x06054b50u);
        e.Write((ushort)0);
        e.Write((ushort)0);
        e.Write(_zip64End ? ushort.MaxValue : (ushort)centralCount);
        e.Write(_zip64End ? ushort.MaxValue : (ushort)centralCount);
        e.Write(_zip64End ? uint.MaxValue : (uint)central.Length);
        e.Write(_zip64End ? uint.MaxValue : (uint)centralOffset);
        e.Write((ushort)0);
        e.Flush();
        return [.. _prefix, .. body.ToArray(), .. _suffix];
    }

    public static byte[] DeflateBytes(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var d = new DeflateStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            d.Write(data);
        }
        return ms.ToArray();
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
        }
        return ~c;
    }

    /// <summary>A <c>torch.save</c>-shaped archive: data.pkl, data/0, version, byteorder, serialization id.</summary>
    public static ZipBuilder TorchSave(byte[] dataPkl, string root = "archive")
    {
        var b = new ZipBuilder();
        b.Add(new ZipMemberSpec { Name = $"{root}/data.pkl", Data = dataPkl, Flags = 0x0808, DataDescriptor = false });
        b.Add($"{root}/byteorder", "little"u8.ToArray());
        b.Add($"{root}/data/0", [0x80, 0x02, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40]);
        b.Add($"{root}/version", "3\n"u8.ToArray());
        b.Add($"{root}/.data/serialization_id", "1234567890123456789012345678901234567890"u8.ToArray());
        return b;
    }
}
