using System.Buffers.Binary;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Keras;

/// <summary>
/// Checks an HDF5 global heap collection (HDF5 File Format Specification v3, §III.E "Global Heap") BEFORE PureHDF
/// parses it. PureHDF 2.2.0 walks every object of a collection and allocates each object's data at its declared size
/// (<c>new byte[(int)objectSize]</c>) before reading it, so a crafted size makes it allocate up to 2 GiB whatever our
/// read budget says. <see cref="BoundedReadStream"/> calls this guard as soon as a read it serves contains a collection
/// signature, i.e. before PureHDF can see the header. The guard mirrors PureHDF's walk (objects until the remaining
/// declared size is no larger than one object header, or object index 0) and refuses the collection when:
/// <list type="bullet">
/// <item>its declared size, or one object's declared size, runs past the end of the file, or an object runs past the
/// end of its collection (no HDF5 object can be larger than the file that holds it: a lie, malformed);</item>
/// <item>its declared size is over <see cref="VettingLimits.MaxConfigBytes"/> + 4096 (the spec's minimum collection
/// size, H5HG_MINSIZE, which covers headers and the small neighbours of a config string): incomplete.</item>
/// </list>
/// Guarantee: whatever PureHDF allocates for the objects of a collection it reads through the guarded stream is at most
/// that collection's declared size, hence at most MaxConfigBytes + 4096 bytes per collection and never more than the file.
/// </summary>
internal sealed class GlobalHeapGuard
{
    /// <summary>"GCOL" (H5HG_MAGIC).</summary>
    public static ReadOnlySpan<byte> Signature => "GCOL"u8;

    /// <summary>H5HG_MINSIZE: every collection is at least this big; slack above the config limit for headers and neighbours.</summary>
    public const long MinimumCollectionBytes = 4096;

    private readonly Stream _inner;
    private readonly long _start;
    private readonly long _maxCollectionBytes;
    private readonly HashSet<long> _checked = [];
    private int _lengthSize;

    public GlobalHeapGuard(Stream inner, long start, long maxConfigBytes)
    {
        _inner = inner;
        _start = start;
        _maxCollectionBytes = checked(maxConfigBytes + MinimumCollectionBytes);
    }

    private long Length => _inner.Length - _start;

    /// <summary>
    /// Validates the collection whose signature starts at <paramref name="position"/> (relative to the HDF5 view).
    /// Reads the inner stream directly and restores its position; throws <see cref="Hdf5HeapException"/> to refuse.
    /// </summary>
    public void Check(long position)
    {
        if (!_checked.Add(position))
        {
            return;
        }
        long saved = _inner.Position;
        try
        {
            Walk(position);
        }
        finally
        {
            _inner.Position = saved;
        }
    }

    private void Walk(long position)
    {
        int lengthSize = LengthSize();
        int header = 8 + lengthSize;
        Span<byte> buffer = stackalloc byte[16];
        if (!ReadAt(position, buffer[..header]) || buffer[4] != 1)
        {
            return; // cut short or not version 1: PureHDF stops before allocating anything
        }
        ulong declared = ReadLength(buffer[8..header]);
        if (declared < MinimumCollectionBytes)
        {
            return; // PureHDF rejects collections under 4096 bytes before reading objects
        }
        long available = Length - position;
        if (declared > (ulong)available)
        {
            throw new Hdf5HeapException(Verdict.Malformed, position,
                $"HDF5 global heap collection at offset {position} declares {declared} bytes but only {available} bytes of the file follow it.");
        }
        if ((long)declared > _maxCollectionBytes)
        {
            throw new Hdf5HeapException(Verdict.Incomplete, position,
                $"HDF5 global heap collection at offset {position} declares {declared} bytes, over the {_maxCollectionBytes}-byte limit (config limit + 4096); not read.");
        }
        // Mirror PureHDF: 'remaining' starts at the declared size (header included) and each object consumes its
        // 8 + lengthSize header plus its data padded to 8 bytes.
        ulong remaining = declared;
        long cursor = position + header;
        while (remaining > (ulong)header)
        {
            if (!ReadAt(cursor, buffer[..header]))
            {
                return; // PureHDF hits the end of the file reading the object header, before any allocation
            }
            if (BinaryPrimitives.ReadUInt16LittleEndian(buffer) == 0)
            {
                return; // free-space object: PureHDF stops here
            }
            ulong size = ReadLength(buffer[8..header]);
            ulong padded = checked((size + 7) / 8 * 8);
            ulong consumed = checked(padded + (ulong)header);
            if (size > (ulong)(Length - cursor - header) || consumed > remaining)
            {
                throw new Hdf5HeapException(Verdict.Malformed, cursor,
                    $"HDF5 global heap object at offset {cursor} declares {size} bytes, more than its collection ({remaining} bytes left) or the file holds.");
            }
            remaining -= consumed;
            cursor = checked(cursor + (long)consumed);
        }
    }

    /// <summary>
    /// Superblock "size of lengths" (spec §II.A: byte 14 in versions 0/1, byte 10 in versions 2/3). The superblock sits
    /// at 0, 512, 1024, 2048… (user block); 8 (what h5py and PureHDF write) when none is found.
    /// </summary>
    private int LengthSize()
    {
        if (_lengthSize != 0)
        {
            return _lengthSize;
        }
        _lengthSize = 8;
        Span<byte> superblock = stackalloc byte[16];
        for (long at = 0; at < Length; at = at == 0 ? 512 : checked(at * 2))
        {
            if (ReadAt(at, superblock) && superblock[..8].SequenceEqual("\x89HDF\r\n\x1a\n"u8))
            {
                byte size = superblock[8] <= 1 ? superblock[14] : superblock[10];
                _lengthSize = size is 2 or 4 or 8 ? size : 8;
                break;
            }
        }
        return _lengthSize;
    }

    private static ulong ReadLength(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };

    private bool ReadAt(long position, Span<byte> target)
    {
        if (position < 0 || position > Length - target.Length)
        {
            return false;
        }
        _inner.Position = checked(_start + position);
        _inner.ReadExactly(target);
        return true;
    }
}

/// <summary>The guard refused a global heap collection; carries the verdict it implies.</summary>
internal sealed class Hdf5HeapException : IOException
{
    public Hdf5HeapException()
    {
    }

    public Hdf5HeapException(string message)
        : base(message)
    {
    }

    public Hdf5HeapException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public Hdf5HeapException(Verdict implies, long offset, string message)
        : base(message)
    {
        Implies = implies;
        Offset = offset;
    }

    public Verdict Implies { get; } = Verdict.Malformed;

    public long Offset { get; }
}
