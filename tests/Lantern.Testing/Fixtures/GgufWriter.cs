using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Lantern.Testing.Fixtures;

/// <summary>
/// Builds GGUF files byte by byte (ggml-org/ggml docs/gguf.md), including broken ones: lie about counts,
/// write unknown types, pick the endianness. Value and tensor types are raw ids so this project need not
/// reference Lantern.Formats.
/// </summary>
public sealed class GgufWriter
{
    public const uint TypeUInt8 = 0;
    public const uint TypeInt8 = 1;
    public const uint TypeUInt16 = 2;
    public const uint TypeInt16 = 3;
    public const uint TypeUInt32 = 4;
    public const uint TypeInt32 = 5;
    public const uint TypeFloat32 = 6;
    public const uint TypeBool = 7;
    public const uint TypeString = 8;
    public const uint TypeArray = 9;
    public const uint TypeUInt64 = 10;
    public const uint TypeInt64 = 11;
    public const uint TypeFloat64 = 12;

    public const uint GgmlF32 = 0;
    public const uint GgmlF16 = 1;
    public const uint GgmlQ4_0 = 2;
    public const uint GgmlQ8_0 = 8;
    public const uint GgmlQ4_K = 12;

    private readonly List<Action<Sink>> _keyValues = [];
    private readonly List<Action<Sink>> _tensors = [];
    private uint _version = 3;
    private bool _bigEndian;
    private ulong? _claimedKeyValues;
    private ulong? _claimedTensors;
    private uint _alignment = 32;
    private byte[] _magic = "GGUF"u8.ToArray();
    private uint? _rawVersion;

    public GgufWriter Version(uint version)
    {
        _version = version;
        return this;
    }

    /// <summary>Writes the version field as given, byte for byte, ignoring <see cref="Version"/> and endianness.</summary>
    public GgufWriter RawVersion(uint littleEndianValue)
    {
        _rawVersion = littleEndianValue;
        return this;
    }

    public GgufWriter BigEndian(bool bigEndian = true)
    {
        _bigEndian = bigEndian;
        return this;
    }

    public GgufWriter Magic(string magic)
    {
        _magic = Encoding.ASCII.GetBytes(magic);
        return this;
    }

    /// <summary>Writes this KV count in the header instead of the real one.</summary>
    public GgufWriter ClaimKeyValueCount(ulong count)
    {
        _claimedKeyValues = count;
        return this;
    }

    /// <summary>Writes this tensor count in the header instead of the real one.</summary>
    public GgufWriter ClaimTensorCount(ulong count)
    {
        _claimedTensors = count;
        return this;
    }

    public GgufWriter AddString(string key, string value) => AddKv(key, TypeString, s => s.Text(value));

    public GgufWriter AddUInt8(string key, byte value) => AddKv(key, TypeUInt8, s => s.Bytes([value]));

    public GgufWriter AddInt32(string key, int value) => AddKv(key, TypeInt32, s => s.U32(unchecked((uint)value)));

    public GgufWriter AddUInt32(string key, uint value)
    {
        if (key == "general.alignment" && value != 0 && (value & (value - 1)) == 0)
        {
            _alignment = value;
        }
        return AddKv(key, TypeUInt32, s => s.U32(value));
    }

    public GgufWriter AddUInt64(string key, ulong value) => AddKv(key, TypeUInt64, s => s.U64(value));

    public GgufWriter AddFloat32(string key, float value) => AddKv(key, TypeFloat32, s => s.U32(BitConverter.SingleToUInt32Bits(value)));

    public GgufWriter AddBool(string key, bool value) => AddKv(key, TypeBool, s => s.Bytes([value ? (byte)1 : (byte)0]));

    public GgufWriter AddStringArray(string key, IReadOnlyList<string> values) => AddKv(key, TypeArray, s =>
    {
        s.U32(TypeString);
        s.Count((ulong)values.Count);
        foreach (string v in values)
        {
            s.Text(v);
        }
    });

    /// <summary>
    /// An array of <paramref name="count"/> elements of <paramref name="elementType"/>; <paramref name="elements"/>
    /// are written as given (already encoded), so the count may lie about them.
    /// </summary>
    public GgufWriter AddArray(string key, uint elementType, ulong count, byte[]? elements = null) => AddKv(key, TypeArray, s =>
    {
        s.U32(elementType);
        s.Count(count);
        if (elements is not null)
        {
            s.Bytes(elements);
        }
    });

    /// <summary>Arrays nested <paramref name="depth"/> levels deep, each holding one element; the innermost holds one u8.</summary>
    public GgufWriter AddNestedArray(string key, int depth) => AddKv(key, TypeArray, s =>
    {
        for (int i = 1; i < depth; i++)
        {
            s.U32(TypeArray);
            s.Count(1);
        }
        s.U32(TypeUInt8);
        s.Count(1);
        s.Bytes([7]);
    });

    /// <summary>A KV with any type id and raw value bytes (for unknown types and bad encodings).</summary>
    public GgufWriter AddRaw(string key, uint type, byte[] valueBytes) => AddKv(key, type, s => s.Bytes(valueBytes));

    /// <summary>A KV whose key is given as raw bytes (invalid UTF-8, oversize lengths).</summary>
    public GgufWriter AddRawKey(byte[] key, uint type, byte[] valueBytes)
    {
        _keyValues.Add(s =>
        {
            s.Count((ulong)key.Length);
            s.Bytes(key);
            s.U32(type);
            s.Bytes(valueBytes);
        });
        return this;
    }

    public GgufWriter AddTensor(string name, ulong[] dims, uint ggmlType, ulong offset)
    {
        _tensors.Add(s =>
        {
            s.Text(name);
            s.U32((uint)dims.Length);
            foreach (ulong d in dims)
            {
                s.Count(d);
            }
            s.U32(ggmlType);
            s.U64(offset);
        });
        return this;
    }

    /// <summary>Encodes a scalar as this writer would (for <see cref="AddArray"/> element bytes).</summary>
    public byte[] Encode(Action<GgufWriterSink> write)
    {
        var sink = new Sink(_bigEndian, _version);
        write(new GgufWriterSink(sink));
        return sink.ToArray();
    }

    /// <summary>The header: magic, version, counts, KVs, tensor infos, padding to the alignment.</summary>
    public byte[] Build()
    {
        var s = new Sink(_bigEndian, _version);
        s.Bytes(_magic);
        if (_rawVersion is { } raw)
        {
            Span<byte> v = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(v, raw);
            s.Bytes(v.ToArray());
        }
        else
        {
            s.U32(_version);
        }
        s.Count(_claimedTensors ?? (ulong)_tensors.Count);
        s.Count(_claimedKeyValues ?? (ulong)_keyValues.Count);
        foreach (Action<Sink> kv in _keyValues)
        {
            kv(s);
        }
        foreach (Action<Sink> t in _tensors)
        {
            t(s);
        }
        while (s.Length % _alignment != 0)
        {
            s.Bytes([0]);
        }
        return s.ToArray();
    }

    /// <summary>
    /// Writes the header and then <paramref name="padTensorDataBytes"/> bytes of tensor data. On a seekable
    /// stream the data is made by extending the length (sparse on most file systems), so multi-GB files are cheap.
    /// </summary>
    public void WriteTo(Stream stream, long padTensorDataBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Build());
        if (padTensorDataBytes <= 0)
        {
            return;
        }
        if (stream.CanSeek)
        {
            long end = stream.Position + padTensorDataBytes;
            stream.SetLength(end);
            stream.Position = end;
            return;
        }
        byte[] zeros = new byte[64 * 1024];
        while (padTensorDataBytes > 0)
        {
            int n = (int)Math.Min(zeros.Length, padTensorDataBytes);
            stream.Write(zeros, 0, n);
            padTensorDataBytes -= n;
        }
    }

    private GgufWriter AddKv(string key, uint type, Action<Sink> value)
    {
        _keyValues.Add(s =>
        {
            s.Text(key);
            s.U32(type);
            value(s);
        });
        return this;
    }

    /// <summary>Endian- and version-aware byte sink.</summary>
    internal sealed class Sink(bool bigEndian, uint version)
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public long Length => _buffer.WrittenCount;

        public void Bytes(byte[] bytes) => _buffer.Write(bytes);

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            }
            _buffer.Write(b);
        }

        public void U64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt64BigEndian(b, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(b, v);
            }
            _buffer.Write(b);
        }

        /// <summary>Counts and lengths: u32 in v1, u64 from v2.</summary>
        public void Count(ulong v)
        {
            if (version == 1)
            {
                U32(unchecked((uint)v));
            }
            else
            {
                U64(v);
            }
        }

        public void Text(string value)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            Count((ulong)bytes.Length);
            _buffer.Write(bytes);
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }
}

/// <summary>Public face of the writer's sink for <see cref="GgufWriter.Encode"/>.</summary>
public sealed class GgufWriterSink
{
    private readonly GgufWriter.Sink _sink;

    internal GgufWriterSink(GgufWriter.Sink sink) => _sink = sink;

    public void U32(uint v) => _sink.U32(v);

    public void U64(ulong v) => _sink.U64(v);

    public void Text(string value) => _sink.Text(value);

    public void Bytes(byte[] bytes) => _sink.Bytes(bytes);
}
