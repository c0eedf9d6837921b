using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Lantern.Testing.Fixtures;

/// <summary>
/// Writes pickle opcodes byte by byte (CPython <c>Lib/pickle.py</c> opcode values; formats.md §5) so tests can build
/// any stream — benign checkpoints and every bypass technique — without Python and without unpickling anything.
/// Fluent: <c>new PickleAssembler().Proto(4).ShortBinUnicode("os").ShortBinUnicode("system").StackGlobal()…Stop().ToArray()</c>.
/// </summary>
public sealed class PickleAssembler
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public byte[] ToArray() => _bytes.ToArray();

    public PickleAssembler Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PickleAssembler Op(byte opcode) => Raw(opcode);

    public PickleAssembler Proto(int protocol) => Raw(0x80, (byte)protocol);

    /// <summary>FRAME with an explicit length (CPython frames the bytes that follow).</summary>
    public PickleAssembler Frame(long length)
    {
        Raw(0x95);
        return U64((ulong)length);
    }

    public PickleAssembler Mark() => Raw((byte)'(');

    public PickleAssembler Stop() => Raw((byte)'.');

    public PickleAssembler Pop() => Raw((byte)'0');

    public PickleAssembler PopMark() => Raw((byte)'1');

    public PickleAssembler Dup() => Raw((byte)'2');

    public PickleAssembler None() => Raw((byte)'N');

    public PickleAssembler NewTrue() => Raw(0x88);

    public PickleAssembler NewFalse() => Raw(0x89);

    public PickleAssembler Global(string module, string name) => Raw((byte)'c').Line(module).Line(name);

    public PickleAssembler Inst(string module, string name) => Raw((byte)'i').Line(module).Line(name);

    public PickleAssembler StackGlobal() => Raw(0x93);

    public PickleAssembler Reduce() => Raw((byte)'R');

    public PickleAssembler Build() => Raw((byte)'b');

    public PickleAssembler Obj() => Raw((byte)'o');

    public PickleAssembler NewObj() => Raw(0x81);

    public PickleAssembler NewObjWithKeywords() => Raw(0x92);

    public PickleAssembler Tuple() => Raw((byte)'t');

    public PickleAssembler Tuple1() => Raw(0x85);

    public PickleAssembler Tuple2() => Raw(0x86);

    public PickleAssembler Tuple3() => Raw(0x87);

    public PickleAssembler EmptyTuple() => Raw((byte)')');

    public PickleAssembler EmptyList() => Raw((byte)']');

    public PickleAssembler List() => Raw((byte)'l');

    public PickleAssembler EmptyDict() => Raw((byte)'}');

    public PickleAssembler Dict() => Raw((byte)'d');

    public PickleAssembler EmptySet() => Raw(0x8F);

    public PickleAssembler FrozenSet() => Raw(0x91);

    public PickleAssembler Append() => Raw((byte)'a');

    public PickleAssembler Appends() => Raw((byte)'e');

    public PickleAssembler SetItem() => Raw((byte)'s');

    public PickleAssembler SetItems() => Raw((byte)'u');

    public PickleAssembler AddItems() => Raw(0x90);

    public PickleAssembler Memoize() => Raw(0x94);

    public PickleAssembler Put(int key) => Raw((byte)'p').Line(key.ToString(CultureInfo.InvariantCulture));

    public PickleAssembler Get(int key) => Raw((byte)'g').Line(key.ToString(CultureInfo.InvariantCulture));

    public PickleAssembler BinPut(byte key) => Raw((byte)'q', key);

    public PickleAssembler BinGet(byte key) => Raw((byte)'h', key);

    public PickleAssembler LongBinPut(uint key) => Raw((byte)'r').U32(key);

    public PickleAssembler LongBinGet(uint key) => Raw((byte)'j').U32(key);

    public PickleAssembler IntLine(long value) => Raw((byte)'I').Line(value.ToString(CultureInfo.InvariantCulture));

    public PickleAssembler LongLine(long value) => Raw((byte)'L').Line(value.ToString(CultureInfo.InvariantCulture) + "L");

    public PickleAssembler FloatLine(string text) => Raw((byte)'F').Line(text);

    public PickleAssembler BinFloat(double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, value);
        return Raw((byte)'G').Raw(b.ToArray());
    }

    public PickleAssembler BinInt(int value)
    {
        Raw((byte)'J');
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return Raw(b.ToArray());
    }

    public PickleAssembler BinInt1(byte value) => Raw((byte)'K', value);

    public PickleAssembler BinInt2(ushort value) => Raw((byte)'M', unchecked((byte)value), (byte)(value >> 8));

    public PickleAssembler Long1(params byte[] littleEndian) => Raw(0x8A, (byte)littleEndian.Length).Raw(littleEndian);

    public PickleAssembler Long4(params byte[] littleEndian) => Raw(0x8B).U32((uint)littleEndian.Length).Raw(littleEndian);

    /// <summary>Protocol-0 STRING with Python repr quoting.</summary>
    public PickleAssembler StringLine(string value) => Raw((byte)'S').Line("'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'");

    public PickleAssembler BinString(string value)
    {
        byte[] b = Encoding.Latin1.GetBytes(value);
        return Raw((byte)'T').U32((uint)b.Length).Raw(b);
    }

    public PickleAssembler ShortBinString(string value)
    {
        byte[] b = Encoding.Latin1.GetBytes(value);
        return Raw((byte)'U', (byte)b.Length).Raw(b);
    }

    /// <summary>Protocol-0 UNICODE (raw-unicode-escape; ASCII text is written as is).</summary>
    public PickleAssembler Unicode(string value) => Raw((byte)'V').Line(value);

    public PickleAssembler BinUnicode(string value)
    {
        byte[] b = Encoding.UTF8.GetBytes(value);
        return Raw((byte)'X').U32((uint)b.Length).Raw(b);
    }

    public PickleAssembler ShortBinUnicode(string value)
    {
        byte[] b = Encoding.UTF8.GetBytes(value);
        return Raw(0x8C, (byte)b.Length).Raw(b);
    }

    public PickleAssembler BinUnicode8(string value)
    {
        byte[] b = Encoding.UTF8.GetBytes(value);
        return Raw(0x8D).U64((ulong)b.Length).Raw(b);
    }

    public PickleAssembler ShortBinBytes(byte[] value) => Raw((byte)'C', (byte)value.Length).Raw(value);

    public PickleAssembler BinBytes(byte[] value) => Raw((byte)'B').U32((uint)value.Length).Raw(value);

    public PickleAssembler BinBytes8(byte[] value) => Raw(0x8E).U64((ulong)value.Length).Raw(value);

    public PickleAssembler ByteArray8(byte[] value) => Raw(0x96).U64((ulong)value.Length).Raw(value);

    public PickleAssembler NextBuffer() => Raw(0x97);

    public PickleAssembler ReadOnlyBuffer() => Raw(0x98);

    public PickleAssembler PersId(string id) => Raw((byte)'P').Line(id);

    public PickleAssembler BinPersId() => Raw((byte)'Q');

    public PickleAssembler Ext1(byte code) => Raw(0x82, code);

    public PickleAssembler Ext2(ushort code) => Raw(0x83, unchecked((byte)code), (byte)(code >> 8));

    public PickleAssembler Ext4(int code)
    {
        Raw(0x84);
        return U32(unchecked((uint)code));
    }

    /// <summary>GLOBAL for protocols 0–3, SHORT_BINUNICODE ×2 + STACK_GLOBAL for 4–5 (what CPython's pickler writes).</summary>
    public PickleAssembler Import(string module, string name, int protocol) =>
        protocol >= 4 ? ShortBinUnicode(module).ShortBinUnicode(name).StackGlobal() : Global(module, name);

    /// <summary><c>callable(arg)</c> with one string argument: the classic <c>os.system("…")</c> payload shape.</summary>
    public PickleAssembler CallWithString(string module, string name, string argument, int protocol = 4) =>
        Import(module, name, protocol).Mark().BinUnicode(argument).Tuple().Reduce();

    private PickleAssembler Line(string text) => Raw(Encoding.UTF8.GetBytes(text)).Raw((byte)'\n');

    private PickleAssembler U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Raw(b.ToArray());
    }

    private PickleAssembler U64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return Raw(b.ToArray());
    }

    /// <summary>
    /// A PyTorch ≥ 1.6 <c>data.pkl</c> as <c>torch.save(model.state_dict())</c> writes it (protocol 2): an OrderedDict of
    /// <c>torch._utils._rebuild_tensor_v2(BINPERSID ('storage', torch.FloatStorage, key, 'cpu', numel), offset, size, stride, False, OrderedDict())</c>,
    /// then BUILD of the <c>_metadata</c> attribute.
    /// </summary>
    public static byte[] PyTorchStateDict(int tensors = 3)
    {
        var a = new PickleAssembler().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().BinPut(0).Mark();
        for (int i = 0; i < tensors; i++)
        {
            a.BinUnicode($"layer{i}.weight")
                .Global("torch._utils", "_rebuild_tensor_v2")
                .Mark().Mark().BinUnicode("storage").Global("torch", "FloatStorage").BinUnicode(i.ToString(CultureInfo.InvariantCulture)).BinUnicode("cpu").BinInt(16).Tuple().BinPersId()
                .BinInt1(0).BinInt1(4).BinInt1(4).Tuple2().BinInt1(4).BinInt1(1).Tuple2().NewFalse()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce();
        }
        return a.SetItems()
            .EmptyDict().BinUnicode("_metadata").Global("collections", "OrderedDict").EmptyTuple().Reduce().SetItem().Build()
            .Stop().ToArray();
    }

    /// <summary>A NumPy array as <c>pickle.dumps(np.arange(4.0), protocol)</c> writes it (protocol 2 uses _codecs.encode for the bytes).</summary>
    public static byte[] NumpyArray(int protocol = 4, string reconstructModule = "numpy.core.multiarray")
    {
        var a = new PickleAssembler().Proto(protocol);
        a.Import(reconstructModule, "_reconstruct", protocol)
            .Import("numpy", "ndarray", protocol).BinInt1(0).Tuple1();
        if (protocol >= 3)
        {
            a.ShortBinBytes("b"u8.ToArray());
        }
        else
        {
            a.Global("_codecs", "encode").BinUnicode("b").BinUnicode("latin1").Tuple2().Reduce();
        }
        a.Tuple3().Reduce()
            .Mark().BinInt1(1).BinInt1(4).Tuple1()
            .Import("numpy", "dtype", protocol).BinUnicode("f8").NewFalse().NewTrue().Tuple3().Reduce()
            .Mark().BinInt1(3).BinUnicode("<").None().None().None().BinInt(-1).BinInt(-1).BinInt1(0).Tuple().Build()
            .NewFalse();
        if (protocol >= 3)
        {
            a.BinBytes(new byte[32]);
        }
        else
        {
            a.Global("_codecs", "encode").BinUnicode(new string('\0', 32)).BinUnicode("latin1").Tuple2().Reduce();
        }
        return a.Tuple().Build().Stop().ToArray();
    }
}
