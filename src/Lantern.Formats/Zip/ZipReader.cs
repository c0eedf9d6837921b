using System.Buffers.Binary;
using System.Text;

namespace Lantern.Formats.Zip;

/// <summary>
/// Reads a zip's central directory AND every member's local header, and reports where the two views disagree
/// (formats.md §4, §9.6 A4): PyTorch's miniz reader and Python's <c>zipfile</c> use the central directory for
/// sizes and method but the local header for where data starts, ignore CRCs and flag bits (PyTorch) or refuse
/// them (<c>zipfile</c>). Also finds local headers no central entry names (prepended zips, data smuggled between
/// members) by scanning the bytes outside every known record. Headers only: member data is never inflated here.
/// </summary>
public static class ZipReader
{
    private const int ScanChunk = 1024 * 1024;
    private const int MaxHiddenNameBytes = 4096;

    /// <summary>Reads the directory. Throws <see cref="ModelFormatException"/> when there is no usable central directory.</summary>
    /// <param name="stream">Seekable stream over the whole file (an executable prefix is allowed).</param>
    public static ZipDirectory Read(Stream stream, ZipReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The zip reader needs a seekable stream.", nameof(stream));
        }
        options ??= ZipReaderOptions.Default;
        long fileLength = stream.Length;
        var issues = new List<FormatIssue>();
        var covered = new List<(long Start, long End)>();

        End end = FindEnd(stream, fileLength, issues);
        covered.Add((end.EocdOffset, Math.Min(fileLength, end.EocdOffset + ZipLayout.EocdBytes + end.CommentLength)));
        if (end.Zip64EocdOffset >= 0)
        {
            covered.Add((end.Zip64EocdOffset, end.Zip64EocdOffset + ZipLayout.Zip64EocdBytes));
            covered.Add((end.EocdOffset - ZipLayout.Zip64LocatorBytes, end.EocdOffset));
        }
        if (end.Entries > options.MaxEntries)
        {
            throw new ModelFormatException("zip.entry-count-over-limit", end.EocdOffset, $"The zip claims {end.Entries} entries; the limit is {options.MaxEntries}.");
        }
        if (end.DirectoryBytes > options.MaxCentralDirectoryBytes)
        {
            throw new ModelFormatException("zip.directory-over-limit", end.EocdOffset, $"The central directory is {end.DirectoryBytes} bytes; the limit is {options.MaxCentralDirectoryBytes}.");
        }
        long directoryEnd = end.Zip64EocdOffset >= 0 ? end.Zip64EocdOffset : end.EocdOffset;
        long archiveStart = checked(directoryEnd - end.DirectoryBytes - end.DirectoryOffset);
        if (archiveStart < 0 || end.DirectoryBytes > directoryEnd)
        {
            throw new ModelFormatException("zip.bad-directory-offset", end.EocdOffset, "The central directory's recorded offset and size point before the start of the file.");
        }
        if (archiveStart > 0)
        {
            issues.Add(new FormatIssue("zip.prepended-data", 0, $"{archiveStart} bytes precede the archive; the zip was appended to other content."));
        }
        long directoryStart = directoryEnd - end.DirectoryBytes;
        covered.Add((directoryStart, directoryEnd));

        byte[] directory = new byte[(int)end.DirectoryBytes];
        stream.Position = directoryStart;
        stream.ReadExactly(directory);

        var entries = new List<ZipEntry>((int)Math.Min(end.Entries, 4096));
        int pos = 0;
        while (pos + 4 <= directory.Length && BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(pos)) == ZipLayout.CentralHeaderSignature)
        {
            if (entries.Count >= options.MaxEntries)
            {
                throw new ModelFormatException("zip.entry-count-over-limit", directoryStart + pos, $"The central directory holds more than {options.MaxEntries} entries.");
            }
            (ZipEntry entry, int consumed) = ReadCentral(directory, pos, directoryStart, archiveStart);
            entry = ReadLocal(stream, entry, fileLength, issues);
            entries.Add(entry);
            if (entry.DataOffset >= 0)
            {
                covered.Add((entry.LocalHeaderOffset, Math.Min(fileLength, checked(entry.DataOffset + entry.CompressedSize))));
            }
            pos += consumed;
        }
        if (entries.Count != end.Entries)
        {
            issues.Add(new FormatIssue("zip.entry-count-mismatch", end.EocdOffset, $"The end record claims {end.Entries} entries; the central directory holds {entries.Count}."));
        }
        if (pos != directory.Length)
        {
            issues.Add(new FormatIssue("zip.directory-trailing-bytes", directoryStart + pos, $"{directory.Length - pos} bytes of the central directory are not entries."));
        }

        CheckEntries(entries, issues);
        List<ZipEntry> hidden = ScanGaps(stream, fileLength, covered, options, issues);
        entries.AddRange(hidden);
        return new ZipDirectory
        {
            Entries = entries,
            Issues = issues,
            ArchiveStart = archiveStart,
            EndOfCentralDirectoryOffset = end.EocdOffset,
            IsZip64 = end.Zip64EocdOffset >= 0,
        };
    }

    private sealed record End(long EocdOffset, int CommentLength, long Entries, long DirectoryBytes, long DirectoryOffset, long Zip64EocdOffset);

    /// <summary>The last end record in the final 64 KiB + 22 bytes, as <c>zipfile</c> and miniz take it.</summary>
    private static End FindEnd(Stream stream, long fileLength, List<FormatIssue> issues)
    {
        if (fileLength < ZipLayout.EocdBytes)
        {
            throw new ModelFormatException("zip.no-central-directory", fileLength, "The file is too short to hold a zip end record.");
        }
        int tailLength = (int)Math.Min(fileLength, ZipLayout.EocdBytes + ZipLayout.MaxCommentBytes);
        long tailStart = fileLength - tailLength;
        byte[] tail = new byte[tailLength];
        stream.Position = tailStart;
        stream.ReadExactly(tail);
        int found = -1;
        int others = 0;
        for (int i = tailLength - ZipLayout.EocdBytes; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == ZipLayout.EocdSignature)
            {
                if (found < 0)
                {
                    found = i;
                }
                else
                {
                    others++;
                }
            }
        }
        if (found < 0)
        {
            throw new ModelFormatException("zip.no-central-directory", fileLength, "The zip has no end-of-central-directory record (truncated?).");
        }
        if (others > 0)
        {
            issues.Add(new FormatIssue("zip.multiple-end-records", tailStart + found, $"{others + 1} end-of-central-directory records in the file's tail; readers may pick different ones."));
        }
        ReadOnlySpan<byte> record = tail.AsSpan(found);
        long eocd = tailStart + found;
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(record[20..]);
        long recordEnd = eocd + ZipLayout.EocdBytes + commentLength;
        if (recordEnd < fileLength)
        {
            issues.Add(new FormatIssue("zip.appended-data", recordEnd, $"{fileLength - recordEnd} bytes follow the end-of-central-directory record."));
        }
        else if (recordEnd > fileLength)
        {
            issues.Add(new FormatIssue("zip.comment-truncated", eocd, "The archive comment runs past the end of the file."));
            commentLength = (int)(fileLength - eocd - ZipLayout.EocdBytes);
        }
        long entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        long directoryBytes = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        if (found >= ZipLayout.Zip64LocatorBytes && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(found - ZipLayout.Zip64LocatorBytes)) == ZipLayout.Zip64LocatorSignature)
        {
            ulong recorded = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(found - ZipLayout.Zip64LocatorBytes + 8));
            // The locator's offset is relative to the archive start; the zip64 end record sits right before the locator.
            long expected = eocd - ZipLayout.Zip64LocatorBytes - ZipLayout.Zip64EocdBytes;
            if (expected < 0)
            {
                throw new ModelFormatException("zip.bad-zip64", eocd, "The zip64 locator points at a record before the start of the file.");
            }
            Span<byte> z = stackalloc byte[ZipLayout.Zip64EocdBytes];
            stream.Position = expected;
            stream.ReadExactly(z);
            if (BinaryPrimitives.ReadUInt32LittleEndian(z) != ZipLayout.Zip64EocdSignature)
            {
                throw new ModelFormatException("zip.bad-zip64", expected, "The zip64 end record the locator points at is missing or damaged.");
            }
            ulong e64 = BinaryPrimitives.ReadUInt64LittleEndian(z[32..]);
            ulong d64 = BinaryPrimitives.ReadUInt64LittleEndian(z[40..]);
            ulong o64 = BinaryPrimitives.ReadUInt64LittleEndian(z[48..]);
            if (e64 > long.MaxValue || d64 > long.MaxValue || o64 > long.MaxValue || recorded > long.MaxValue)
            {
                throw new ModelFormatException("zip.bad-zip64", expected, "The zip64 end record holds impossible counts or offsets.");
            }
            return new End(eocd, commentLength, (long)e64, (long)d64, (long)o64, expected);
        }
        return new End(eocd, commentLength, entries, directoryBytes, directoryOffset, -1);
    }

    private static (ZipEntry Entry, int Consumed) ReadCentral(byte[] directory, int pos, long directoryStart, long archiveStart)
    {
        if (pos + ZipLayout.CentralHeaderBytes > directory.Length)
        {
            throw new ModelFormatException("zip.truncated-directory", directoryStart + pos, "A central directory entry runs past the directory's end.");
        }
        ReadOnlySpan<byte> h = directory.AsSpan(pos);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
        long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
        long usize = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
        long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
        int consumed = ZipLayout.CentralHeaderBytes + nameLength + extraLength + commentLength;
        if (pos + consumed > directory.Length)
        {
            throw new ModelFormatException("zip.truncated-directory", directoryStart + pos, "A central directory entry's name, extra field or comment runs past the directory's end.");
        }
        string name = DecodeName(h.Slice(ZipLayout.CentralHeaderBytes, nameLength));
        bool zip64 = false;
        ReadOnlySpan<byte> extra = h.Slice(ZipLayout.CentralHeaderBytes + nameLength, extraLength);
        if ((usize == uint.MaxValue || csize == uint.MaxValue || localOffset == uint.MaxValue) && FindExtra(extra, ZipLayout.Zip64ExtraId) is { } z)
        {
            // APPNOTE 4.5.3: the zip64 field holds, in this order, only the values whose 32-bit fields are saturated.
            int at = 0;
            zip64 = true;
            usize = usize == uint.MaxValue ? ReadZip64Value(z, ref at, directoryStart + pos) : usize;
            csize = csize == uint.MaxValue ? ReadZip64Value(z, ref at, directoryStart + pos) : csize;
            localOffset = localOffset == uint.MaxValue ? ReadZip64Value(z, ref at, directoryStart + pos) : localOffset;
        }
        var entry = new ZipEntry
        {
            Name = name,
            Flags = flags,
            Method = method,
            Crc32 = crc,
            CompressedSize = csize,
            UncompressedSize = usize,
            LocalHeaderOffset = checked(archiveStart + localOffset),
            DataOffset = -1,
            IsZip64 = zip64,
        };
        return (entry, consumed);
    }

    private static long ReadZip64Value(ReadOnlySpan<byte> field, ref int at, long offset)
    {
        if (at + 8 > field.Length)
        {
            throw new ModelFormatException("zip.bad-zip64-extra", offset, "The zip64 extra field is shorter than the saturated fields need.");
        }
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(field[at..]);
        at += 8;
        if (value > long.MaxValue)
        {
            throw new ModelFormatException("zip.bad-zip64-extra", offset, "A zip64 size or offset is beyond any real file.");
        }
        return (long)value;
    }

    private static ReadOnlySpan<byte> FindExtra(ReadOnlySpan<byte> extra, ushort id)
    {
        int at = 0;
        while (at + 4 <= extra.Length)
        {
            ushort headerId = BinaryPrimitives.ReadUInt16LittleEndian(extra[at..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(extra[(at + 2)..]);
            if (at + 4 + size > extra.Length)
            {
                return default;
            }
            if (headerId == id)
            {
                return extra.Slice(at + 4, size);
            }
            at += 4 + size;
        }
        return default;
    }

    /// <summary>Reads the local header behind a central entry and records every field the two views disagree on.</summary>
    private static ZipEntry ReadLocal(Stream stream, ZipEntry entry, long fileLength, List<FormatIssue> issues)
    {
        long at = entry.LocalHeaderOffset;
        if (at < 0 || at > fileLength - ZipLayout.LocalHeaderBytes)
        {
            issues.Add(new FormatIssue("zip.bad-local-header", at, $"'{entry.Name}': its local header offset is outside the file."));
            return entry;
        }
        Span<byte> h = stackalloc byte[ZipLayout.LocalHeaderBytes];
        stream.Position = at;
        stream.ReadExactly(h);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != ZipLayout.LocalHeaderSignature)
        {
            issues.Add(new FormatIssue("zip.bad-local-header", at, $"'{entry.Name}': no local header signature where the central directory points."));
            return entry;
        }
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[6..]);
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[14..]);
        long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[18..]);
        long usize = BinaryPrimitives.ReadUInt32LittleEndian(h[22..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[26..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
        long dataOffset = checked(at + ZipLayout.LocalHeaderBytes + nameLength + extraLength);
        if (dataOffset > fileLength)
        {
            issues.Add(new FormatIssue("zip.bad-local-header", at, $"'{entry.Name}': the local header's name and extra field run past the end of the file."));
            return entry;
        }
        byte[] nameAndExtra = new byte[nameLength + extraLength];
        stream.ReadExactly(nameAndExtra);
        string localName = DecodeName(nameAndExtra.AsSpan(0, nameLength));
        if ((csize == uint.MaxValue || usize == uint.MaxValue) && FindExtra(nameAndExtra.AsSpan(nameLength), ZipLayout.Zip64ExtraId) is { Length: >= 16 } z)
        {
            usize = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(z), long.MaxValue);
            csize = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(z[8..]), long.MaxValue);
        }

        if (!string.Equals(localName, entry.Name, StringComparison.Ordinal))
        {
            issues.Add(new FormatIssue("zip.local-name-mismatch", at, $"Central directory names '{entry.Name}', its local header names '{localName}'."));
        }
        if (method != entry.Method)
        {
            issues.Add(new FormatIssue("zip.local-method-mismatch", at, $"'{entry.Name}': compression method {entry.Method} in the central directory, {method} in the local header."));
        }
        if (flags != entry.Flags)
        {
            issues.Add(new FormatIssue("zip.local-flags-mismatch", at, $"'{entry.Name}': flags 0x{entry.Flags:x4} in the central directory, 0x{flags:x4} in the local header."));
        }
        // With a data descriptor (bit 3) the local CRC and sizes are zero by design; otherwise they must match.
        if ((flags & ZipLayout.FlagDataDescriptor) == 0)
        {
            if (csize != entry.CompressedSize || usize != entry.UncompressedSize)
            {
                issues.Add(new FormatIssue("zip.local-size-mismatch", at, $"'{entry.Name}': sizes {entry.CompressedSize}/{entry.UncompressedSize} in the central directory, {csize}/{usize} in the local header."));
            }
            if (crc != entry.Crc32)
            {
                issues.Add(new FormatIssue("zip.local-crc-mismatch", at, $"'{entry.Name}': CRC 0x{entry.Crc32:x8} in the central directory, 0x{crc:x8} in the local header."));
            }
        }
        if (entry.CompressedSize > fileLength - dataOffset)
        {
            issues.Add(new FormatIssue("zip.data-out-of-bounds", dataOffset, $"'{entry.Name}': {entry.CompressedSize} bytes of data claimed, the file ends {fileLength - dataOffset} bytes after its start."));
            return entry with { LocalName = localName, LocalFlags = flags, LocalMethod = method };
        }
        return entry with { LocalName = localName, LocalFlags = flags, LocalMethod = method, DataOffset = dataOffset };
    }

    private static void CheckEntries(List<ZipEntry> entries, List<FormatIssue> issues)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ZipEntry e in entries)
        {
            if (!seen.Add(e.Name))
            {
                issues.Add(new FormatIssue("zip.duplicate-name", e.LocalHeaderOffset, $"'{e.Name}' appears more than once; readers disagree on which copy they load."));
            }
            if ((e.Flags & ZipLayout.FlagEncrypted) != 0 || (e.LocalFlags & ZipLayout.FlagEncrypted) != 0)
            {
                issues.Add(new FormatIssue("zip.encrypted-flag", e.LocalHeaderOffset, $"'{e.Name}' has the encryption flag (bit 0) set."));
            }
            if ((e.Flags & ZipLayout.FlagStrongEncryption) != 0 || (e.LocalFlags & ZipLayout.FlagStrongEncryption) != 0)
            {
                issues.Add(new FormatIssue("zip.strong-encryption-flag", e.LocalHeaderOffset, $"'{e.Name}' has the strong-encryption flag (bit 6) set."));
            }
            if ((e.Flags & ZipLayout.FlagPatchedData) != 0 || (e.LocalFlags & ZipLayout.FlagPatchedData) != 0)
            {
                issues.Add(new FormatIssue("zip.patched-data-flag", e.LocalHeaderOffset, $"'{e.Name}' has the compressed-patched-data flag (bit 5) set."));
            }
            if (IsUnsafePath(e.Name) || (e.LocalName is { } local && IsUnsafePath(local)))
            {
                issues.Add(new FormatIssue("zip.unsafe-path", e.LocalHeaderOffset, $"'{e.Name}' is absolute or climbs out of the extraction folder."));
            }
        }
        // Overlapping data regions: one byte range read as two members (quine-style bombs, hidden aliases).
        var regions = entries.Where(e => e.DataOffset >= 0 && e.CompressedSize > 0)
            .Select(e => (e.LocalHeaderOffset, End: e.DataOffset + e.CompressedSize, e.Name))
            .OrderBy(r => r.LocalHeaderOffset)
            .ToList();
        for (int i = 1; i < regions.Count; i++)
        {
            if (regions[i].LocalHeaderOffset < regions[i - 1].End)
            {
                issues.Add(new FormatIssue("zip.overlapping-entries", regions[i].LocalHeaderOffset, $"'{regions[i].Name}' overlaps the data of '{regions[i - 1].Name}'."));
            }
        }
    }

    private static bool IsUnsafePath(string name)
    {
        string n = name.Replace('\\', '/');
        return n.StartsWith('/') || (n.Length >= 2 && n[1] == ':') || n.Split('/').Any(part => part == "..");
    }

    /// <summary>
    /// Scans every byte range no known record covers for local headers and end records. Python's <c>zipfile</c>
    /// and miniz never see these members; streaming readers (and some loaders) do, so they are vetted too.
    /// </summary>
    private static List<ZipEntry> ScanGaps(Stream stream, long fileLength, List<(long Start, long End)> covered, ZipReaderOptions options, List<FormatIssue> issues)
    {
        var hidden = new List<ZipEntry>();
        var gaps = new List<(long Start, long End)>();
        long cursor = 0;
        foreach ((long start, long end) in covered.OrderBy(c => c.Start))
        {
            if (start > cursor)
            {
                gaps.Add((cursor, start));
            }
            cursor = Math.Max(cursor, end);
        }
        if (cursor < fileLength)
        {
            gaps.Add((cursor, fileLength));
        }
        long budget = options.MaxGapScanBytes;
        byte[] buffer = new byte[ScanChunk];
        foreach ((long gapStart, long gapEnd) in gaps)
        {
            long at = gapStart;
            while (at + 4 <= gapEnd)
            {
                if (budget <= 0)
                {
                    issues.Add(new FormatIssue("zip.gap-scan-limit", at, $"More than {options.MaxGapScanBytes} bytes lie outside the zip's records; the rest was not searched for hidden members."));
                    return hidden;
                }
                int want = (int)Math.Min(buffer.Length, gapEnd - at);
                stream.Position = at;
                stream.ReadExactly(buffer, 0, want);
                budget -= want;
                ReadOnlySpan<byte> span = buffer.AsSpan(0, want);
                long next = at + Math.Max(1, want - 3);
                int from = 0;
                while (true)
                {
                    int hit = span[from..].IndexOf("PK"u8);
                    if (hit < 0 || from + hit + 4 > want)
                    {
                        break;
                    }
                    int i = from + hit;
                    uint signature = BinaryPrimitives.ReadUInt32LittleEndian(span[i..]);
                    long absolute = at + i;
                    if (signature == ZipLayout.EocdSignature)
                    {
                        issues.Add(new FormatIssue("zip.extra-end-record", absolute, "An end-of-central-directory record outside the archive's own (a second zip is embedded)."));
                    }
                    else if (signature == ZipLayout.LocalHeaderSignature && TryReadHidden(stream, absolute, gapEnd, fileLength) is { } entry)
                    {
                        hidden.Add(entry);
                        issues.Add(new FormatIssue("zip.hidden-local-header", absolute, $"Local header for '{entry.Name}' that no central directory entry points at."));
                        if (hidden.Count >= options.MaxHiddenEntries)
                        {
                            issues.Add(new FormatIssue("zip.gap-scan-limit", absolute, $"More than {options.MaxHiddenEntries} hidden local headers; the rest were not listed."));
                            return hidden;
                        }
                        long skipTo = Math.Min(gapEnd, entry.DataOffset + entry.CompressedSize);
                        if (skipTo > absolute + 4)
                        {
                            next = Math.Max(next, skipTo);
                            if (skipTo >= at + want)
                            {
                                break;
                            }
                            from = (int)(skipTo - at);
                            continue;
                        }
                    }
                    from = i + 1;
                }
                at = next;
            }
        }
        return hidden;
    }

    private static ZipEntry? TryReadHidden(Stream stream, long at, long gapEnd, long fileLength)
    {
        if (at > fileLength - ZipLayout.LocalHeaderBytes)
        {
            return null;
        }
        Span<byte> h = stackalloc byte[ZipLayout.LocalHeaderBytes];
        stream.Position = at;
        stream.ReadExactly(h);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[6..]);
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[14..]);
        long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[18..]);
        long usize = BinaryPrimitives.ReadUInt32LittleEndian(h[22..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[26..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
        // Plausibility: random bytes (tensor data, machine code that compares against the signature) rarely pass all of these.
        if ((version & 0xFF) > 63 || method > ZipLayout.MethodAes || nameLength is 0 or > MaxHiddenNameBytes)
        {
            return null;
        }
        long dataOffset = at + ZipLayout.LocalHeaderBytes + nameLength + extraLength;
        if (dataOffset > fileLength)
        {
            return null;
        }
        byte[] nameBytes = new byte[nameLength];
        stream.ReadExactly(nameBytes);
        if (nameBytes.Any(b => b < 0x20 || b == 0x7F))
        {
            return null;
        }
        if ((flags & ZipLayout.FlagDataDescriptor) != 0 && csize == 0)
        {
            // Sizes live in a trailing descriptor: take everything up to the end of the gap (deflate ends by itself).
            csize = Math.Max(0, gapEnd - dataOffset);
        }
        if (csize > fileLength - dataOffset)
        {
            return null;
        }
        string name = DecodeName(nameBytes);
        return new ZipEntry
        {
            Name = name,
            LocalName = name,
            Flags = flags,
            LocalFlags = flags,
            Method = method,
            LocalMethod = method,
            Crc32 = crc,
            CompressedSize = csize,
            UncompressedSize = usize,
            LocalHeaderOffset = at,
            DataOffset = dataOffset,
            InCentralDirectory = false,
        };
    }

    /// <summary>UTF-8 (bit 11 or not: model zips are ASCII; CP437 names decode to replacement characters and still compare).</summary>
    private static string DecodeName(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
