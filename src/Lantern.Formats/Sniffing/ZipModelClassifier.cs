using System.Buffers.Binary;
using System.IO.Compression;
using Lantern.Formats.Internal;

namespace Lantern.Formats.Sniffing;

/// <summary>
/// Second stage for zips (formats.md §1, §4, §6, §7): names the model format from the central directory only.
/// Nothing is extracted; at most the first 4 bytes of a few members are inflated to spot GGUF (llamafile).
/// </summary>
public static class ZipModelClassifier
{
    // ZIP APPNOTE 4.3.16 (EOCD), 4.3.15 (zip64 locator), 4.3.14 (zip64 EOCD).
    private const uint EocdSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EocdSignature = 0x06064b50;
    private const int EocdBytes = 22;
    private const int MaxCommentBytes = 65535;

    /// <summary>
    /// Classifies a zip (or an executable with a zip appended, as llamafile is). Returns PyTorchZip, TorchScript,
    /// Npz, Keras, Llamafile, or Zip for an archive that is none of them; Unknown when the stream holds no zip at all.
    /// Throws <see cref="ModelFormatException"/> for a damaged or over-limit archive.
    /// </summary>
    /// <param name="stream">Seekable stream over the whole file.</param>
    public static ModelFormatId ClassifyZip(Stream stream, ZipClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            // ZipArchive would copy a non-seekable stream into memory; refuse rather than buffer a 40 GB file.
            throw new ArgumentException("The zip classifier needs a seekable stream.", nameof(stream));
        }
        options ??= ZipClassifierOptions.Default;
        long start = stream.Position;
        bool startsLikeZip = StartsWithPk(stream, start);
        (long Entries, long DirectoryBytes, long EocdOffset, long ArchiveStart)? end = FindEnd(stream, start);
        if (end is null)
        {
            if (startsLikeZip)
            {
                throw new ModelFormatException("zip.no-central-directory", stream.Length, "The zip has no end-of-central-directory record (truncated?).");
            }
            return ModelFormatId.Unknown;
        }
        (long entryCount, long cdBytes, long eocd, long archiveStart) = end.Value;
        if (entryCount > options.MaxEntries)
        {
            throw new ModelFormatException("zip.entry-count-over-limit", eocd, $"The zip claims {entryCount} entries; the limit is {options.MaxEntries}.");
        }
        if (cdBytes > options.MaxCentralDirectoryBytes)
        {
            throw new ModelFormatException("zip.directory-over-limit", eocd, $"The zip's central directory is {cdBytes} bytes; the limit is {options.MaxCentralDirectoryBytes}.");
        }

        stream.Position = start;
        try
        {
            // A zip appended to an executable by concatenation keeps offsets relative to its own start;
            // ZipArchive reads absolute positions, so give it a view that begins where the zip does.
            // (APE/llamafile archives use absolute offsets, so their computed start is the file start.)
            using Stream view = new StreamWindow(stream, Math.Max(archiveStart, start));
            using var archive = new ZipArchive(view, ZipArchiveMode.Read, leaveOpen: true);
            return Classify(archive, options);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException or OverflowException)
        {
            // ZipArchive reports bad offsets and sizes with these; for an in-memory or file stream they mean damaged input.
            throw new ModelFormatException("zip.invalid", eocd, $"The zip's central directory cannot be read: {e.Message}");
        }
    }

    private static ModelFormatId Classify(ZipArchive archive, ZipClassifierOptions options)
    {
        var names = new List<string>(Math.Min(archive.Entries.Count, 4096));
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            names.Add(entry.FullName.Replace('\\', '/'));
        }

        bool hasCode = false;
        bool hasConstants = false;
        bool hasDataPkl = false;
        bool hasConfig = false;
        bool hasKerasPart = false;
        int files = 0;
        int npy = 0;
        foreach (string name in names)
        {
            string[] parts = name.Split('/');
            if (parts.Length >= 3 && parts[1] == "code")
            {
                hasCode = true;
            }
            if (name.EndsWith("/constants.pkl", StringComparison.Ordinal) && parts.Length == 2)
            {
                hasConstants = true;
            }
            if ((name.EndsWith("/data.pkl", StringComparison.Ordinal) && parts.Length == 2) || name == "data.pkl")
            {
                hasDataPkl = true;
            }
            hasConfig |= name == "config.json";
            hasKerasPart |= name is "metadata.json" or "model.weights.h5";
            if (!name.EndsWith('/'))
            {
                files++;
                if (name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                {
                    npy++;
                }
            }
        }

        if (hasCode && hasConstants)
        {
            return ModelFormatId.TorchScript;
        }
        if (hasDataPkl)
        {
            return ModelFormatId.PyTorchZip;
        }
        if (hasConfig && hasKerasPart)
        {
            return ModelFormatId.Keras;
        }
        if (files > 0 && npy == files)
        {
            return ModelFormatId.Npz;
        }
        return HasGgufMember(archive, options) ? ModelFormatId.Llamafile : ModelFormatId.Zip;
    }

    /// <summary>Reads the first 4 bytes of the likeliest members: *.gguf first, then the largest.</summary>
    private static bool HasGgufMember(ZipArchive archive, ZipClassifierOptions options)
    {
        IEnumerable<ZipArchiveEntry> candidates = archive.Entries
            .Where(e => e.Length >= 4 && !e.FullName.EndsWith('/'))
            .OrderByDescending(e => e.FullName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(e => e.Length)
            .Take(options.MaxProbedMembers);
        Span<byte> head = stackalloc byte[4];
        foreach (ZipArchiveEntry entry in candidates)
        {
            using Stream member = entry.Open();
            int got = 0;
            while (got < head.Length)
            {
                int n = member.Read(head[got..]);
                if (n <= 0)
                {
                    break;
                }
                got += n;
            }
            if (got == 4 && head.SequenceEqual("GGUF"u8))
            {
                return true;
            }
        }
        return false;
    }

    private static bool StartsWithPk(Stream stream, long start)
    {
        Span<byte> head = stackalloc byte[2];
        stream.Position = start;
        return stream.Read(head) == 2 && head[0] == 0x50 && head[1] == 0x4B;
    }

    /// <summary>
    /// Finds the end-of-central-directory record in the last 64 KiB + 22 bytes (one read) and returns the
    /// claimed entry count and directory size, from the zip64 record when there is one.
    /// </summary>
    private static (long Entries, long DirectoryBytes, long EocdOffset, long ArchiveStart)? FindEnd(Stream stream, long start)
    {
        long length = stream.Length - start;
        if (length < EocdBytes)
        {
            return null;
        }
        int tailLength = (int)Math.Min(length, EocdBytes + MaxCommentBytes);
        byte[] tail = new byte[tailLength];
        stream.Position = start + length - tailLength;
        stream.ReadExactly(tail);
        for (int i = tailLength - EocdBytes; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EocdSignature)
            {
                continue;
            }
            long eocd = start + length - tailLength + i;
            long entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 10));
            long directory = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i + 12));
            if ((entries == 0xFFFF || directory == 0xFFFFFFFF) && i >= 20
                && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i - 20)) == Zip64LocatorSignature)
            {
                ulong zip64Offset = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(i - 20 + 8));
                if (ReadZip64(stream, start, zip64Offset) is { } z)
                {
                    return (z.Entries, z.DirectoryBytes, eocd, start);
                }
                throw new ModelFormatException("zip.bad-zip64", eocd, "The zip64 end record the locator points at is missing or damaged.");
            }
            long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i + 16));
            // Where the archive really starts: the directory ends at the EOCD, and its recorded offset is relative to that start.
            long archiveStart = eocd - directory - directoryOffset;
            return (entries, directory, eocd, archiveStart >= start ? archiveStart : start);
        }
        return null;
    }

    private static (long Entries, long DirectoryBytes)? ReadZip64(Stream stream, long start, ulong offset)
    {
        // Offsets are relative to the archive start, which for an appended zip may not be the file start; try both.
        foreach (ulong candidate in new[] { offset, offset + (ulong)start })
        {
            if (stream.Length < 56 || candidate > (ulong)(stream.Length - 56))
            {
                continue;
            }
            Span<byte> record = stackalloc byte[56];
            stream.Position = (long)candidate;
            stream.ReadExactly(record);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EocdSignature)
            {
                continue;
            }
            ulong entries = BinaryPrimitives.ReadUInt64LittleEndian(record[32..]);
            ulong directory = BinaryPrimitives.ReadUInt64LittleEndian(record[40..]);
            return ((long)Math.Min(entries, long.MaxValue), (long)Math.Min(directory, long.MaxValue));
        }
        return null;
    }
}
