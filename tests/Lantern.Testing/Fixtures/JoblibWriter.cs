namespace Lantern.Testing.Fixtures;

/// <summary>
/// Writes what <c>joblib.dump</c> (joblib 1.4, <c>joblib/numpy_pickle.py</c> NumpyPickler over CPython's pure-Python
/// <c>pickle._Pickler</c>) produces, for formats.md §9.6 A8: PROTO outside frames; with protocol 4 opcodes in FRAMEs
/// (a frame of fewer than 4 bytes is written bare, as <c>_Framer.commit_frame</c> does), strings and globals
/// memoised with MEMOIZE (BINPUT with protocol 2); every ndarray as a <c>NumpyArrayWrapper</c> object
/// (NEWOBJ with empty args, state dict subclass/shape/order/dtype/allow_mmap/numpy_array_alignment_bytes, BUILD),
/// then the frame committed, then for raw dtypes one padding-length byte
/// <c>16 - ((pos + 1) % 16)</c>, that many 0xFF bytes and the array bytes, or for object dtypes a nested
/// <c>pickle.dump(array, protocol=2)</c>. Produces bytes only; tests can also write inconsistent layouts.
/// </summary>
public sealed class JoblibWriter
{
    /// <summary>joblib's NUMPY_ARRAY_ALIGNMENT_BYTES.</summary>
    public const int Alignment = 16;

    private readonly List<byte> _file = [];
    private readonly int _protocol;
    private PickleAssembler _frame = new();
    private uint _memo;

    public JoblibWriter(int protocol = 4)
    {
        _protocol = protocol;
        _file.AddRange([0x80, (byte)protocol]);
    }

    /// <summary>Appends opcodes to the current frame (or straight to the file with protocol &lt; 4).</summary>
    public JoblibWriter Ops(Action<PickleAssembler> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        write(_frame);
        return this;
    }

    /// <summary>A memoised string (SHORT_BINUNICODE + MEMOIZE, or BINUNICODE + BINPUT for protocol 2).</summary>
    public JoblibWriter Text(string value) => Ops(a =>
    {
        if (_protocol >= 4)
        {
            a.ShortBinUnicode(value);
        }
        else
        {
            a.BinUnicode(value);
        }
        Memo(a);
    });

    /// <summary>A global as CPython's save_global writes it (STACK_GLOBAL from protocol 4, GLOBAL before).</summary>
    public JoblibWriter Global(string module, string name)
    {
        if (_protocol >= 4)
        {
            Text(module).Text(name);
            return Ops(a => Memo(a.StackGlobal()));
        }
        return Ops(a => Memo(a.Global(module, name)));
    }

    /// <summary>An object with no constructor args: <c>copyreg.__reduce_ex__</c> → NEWOBJ, then the state dict opens with MARK.</summary>
    public JoblibWriter BeginObject(string module, string name)
    {
        Global(module, name);
        return Ops(a => Memo(Memo(a.EmptyTuple().NewObj()).EmptyDict()).Mark());
    }

    /// <summary>Closes the state dict (SETITEMS) and applies it (BUILD).</summary>
    public JoblibWriter EndObject() => Ops(a => a.SetItems().Build());

    /// <summary>A raw (non-object) array: <paramref name="dtype"/> as numpy pickles it ('f8', 'i8', 'b1', 'f4'…).</summary>
    public JoblibWriter Array(string dtype, int[] shape, byte[] data, char byteOrder = '<', bool alignment = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        Wrapper(dtype, shape, byteOrder, allowMmap: true, alignment);
        CommitFrame();
        if (alignment)
        {
            int padding = Alignment - ((_file.Count + 1) % Alignment);
            _file.Add((byte)padding);
            _file.AddRange(Enumerable.Repeat((byte)0xFF, padding));
        }
        _file.AddRange(data);
        return this;
    }

    /// <summary>An object array: the wrapper with dtype 'O8', then the nested protocol-2 pickle as given.</summary>
    public JoblibWriter ObjectArray(int[] shape, byte[] nestedPickle)
    {
        ArgumentNullException.ThrowIfNull(nestedPickle);
        Wrapper("O8", shape, '|', allowMmap: false, alignment: true);
        CommitFrame();
        _file.AddRange(nestedPickle);
        return this;
    }

    /// <summary>Writes the wrapper and its state exactly as joblib lays out <c>NumpyArrayWrapper.__dict__</c>.</summary>
    public JoblibWriter Wrapper(string dtype, int[] shape, char byteOrder, bool allowMmap, bool alignment)
    {
        ArgumentNullException.ThrowIfNull(shape);
        BeginObject("joblib.numpy_pickle", "NumpyArrayWrapper");
        Text("subclass").Global("numpy", "ndarray");
        Text("shape");
        Ops(a =>
        {
            if (shape.Length is 0)
            {
                a.EmptyTuple();
                return;
            }
            if (shape.Length > 3)
            {
                a.Mark();
            }
            foreach (int d in shape)
            {
                Int(a, d);
            }
            _ = shape.Length switch
            {
                1 => a.Tuple1(),
                2 => a.Tuple2(),
                3 => a.Tuple3(),
                _ => a.Tuple(),
            };
            Memo(a);
        });
        Text("order").Text("C");
        Text("dtype").Global("numpy", "dtype").Text(dtype);
        Ops(a => Memo(Memo(a.NewFalse().NewTrue().Tuple3()).Reduce()).Mark().BinInt1(3));
        Text(byteOrder.ToString());
        Ops(a =>
        {
            a.None().None().None();
            Int(a, -1);
            Int(a, -1);
            Int(a, dtype.StartsWith('O') ? 63 : 0);
            Memo(a.Tuple()).Build();
        });
        Text("allow_mmap").Ops(a => _ = allowMmap ? a.NewTrue() : a.NewFalse());
        if (alignment)
        {
            Text("numpy_array_alignment_bytes").Ops(a => a.BinInt1(Alignment));
        }
        return EndObject();
    }

    /// <summary>Ends the pickle (STOP) and returns the file.</summary>
    public byte[] ToArray()
    {
        _frame.Stop();
        CommitFrame();
        return _file.ToArray();
    }

    /// <summary><c>framer.commit_frame(force=True)</c>: FRAME + u64 length when the frame holds at least 4 bytes.</summary>
    private void CommitFrame()
    {
        byte[] data = _frame.ToArray();
        _frame = new PickleAssembler();
        if (_protocol >= 4 && data.Length >= 4)
        {
            _file.AddRange(new PickleAssembler().Frame(data.Length).ToArray());
        }
        _file.AddRange(data);
    }

    private static void Int(PickleAssembler a, int value)
    {
        if (value is >= 0 and < 256)
        {
            a.BinInt1((byte)value);
        }
        else if (value is >= 0 and < 65536)
        {
            a.BinInt2((ushort)value);
        }
        else
        {
            a.BinInt(value);
        }
    }

    private PickleAssembler Memo(PickleAssembler a)
    {
        if (_protocol >= 4)
        {
            a.Memoize();
        }
        else
        {
            a.BinPut((byte)_memo);
        }
        _memo++;
        return a;
    }
}
