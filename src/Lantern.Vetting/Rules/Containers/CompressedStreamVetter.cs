using System.IO.Compression;
using Lantern.Core.Findings;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.LZMA;
using SharpCompress.Compressors.Xz;

namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// Whole-file compressed pickles (formats.md §1, §6; §9.6 A6): <c>joblib.dump(compress=…)</c> writes zlib, gzip,
/// bz2, xz, lzma (LZMA-alone) or lz4 (frame format, K4os.Compression.LZ4.Streams); zstd is read too, and <c>joblib.load</c> picks the decompressor by magic whatever the name.
/// The payload is inflated with the archive budget into a bounded seekable buffer and handed to the engine, which
/// sniffs it (a pickle, a tar, another compressed layer…). joblib's own framing — a pickle whose NumpyArrayWrapper
/// objects are followed inline by raw array bytes (joblib/numpy_pickle.py) — is the pickle vetter's to walk.
/// </summary>
public sealed class CompressedStreamVetter : IFormatVetter
{
    public string Id => "compressed";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.CompressedStream };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Stream content = context.Content.Position == 0 ? context.Content : new SubStream(context.Content, context.Content.Position, context.Length);
        Span<byte> head = stackalloc byte[16];
        content.Position = 0;
        int got = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        content.Position = 0;
        string codec = Identify(head[..got]);
        if (codec == "unknown")
        {
            context.Add(ContainerRules.Finding(ContainerRules.CompressionUnsupported, Verdict.Incomplete, Severity.Low,
                "Compressed stream of an unrecognised kind; the payload was not judged.", ("codec", codec)));
            return Verdict.Incomplete;
        }
        var budget = new InflationBudget(context.Limits.MaxInflatedBytes, context.Limits.MaxCompressionRatio);
        MemberBuffer buffer;
        try
        {
            using Stream decoder = Open(codec, content);
            buffer = MemberBuffer.Fill(decoder, budget, context.Length, context.Cancellation);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or ArgumentException or InvalidOperationException
            or NotSupportedException or IndexOutOfRangeException or OverflowException or SharpCompress.Common.SharpCompressException)
        {
            // Decoders report corrupt input with these; the payload could not be read completely.
            context.Add(ContainerRules.Finding(ContainerRules.CompressionCorrupt, Verdict.Malformed, Severity.Medium,
                $"The {codec} stream does not decompress: {ex.Message}", ("codec", codec)));
            return Verdict.Malformed;
        }
        using (buffer)
        {
            if (buffer.Outcome != BufferOutcome.Complete)
            {
                context.Add(ContainerRules.Finding(ContainerRules.CompressionLimit, Verdict.Incomplete, Severity.Medium,
                    buffer.Outcome == BufferOutcome.OverRatio
                        ? $"The {codec} stream inflates more than {budget.MaxRatio}:1 (a decompression bomb); not judged."
                        : $"The {codec} stream inflates past {context.Limits.MaxInflatedBytes} bytes; not judged.", ("codec", codec)));
                return Verdict.Incomplete;
            }
            if (TrailerMismatch(codec, content, buffer) is { } why)
            {
                // .NET's inflaters end quietly on a cut stream; the trailer is the only proof the payload is whole.
                context.Add(ContainerRules.Finding(ContainerRules.CompressionCorrupt, Verdict.Malformed, Severity.Medium,
                    $"The {codec} stream is truncated or corrupt: {why}", ("codec", codec)));
            }
            context.Add(ContainerRules.Finding(ContainerRules.CompressedPayload, Verdict.Safe, Severity.Info,
                $"{codec}-compressed payload of {buffer.Length} bytes (joblib decompresses by magic); judged below.", ("codec", codec)));
            context.VetMember(codec, buffer.Content, buffer.Length);
        }
        return Verdict.Safe;
    }

    /// <summary>
    /// gzip (RFC 1952 §2.3.1): the last 8 bytes are CRC-32 and size mod 2^32 of the (last member's) payload.
    /// zlib (RFC 1950 §2.2): the last 4 bytes are the big-endian Adler-32 of the payload.
    /// </summary>
    private static string? TrailerMismatch(string codec, Stream content, MemberBuffer buffer)
    {
        if (codec is not ("gzip" or "zlib"))
        {
            return null;
        }
        Span<byte> trailer = stackalloc byte[8];
        int size = codec == "gzip" ? 8 : 4;
        if (content.Length < size + 2)
        {
            return "too short for its trailer";
        }
        content.Position = content.Length - size;
        content.ReadExactly(trailer[..size]);
        if (codec == "gzip")
        {
            uint crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            uint isize = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
            return crc == buffer.Crc && isize == (uint)(buffer.Length & 0xFFFFFFFF) ? null : "the trailer's CRC-32 or size does not match the payload";
        }
        uint expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(trailer);
        uint a = 1, b = 0;
        byte[] chunk = new byte[81920];
        buffer.Content.Position = 0;
        int n;
        while ((n = buffer.Content.Read(chunk, 0, chunk.Length)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                a = (a + chunk[i]) % 65521;
                b = (b + a) % 65521;
            }
        }
        buffer.Content.Position = 0;
        return ((b << 16) | a) == expected ? null : "the trailer's Adler-32 does not match the payload";
    }

    internal static string Identify(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return "gzip";
        }
        if (head.StartsWith("BZh"u8))
        {
            return "bz2";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]))
        {
            return "xz";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
        {
            return "zstd";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x04, 0x22, 0x4D, 0x18]))
        {
            return "lz4";
        }
        if (head.Length >= 2 && head[0] == 0x78)
        {
            return "zlib";
        }
        if (head.Length >= 13 && head[0] == 0x5D)
        {
            return "lzma";
        }
        return "unknown";
    }

    private static Stream Open(string codec, Stream content) => codec switch
    {
        "gzip" => new GZipStream(content, CompressionMode.Decompress, leaveOpen: true),
        "zlib" => new ZLibStream(content, CompressionMode.Decompress, leaveOpen: true),
        "bz2" => BZip2Stream.Create(content, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true, tolerateTruncatedStream: false),
        "xz" => new XZStream(new SubStream(content, 0, content.Length)),
        "zstd" => new SharpCompress.Compressors.ZStandard.DecompressionStream(content, 81920, checkEndOfStream: true, leaveOpen: true),
        "lzma" => OpenLzmaAlone(content),
        "lz4" => K4os.Compression.LZ4.Streams.LZ4Stream.Decode(content, leaveOpen: true),
        _ => throw new NotSupportedException(codec),
    };

    /// <summary>LZMA-alone (Python <c>lzma.FORMAT_ALONE</c>, joblib "lzma"): 5 property bytes, u64 size (-1 = unknown), data.</summary>
    private static LzmaStream OpenLzmaAlone(Stream content)
    {
        byte[] props = new byte[5];
        content.ReadExactly(props);
        Span<byte> size = stackalloc byte[8];
        content.ReadExactly(size);
        long outputSize = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(size);
        var input = new SubStream(content, 13, content.Length - 13);
        return LzmaStream.Create(props, input, content.Length - 13, outputSize, leaveOpen: true);
    }
}
