namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// Finds where one pickle stream ends (after its STOP) by stepping over opcode arguments (CPython
/// <c>Lib/pickletools.py</c> argument shapes). It judges nothing — the pickle vetter does — it only splits
/// back-to-back streams (legacy <c>torch.save</c>, legacy tar members) so each can be handed to the engine alone,
/// as <c>torch.load</c> reads each with a fresh unpickler.
/// </summary>
internal static class PickleStreamScanner
{
    /// <summary>Longest text argument (protocol 0 GLOBAL/INST/STRING/UNICODE lines): 64 MiB.</summary>
    private const int MaxLine = 64 * 1024 * 1024;

    /// <summary>
    /// Returns the offset just past the STOP opcode of the stream starting at <paramref name="start"/>, or null when
    /// the stream has an unknown opcode, ends first, or runs past <paramref name="limit"/>.
    /// </summary>
    public static long? FindEnd(Stream stream, long start, long limit, long maxOpcodes, CancellationToken cancellation)
    {
        var reader = new BufferedStream(new SubStream(stream, start, Math.Max(0, limit - start)), 64 * 1024);
        long pos = 0;
        long opcodes = 0;
        Span<byte> arg = stackalloc byte[8];
        while (true)
        {
            if (++opcodes > maxOpcodes)
            {
                return null;
            }
            if ((opcodes & 0xFFFF) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }
            int op = reader.ReadByte();
            if (op < 0)
            {
                return null;
            }
            pos++;
            long skip;
            switch (op)
            {
                case '.':
                    return start + pos;
                // No argument.
                case '(' or '0' or '1' or '2' or 'N' or 'R' or 'a' or 'b' or 'd' or '}' or 'e' or 'l' or ']' or 'o' or 's' or 't' or ')' or 'u' or 'Q'
                    or 0x81 or 0x85 or 0x86 or 0x87 or 0x88 or 0x89 or 0x90 or 0x91 or 0x92 or 0x93 or 0x94 or 0x97 or 0x98:
                    continue;
                case 'K' or 'h' or 'q' or 0x80 or 0x82:
                    skip = 1;
                    break;
                case 'M' or 0x83:
                    skip = 2;
                    break;
                case 'J' or 'j' or 'r' or 0x84:
                    skip = 4;
                    break;
                case 'G' or 0x95:
                    // FRAME's u64 is a length, but the framed opcodes follow inline: step over the length only.
                    skip = 8;
                    break;
                case 'U' or 0x8C or 'C' or 0x8A:
                    if (!Read(reader, arg[..1]))
                    {
                        return null;
                    }
                    pos += 1;
                    skip = arg[0];
                    break;
                case 'T' or 'X' or 'B' or 0x8B:
                    if (!Read(reader, arg[..4]))
                    {
                        return null;
                    }
                    pos += 4;
                    skip = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(arg);
                    if (skip < 0)
                    {
                        return null;
                    }
                    break;
                case 0x8D or 0x8E or 0x96:
                    if (!Read(reader, arg[..8]))
                    {
                        return null;
                    }
                    pos += 8;
                    ulong big = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(arg);
                    if (big > (ulong)(limit - start))
                    {
                        return null;
                    }
                    skip = (long)big;
                    break;
                case 'I' or 'L' or 'F' or 'S' or 'V' or 'P' or 'g' or 'p':
                    long? line = SkipLine(reader);
                    if (line is null)
                    {
                        return null;
                    }
                    pos += line.Value;
                    continue;
                case 'c' or 'i':
                    long? first = SkipLine(reader);
                    long? second = first is null ? null : SkipLine(reader);
                    if (second is null)
                    {
                        return null;
                    }
                    pos += first!.Value + second.Value;
                    continue;
                default:
                    return null;
            }
            if (skip > limit - start - pos)
            {
                return null;
            }
            pos += skip;
            reader.Seek(pos, SeekOrigin.Begin);
        }
    }

    private static bool Read(Stream reader, Span<byte> into) => reader.ReadAtLeast(into, into.Length, throwOnEndOfStream: false) == into.Length;

    private static long? SkipLine(Stream reader)
    {
        long n = 0;
        while (n < MaxLine)
        {
            int b = reader.ReadByte();
            if (b < 0)
            {
                return null;
            }
            n++;
            if (b == '\n')
            {
                return n;
            }
        }
        return null;
    }
}
