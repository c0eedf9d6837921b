using System.Text;

namespace Lantern.Benchmarks;

/// <summary>Byte-level fixtures for the benchmarks (the test fixture writers are not referenced from bench/).</summary>
internal static class BenchmarkFixtures
{
    public static byte[] GgufWithVocabulary(int tokens)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write(1UL);  // tensors
        writer.Write(3UL);  // kvs
        WriteString(writer, "general.architecture");
        writer.Write(8u);
        WriteString(writer, "llama");
        WriteString(writer, "general.alignment");
        writer.Write(4u);
        writer.Write(32u);
        WriteString(writer, "tokenizer.ggml.tokens");
        writer.Write(9u);
        writer.Write(8u);
        writer.Write((ulong)tokens);
        for (int i = 0; i < tokens; i++)
        {
            WriteString(writer, "tok" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        WriteString(writer, "token_embd.weight");
        writer.Write(2u);
        writer.Write(4096UL);
        writer.Write((ulong)tokens);
        writer.Write(1u); // F16
        writer.Write(0UL);
        writer.Flush();
        return stream.ToArray();
    }

    public static byte[] SafetensorsHeader(int tensors)
    {
        var json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (int i = 0; i < tensors; i++)
        {
            long size = 4096L * 4096 * 2;
            json.Append(System.Globalization.CultureInfo.InvariantCulture, $",\"model.layers.{i}.weight\":{{\"dtype\":\"BF16\",\"shape\":[4096,4096],\"data_offsets\":[{offset},{offset + size}]}}");
            offset += size;
        }
        json.Append('}');
        byte[] header = Encoding.UTF8.GetBytes(json.ToString());
        var bytes = new byte[8 + header.Length];
        BitConverter.TryWriteBytes(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)utf8.Length);
        writer.Write(utf8);
    }
}
