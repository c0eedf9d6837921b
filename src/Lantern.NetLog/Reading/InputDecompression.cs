using System.IO.Compression;
using ZstdSharp;

namespace Lantern.NetLog.Reading;

/// <summary>
/// Chooses the decoder by magic bytes, never by file name (a rotated <c>access.log.1</c> may be gzip):
/// gzip <c>1F 8B</c> (RFC 1952 §2.3.1), zstd <c>28 B5 2F FD</c> (RFC 8878 §3.1.1), plain otherwise.
/// </summary>
internal static class InputDecompression
{
    public static Stream Open(Stream input, out string kind)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = 0;
        while (read < magic.Length)
        {
            int n = input.Read(magic[read..]);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        var prefixed = new PrefixedStream(magic[..read].ToArray(), input);
        if (read >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            kind = "gzip";
            var tail = new CompressedTailStream(prefixed);
            return new GzipCheckedStream(new GZipStream(tail, CompressionMode.Decompress), tail);
        }
        if (read == 4 && magic[0] == 0x28 && magic[1] == 0xB5 && magic[2] == 0x2F && magic[3] == 0xFD)
        {
            kind = "zstd";
            return new DecompressionStream(prefixed);
        }
        kind = "plain";
        return prefixed;
    }

    /// <summary>Errors a decoder or the underlying read may raise for bad or cut input: they end the input, they are not bugs.</summary>
    public static bool IsInputError(Exception exception) =>
        exception is IOException or InvalidDataException or ZstdException or UnauthorizedAccessException or NotSupportedException;
}

/// <summary>Replays the sniffed magic bytes before the rest of a (possibly unseekable) stream.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : ReadOnlyForwardStream
{
    private int _prefixPosition;

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPosition < prefix.Length)
        {
            int count = Math.Min(buffer.Length, prefix.Length - _prefixPosition);
            prefix.AsSpan(_prefixPosition, count).CopyTo(buffer);
            _prefixPosition += count;
            return count;
        }
        return inner.Read(buffer);
    }
}

/// <summary>Remembers the last 8 compressed bytes: the trailer (CRC-32, ISIZE) of the last gzip member (RFC 1952 §2.3.1).</summary>
internal sealed class CompressedTailStream(Stream inner) : ReadOnlyForwardStream
{
    private readonly byte[] _tail = new byte[8];

    public long Length8 { get; private set; }

    public ReadOnlySpan<byte> Trailer => _tail;

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n >= 8)
        {
            buffer.Slice(n - 8, 8).CopyTo(_tail);
        }
        else if (n > 0)
        {
            _tail.AsSpan(n).CopyTo(_tail);
            buffer[..n].CopyTo(_tail.AsSpan(8 - n));
        }
        Length8 = Math.Min(8, checked(Length8 + n));
        return n;
    }
}

/// <summary>
/// .NET's GZipStream ends quietly on a truncated stream (dotnet/runtime#47563), which would let a cut log pass for a
/// whole one. At the end this checks the last member's trailer: ISIZE must be the output length mod 2^32 and CRC-32
/// must match, or — for several members — the CRC-32 of the last ISIZE output bytes, when they are still in
/// the <see cref="TailLength"/> ring. A cut stream fails with <see cref="InvalidDataException"/>.
/// A multi-member file whose last member is longer than the ring is checked by length only.
/// </summary>
internal sealed class GzipCheckedStream(GZipStream gzip, CompressedTailStream compressed) : ReadOnlyForwardStream
{
    /// <summary>Output kept for the final check; 1 MiB bounds memory and covers bgzip-style members (≤ 64 KiB).</summary>
    private const int TailLength = 1 << 20;

    private readonly byte[] _ring = new byte[TailLength];
    private long _total;
    private bool _checked;

    public override int Read(Span<byte> buffer)
    {
        int n = gzip.Read(buffer);
        if (n > 0)
        {
            Remember(buffer[..n]);
            return n;
        }
        if (!_checked)
        {
            _checked = true;
            Verify();
        }
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gzip.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Remember(ReadOnlySpan<byte> data)
    {
        if (data.Length >= TailLength)
        {
            data[^TailLength..].CopyTo(_ring);
        }
        else
        {
            int start = (int)(_total % TailLength);
            int first = Math.Min(data.Length, TailLength - start);
            data[..first].CopyTo(_ring.AsSpan(start));
            data[first..].CopyTo(_ring);
        }
        _total = checked(_total + data.Length);
    }

    private void Verify()
    {
        if (compressed.Length8 < 8)
        {
            throw new InvalidDataException("gzip stream ends before its first trailer (truncated)");
        }
        uint crc = BitConverter.ToUInt32(compressed.Trailer[..4]);
        uint size = BitConverter.ToUInt32(compressed.Trailer[4..]);
        if (size == (uint)_total)
        {
            // One member (or a last member as long as everything, mod 2^32): length matches; CRC too when it fits the ring.
            if (_total <= TailLength && System.IO.Hashing.Crc32.HashToUInt32(LastBytes((int)_total)) != crc)
            {
                throw new InvalidDataException("gzip stream corrupt: CRC-32 does not match");
            }
            return;
        }
        if (size < _total)
        {
            // Several members: the trailer covers the last one only.
            if (size <= TailLength && System.IO.Hashing.Crc32.HashToUInt32(LastBytes((int)size)) != crc)
            {
                throw new InvalidDataException("gzip stream truncated or corrupt: the last member's CRC-32 does not match");
            }
            return;
        }
        throw new InvalidDataException("gzip stream truncated: the trailer does not match the data read");
    }

    private byte[] LastBytes(int count)
    {
        var result = new byte[count];
        long start = _total - count;
        for (int i = 0; i < count; i++)
        {
            result[i] = _ring[(int)((start + i) % TailLength)];
        }
        return result;
    }
}


/// <summary>Base for the forward-only read wrappers above.</summary>
internal abstract class ReadOnlyForwardStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
