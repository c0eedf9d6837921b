using System.Buffers.Binary;
using System.Text;

namespace Lantern.Testing.Fixtures;

/// <summary>Writes .npy files (numpy/lib/format.py): magic, version, header length, padded dict literal, body.</summary>
public static class NpyWriter
{
    /// <param name="header">The dict literal, e.g. <c>{'descr': '&lt;i4', 'fortran_order': False, 'shape': (3,), }</c>.</param>
    /// <param name="body">Array bytes or, for object arrays, a pickle.</param>
    /// <param name="major">1, 2 or 3 (anything else for a bad-version fixture).</param>
    /// <param name="claimedHeaderLength">Overrides the header length field (a lying header).</param>
    public static byte[] Write(string header, byte[] body, byte major = 1, long? claimedHeaderLength = null)
    {
        int prefix = major == 1 ? 10 : 12;
        var text = new StringBuilder(header);
        while ((prefix + Encoding.UTF8.GetByteCount(text.ToString()) + 1) % 64 != 0)
        {
            text.Append(' ');
        }
        text.Append('\n');
        byte[] h = Encoding.UTF8.GetBytes(text.ToString());
        var ms = new MemoryStream();
        ms.Write([0x93, .. "NUMPY"u8, major, 0]);
        long length = claimedHeaderLength ?? h.Length;
        if (major == 1)
        {
            Span<byte> l = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(l, (ushort)length);
            ms.Write(l);
        }
        else
        {
            Span<byte> l = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(l, (uint)length);
            ms.Write(l);
        }
        ms.Write(h);
        ms.Write(body);
        return ms.ToArray();
    }

    /// <summary>An int32 vector.</summary>
    public static byte[] Int32Vector(params int[] values)
    {
        byte[] body = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(i * 4), values[i]);
        }
        return Write($"{{'descr': '<i4', 'fortran_order': False, 'shape': ({values.Length},), }}", body);
    }
}
