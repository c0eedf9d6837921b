using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lantern.Testing.Fixtures;

/// <summary>
/// Builds safetensors files (huggingface/safetensors README): u64 LE header length, JSON header, byte buffer.
/// Offsets are laid out contiguously unless given; corruption switches lie about lengths and sizes.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<(string Name, string Dtype, ulong[] Shape, ulong? Begin, ulong? End)> _tensors = [];
    private readonly List<(string Key, string Value)> _metadata = [];
    private string? _rawHeader;
    private ulong? _claimedHeaderLength;
    private int _headerPadding;
    private long? _bufferLength;

    public SafetensorsWriter AddTensor(string name, string dtype, ulong[] shape, ulong? begin = null, ulong? end = null)
    {
        _tensors.Add((name, dtype, shape, begin, end));
        return this;
    }

    public SafetensorsWriter AddMetadata(string key, string value)
    {
        _metadata.Add((key, value));
        return this;
    }

    /// <summary>Uses this text as the JSON header instead of the generated one.</summary>
    public SafetensorsWriter RawHeader(string json)
    {
        _rawHeader = json;
        return this;
    }

    /// <summary>Writes this value as N instead of the real header length.</summary>
    public SafetensorsWriter ClaimHeaderLength(ulong length)
    {
        _claimedHeaderLength = length;
        return this;
    }

    /// <summary>Pads the header with trailing spaces, as the reference writer does for alignment.</summary>
    public SafetensorsWriter PadHeader(int spaces)
    {
        _headerPadding = spaces;
        return this;
    }

    /// <summary>Writes a buffer of this many bytes instead of the size the tensors describe.</summary>
    public SafetensorsWriter BufferLength(long bytes)
    {
        _bufferLength = bytes;
        return this;
    }

    /// <summary>Bytes per element for the dtypes tests use; others count as 1.</summary>
    public static ulong DtypeBytes(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        _ => 1,
    };

    private static ulong Size(string dtype, ulong[] shape) => shape.Aggregate(1UL, (a, d) => a * d) * DtypeBytes(dtype);

    public string HeaderJson()
    {
        if (_rawHeader is not null)
        {
            return _rawHeader;
        }
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (_metadata.Count > 0)
            {
                w.WriteStartObject("__metadata__");
                foreach ((string key, string value) in _metadata)
                {
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
            ulong cursor = 0;
            foreach ((string name, string dtype, ulong[] shape, ulong? begin, ulong? end) in _tensors)
            {
                ulong b = begin ?? cursor;
                ulong e = end ?? b + Size(dtype, shape);
                cursor = Math.Max(cursor, e);
                w.WriteStartObject(name);
                w.WriteString("dtype", dtype);
                w.WriteStartArray("shape");
                foreach (ulong d in shape)
                {
                    w.WriteNumberValue(d);
                }
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(b);
                w.WriteNumberValue(e);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>The buffer size the generated header describes (largest end offset).</summary>
    public long DescribedBufferLength()
    {
        ulong cursor = 0;
        foreach ((_, string dtype, ulong[] shape, ulong? begin, ulong? end) in _tensors)
        {
            ulong b = begin ?? cursor;
            cursor = Math.Max(cursor, end ?? b + Size(dtype, shape));
        }
        return (long)cursor;
    }

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        WriteTo(ms);
        return ms.ToArray();
    }

    /// <summary>Writes the file; on a seekable stream the buffer is made by extending the length (sparse, cheap).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = Encoding.UTF8.GetBytes(HeaderJson() + new string(' ', _headerPadding));
        byte[] prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, _claimedHeaderLength ?? (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        long buffer = _bufferLength ?? DescribedBufferLength();
        if (stream.CanSeek)
        {
            stream.SetLength(stream.Position + buffer);
            stream.Position = stream.Length;
        }
        else
        {
            stream.Write(new byte[buffer]);
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"safetensors with {_tensors.Count} tensors");
}
