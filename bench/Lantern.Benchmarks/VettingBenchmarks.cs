using System.Text;
using BenchmarkDotNet.Attributes;
using Lantern.Formats.Pickle;
using Lantern.Vetting.Engine;

namespace Lantern.Benchmarks;

/// <summary>
/// Pickle walking throughput (target ≥ 300 MB/s per core) on two shapes of large pickle — storage-like
/// byte payloads and opcode-dense containers — and 10 000 small state-dict pickles through the whole
/// vetting engine (target: well under a second of CPU).
/// </summary>
[MemoryDiagnoser]
public class VettingBenchmarks
{
    private byte[] _payloadPickle = [];
    private byte[] _densePickle = [];
    private byte[][] _smallPickles = [];
    private ModelVetter _vetter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _payloadPickle = PickleShapes.BytesPayloads(totalMegabytes: 256, chunkBytes: 1 << 20);
        _densePickle = PickleShapes.DenseList(items: 8_000_000);
        _smallPickles = Enumerable.Range(0, 10_000).Select(PickleShapes.SmallStateDict).ToArray();
        _vetter = new ModelVetter();
    }

    /// <summary>256 MiB of BINBYTES8 payloads (the shape of a legacy checkpoint's tensors).</summary>
    [Benchmark]
    public int DecodePayloadPickle256MiB()
    {
        using var stream = new MemoryStream(_payloadPickle, writable: false);
        return PickleDecoder.Decode(stream).Imports.Count;
    }

    /// <summary>8 M small ints in APPENDS batches: every byte is an opcode or its operand.</summary>
    [Benchmark]
    public int DecodeDensePickle()
    {
        using var stream = new MemoryStream(_densePickle, writable: false);
        return PickleDecoder.Decode(stream, new PickleDecoderOptions { MaxOpcodes = 100_000_000 }).Imports.Count;
    }

    [Benchmark]
    public int VetTenThousandSmallPickles()
    {
        int safe = 0;
        foreach (byte[] pickle in _smallPickles)
        {
            using var stream = new MemoryStream(pickle, writable: false);
            if (_vetter.VetStream("p.pkl", stream, pickle.Length).Verdict == Verdict.Safe)
            {
                safe++;
            }
        }
        return safe;
    }

    public static long PayloadBytes => 256L << 20;
}

/// <summary>Pickle byte shapes written opcode by opcode (CPython Lib/pickle.py).</summary>
internal static class PickleShapes
{
    public static byte[] BytesPayloads(int totalMegabytes, int chunkBytes)
    {
        using var ms = new MemoryStream();
        ms.Write([0x80, 0x04, (byte)']', (byte)'(']);   // PROTO 4, EMPTY_LIST, MARK
        byte[] chunk = new byte[chunkBytes];
        new Random(5).NextBytes(chunk);
        for (int i = 0; i < totalMegabytes * (1 << 20) / chunkBytes; i++)
        {
            ms.WriteByte(0x8E);                                   // BINBYTES8
            ms.Write(BitConverter.GetBytes((ulong)chunkBytes));
            ms.Write(chunk);
        }
        ms.Write([(byte)'e', (byte)'.']);                          // APPENDS, STOP
        return ms.ToArray();
    }

    public static byte[] DenseList(int items)
    {
        using var ms = new MemoryStream();
        ms.Write([0x80, 0x02, (byte)']']);
        for (int i = 0; i < items; i += 1000)
        {
            ms.WriteByte((byte)'(');
            for (int j = 0; j < 1000; j++)
            {
                ms.Write([(byte)'K', (byte)(j & 0xFF)]);          // BININT1
            }
            ms.WriteByte((byte)'e');
        }
        ms.WriteByte((byte)'.');
        return ms.ToArray();
    }

    /// <summary>An OrderedDict of a few _rebuild_tensor_v2 entries with BINPERSID storages, as torch.save writes data.pkl.</summary>
    public static byte[] SmallStateDict(int seed)
    {
        var sb = new MemoryStream();
        void W(params byte[] b) => sb.Write(b);
        void Str(string s)
        {
            byte[] u = Encoding.UTF8.GetBytes(s);
            W(0x8C, (byte)u.Length);
            sb.Write(u);
        }
        W(0x80, 0x02);
        W((byte)'c'); sb.Write("collections\nOrderedDict\n"u8); W((byte)')', (byte)'R');
        for (int i = 0; i < 8; i++)
        {
            Str($"layer{i}.weight");
            W((byte)'c'); sb.Write("torch._utils\n_rebuild_tensor_v2\n"u8);
            W((byte)'(', (byte)'(');
            Str("storage");
            W((byte)'c'); sb.Write("torch\nFloatStorage\n"u8);
            Str((seed * 8 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Str("cpu");
            W((byte)'K', 64, (byte)'t', (byte)'Q');               // numel, TUPLE, BINPERSID
            W((byte)'K', 0, (byte)'K', 8, (byte)'K', 8, 0x86);   // offset, size (8, 8) TUPLE2
            W((byte)'K', 8, (byte)'K', 1, 0x86, 0x89);          // stride (8, 1), NEWFALSE
            W((byte)'c'); sb.Write("collections\nOrderedDict\n"u8); W((byte)')', (byte)'R');
            W((byte)'t', (byte)'R', (byte)'s');                    // TUPLE, REDUCE, SETITEM
        }
        W((byte)'.');
        return sb.ToArray();
    }
}
