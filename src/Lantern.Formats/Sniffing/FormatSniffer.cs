using System.Buffers.Binary;

namespace Lantern.Formats.Sniffing;

/// <summary>
/// First-stage identification from the first <see cref="HeadLength"/> bytes only (formats.md §1): content,
/// never the file name. Containers (zip, 7z, compressed streams) need a second stage
/// (<see cref="ZipModelClassifier"/>, decompression) before anyone calls them a model.
/// </summary>
public static class FormatSniffer
{
    /// <summary>
    /// Bytes the filesystem sweep reads from every file. Kept at 16 on purpose: the sweep's cost target is
    /// <c>head -c 16</c>. Legacy PyTorch's magic (15 bytes) is the longest signature that needs it.
    /// </summary>
    public const int HeadLength = 16;

    /// <param name="head">The file's first bytes (up to <see cref="HeadLength"/>; fewer for short files).</param>
    /// <param name="fileLength">The file's length, or -1 when unknown; used only for plausibility checks.</param>
    public static ModelFormatId Sniff(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length > HeadLength)
        {
            head = head[..HeadLength];
        }
        if (head.Length < 4)
        {
            return ModelFormatId.Unknown;
        }

        if (head.StartsWith(SniffLayout.Gguf))
        {
            return ModelFormatId.Gguf;
        }
        uint le32 = BinaryPrimitives.ReadUInt32LittleEndian(head);
        if (le32 is SniffLayout.GgmlUnversioned or SniffLayout.GgmlVersioned or SniffLayout.GgjtVersioned)
        {
            return ModelFormatId.GgmlLegacy;
        }
        if (head.StartsWith(SniffLayout.ZipLocal) || head.StartsWith(SniffLayout.ZipEmpty))
        {
            return ModelFormatId.Zip;
        }
        if (head.StartsWith(SniffLayout.PyTorchLegacy))
        {
            return ModelFormatId.PyTorchLegacy;
        }
        if (head.StartsWith(SniffLayout.Numpy))
        {
            return ModelFormatId.Numpy;
        }
        if (head.StartsWith(SniffLayout.Hdf5))
        {
            return ModelFormatId.Hdf5;
        }
        if (head.StartsWith(SniffLayout.SevenZip))
        {
            return ModelFormatId.SevenZip;
        }
        if (IsCompressedStream(head))
        {
            return ModelFormatId.CompressedStream;
        }
        if (head.StartsWith(SniffLayout.ApeMz) || head.StartsWith(SniffLayout.ApeNoPe))
        {
            return ModelFormatId.Llamafile;
        }
        if (SniffFlatBuffer(head, fileLength) is { } flat)
        {
            return flat;
        }
        if (IsSafetensors(head, fileLength))
        {
            return ModelFormatId.Safetensors;
        }
        if (IsPyTorchTar(head, fileLength))
        {
            return ModelFormatId.PyTorchTar;
        }
        if (PickleHeuristics.LooksLikePickle(head))
        {
            return ModelFormatId.Pickle;
        }
        return ProtobufHeuristics.Sniff(head);
    }

    /// <summary>Stable lowercase id for reports (<c>ModelArtifact.Format</c>).</summary>
    public static string ToReportId(ModelFormatId id) => id switch
    {
        ModelFormatId.Gguf => "gguf",
        ModelFormatId.GgmlLegacy => "ggml",
        ModelFormatId.Safetensors => "safetensors",
        ModelFormatId.Zip => "zip",
        ModelFormatId.PyTorchZip => "pytorch-zip",
        ModelFormatId.TorchScript => "torchscript",
        ModelFormatId.PyTorchLegacy => "pytorch-legacy",
        ModelFormatId.PyTorchTar => "pytorch-tar",
        ModelFormatId.Pickle => "pickle",
        ModelFormatId.CompressedStream => "compressed",
        ModelFormatId.Numpy => "numpy",
        ModelFormatId.Npz => "npz",
        ModelFormatId.Keras => "keras",
        ModelFormatId.Hdf5 => "hdf5",
        ModelFormatId.Onnx => "onnx",
        ModelFormatId.Ort => "ort",
        ModelFormatId.TfLite => "tflite",
        ModelFormatId.ExecuTorch => "executorch",
        ModelFormatId.CoreMl => "coreml",
        ModelFormatId.Llamafile => "llamafile",
        ModelFormatId.SevenZip => "7z",
        _ => "unknown",
    };

    /// <summary>
    /// True for ids that are model artifacts in the inventory. Plain containers (zip, 7z, gzip/xz/… streams)
    /// are not models by themselves: the second stage decides (a zip becomes PyTorchZip/Keras/Npz…; a
    /// compressed stream may be a joblib pickle).
    /// </summary>
    public static bool IsModelFormat(ModelFormatId id) =>
        id is not (ModelFormatId.Unknown or ModelFormatId.Zip or ModelFormatId.CompressedStream or ModelFormatId.SevenZip);

    /// <summary>
    /// True when the head is an executable (PE "MZ", ELF, Mach-O) that may carry an appended zip — a llamafile
    /// built without the APE shell header. Callers then run <see cref="ZipModelClassifier.ClassifyZip"/>,
    /// which reads the end-of-central-directory from the file's tail (one small read).
    /// </summary>
    public static bool MayHaveAppendedZip(ReadOnlySpan<byte> head) =>
        head.StartsWith("MZ"u8)
        || head.StartsWith("\u007FELF"u8)
        || head.StartsWith((ReadOnlySpan<byte>)[0xCF, 0xFA, 0xED, 0xFE])
        || head.StartsWith((ReadOnlySpan<byte>)[0xCA, 0xFE, 0xBA, 0xBE]);

    private static bool IsCompressedStream(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(SniffLayout.Gzip) || head.StartsWith(SniffLayout.Xz) || head.StartsWith(SniffLayout.Zstd) || head.StartsWith(SniffLayout.Lz4Frame))
        {
            return true;
        }
        // bz2: "BZh" + block size digit + the block magic (pi) or end-of-stream magic (sqrt pi), so "BZh9 text" is not enough.
        if (head.Length >= 8 && head.StartsWith(SniffLayout.Bzip2) && head[3] is >= (byte)'1' and <= (byte)'9'
            && (head[4..8].SequenceEqual((ReadOnlySpan<byte>)[0x31, 0x41, 0x59, 0x26]) || head[4..8].SequenceEqual((ReadOnlySpan<byte>)[0x17, 0x72, 0x45, 0x38])))
        {
            return true;
        }
        // zlib (RFC 1950): CMF 0x78 with the three FLG bytes writers use; 0x5E ("x^") is left out because it is ASCII.
        if (head[0] == 0x78 && head[1] is 0x01 or 0x9C or 0xDA)
        {
            return true;
        }
        // LZMA-alone (joblib "lzma"): props 0x5D, u32 dictionary size (power of two ≥ 4 KiB), u64 size or -1.
        if (head.Length >= 13 && head[0] == 0x5D && head[1] == 0 && head[2] == 0)
        {
            uint dict = BinaryPrimitives.ReadUInt32LittleEndian(head[1..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(head[5..]);
            return dict >= 4096 && (dict & (dict - 1)) == 0 && (size == ulong.MaxValue || size < (1UL << 48));
        }
        return false;
    }

    private static ModelFormatId? SniffFlatBuffer(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < 8)
        {
            return null;
        }
        // A FlatBuffer starts with the u32 offset of its root table, which must land inside the file.
        uint root = BinaryPrimitives.ReadUInt32LittleEndian(head);
        if (root < 8 || (fileLength >= 0 && root >= fileLength))
        {
            return null;
        }
        ReadOnlySpan<byte> identifier = head[4..8];
        if (identifier.SequenceEqual(SniffLayout.OrtIdentifier))
        {
            return ModelFormatId.Ort;
        }
        if (identifier.SequenceEqual(SniffLayout.TfLiteIdentifier))
        {
            return ModelFormatId.TfLite;
        }
        if (identifier.StartsWith(SniffLayout.ExecuTorchPrefix) && char.IsAsciiDigit((char)identifier[2]) && char.IsAsciiDigit((char)identifier[3]))
        {
            return ModelFormatId.ExecuTorch;
        }
        return null;
    }

    private static bool IsSafetensors(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < 10 || head[8] != (byte)'{')
        {
            return false;
        }
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(head);
        if (n < 2 || n > SniffLayout.SafetensorsMaxHeader || (fileLength >= 0 && n > (ulong)Math.Max(0, fileLength - 8)))
        {
            return false;
        }
        // The JSON object's next byte: a key, whitespace, or the end of an empty object.
        return head[9] is (byte)'"' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'}';
    }

    /// <summary>
    /// PyTorch 0.1.1 tar: the first tar header's name field (offset 0, NUL-padded) is one of the four member
    /// names. The <c>ustar</c> magic at 257 is out of reach of 16 bytes, so the whole 16 bytes must be that name
    /// plus NULs, and the file must hold at least two 512-byte tar blocks.
    /// </summary>
    private static bool IsPyTorchTar(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < HeadLength || (fileLength >= 0 && fileLength < 1024))
        {
            return false;
        }
        int nul = head.IndexOf((byte)0);
        if (nul <= 0 || head[nul..].ContainsAnyExcept((byte)0))
        {
            return false;
        }
        ReadOnlySpan<byte> name = head[..nul];
        foreach (string member in SniffLayout.PyTorchTarMembers)
        {
            if (name.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(member)))
            {
                return true;
            }
        }
        return false;
    }
}
