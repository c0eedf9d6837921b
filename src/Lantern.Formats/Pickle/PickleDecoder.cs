using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Lantern.Formats.Pickle;

/// <summary>
/// Decodes pickle streams (protocols 0–5) opcode by opcode without executing anything, the way
/// System.Formats.Nrbf decodes BinaryFormatter payloads: an explicit stack and memo of symbolic values follow
/// what CPython's <c>Lib/pickle.py</c> <c>_Unpickler</c> does to its stack and memo for every opcode, and every
/// import (<c>find_class</c>), call (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST), BUILD, container mutation and
/// persistent id is recorded in a <see cref="PickleTrace"/>. No recursion on input depth; bounded by
/// <see cref="PickleDecoderOptions"/>; memory does not grow with payload sizes (bytes are skipped, not kept).
/// Malformed or truncated input never throws: the trace keeps what came before the bad byte and says where it stopped.
/// </summary>
public static class PickleDecoder
{
    /// <summary>Decodes from the stream's current position.</summary>
    public static PickleTrace Decode(Stream stream, PickleDecoderOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var machine = new PickleMachine(options ?? new PickleDecoderOptions(), cancellation);
        return machine.Run(stream);
    }
}

/// <summary>The symbolic unpickler: one instance per <see cref="PickleDecoder.Decode"/> call.</summary>
internal sealed class PickleMachine
{
    private const int SmallTuple = 8;

    /// <summary>Marks an int too large for 64 bits (kept as 0): never a usable size or count.</summary>
    private static readonly object BigInteger = new();
    private const int VerbatimStringLength = 24;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PickleDecoderOptions _options;
    private readonly CancellationToken _cancellation;
    private readonly PickleTrace _trace = new();
    private Dictionary<long, (PickleValue Value, int Stream)> _memo = [];
    private readonly Dictionary<string, PickleSymbol> _dtypeSymbols = new(StringComparer.Ordinal);
    private readonly Dictionary<PickleSymbol, string> _dtypeNames = new(ReferenceEqualityComparer.Instance);
    private int _nextStream;
    private int _topStreams;
    private int _nestedPickles;
    private bool _inNestedArray;
    private readonly Dictionary<(string, string), PickleSymbol> _globals = [];
    private readonly Dictionary<string, PickleSymbol> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _events = new(StringComparer.Ordinal);
    private readonly HashSet<string> _anomalyCodes = new(StringComparer.Ordinal);
    private PickleValue[] _stack = new PickleValue[64];
    private int[] _marks = new int[16];
    private int _count;
    private int _markCount;
    private int _proto;
    private int _streamIndex;
    private long _frameEnd = -1;
    private long _streamStart;
    private bool _sawProto;

    public PickleMachine(PickleDecoderOptions options, CancellationToken cancellation)
    {
        _options = options;
        _cancellation = cancellation;
    }

    private int Base => _markCount == 0 ? 0 : _marks[_markCount - 1];

    public PickleTrace Run(Stream stream)
    {
        using var input = new PickleInput(stream, _options.MaxBytes);
        try
        {
            while (true)
            {
                if (_topStreams > 0)
                {
                    if (input.AtEnd)
                    {
                        break;
                    }
                    if (!_options.MultipleStreams)
                    {
                        _trace.TrailingDataOffset = input.Position;
                        break;
                    }
                    if (_topStreams >= _options.MaxStreams)
                    {
                        throw new PickleLimitException("pickle.stream-limit", input.Position, $"More than {_options.MaxStreams} pickles in one stream.");
                    }
                }
                _streamIndex = _nextStream++;
                _topStreams++;
                if (!DecodeStream(input, nested: false))
                {
                    break;
                }
            }
        }
        catch (PickleLimitException ex)
        {
            Fail(ex.Code, ex.Offset, ex.Message, limit: true);
        }
        catch (IOException ex)
        {
            Fail("pickle.read-failed", input.Position, ex.Message, limit: false);
        }
        _trace.BytesRead = input.Position;
        return _trace;
    }

    /// <summary>Decodes one pickle up to STOP; false when it did not reach STOP (error or trailing data).</summary>
    private bool DecodeStream(PickleInput input, bool nested)
    {
        _count = 0;
        _markCount = 0;
        _proto = 0;
        _sawProto = false;
        _frameEnd = -1;
        _streamStart = input.Position;
        bool first = true;
        try
        {
            while (true)
            {
                if (!first)
                {
                    RunFast(input);
                }
                long offset = input.Position;
                int read = input.ReadByte();
                if (read < 0)
                {
                    throw Invalid("pickle.truncated", offset, first ? "The input ends where a pickle should start." : "The pickle ends before STOP.");
                }
                byte op = (byte)read;
                if (first && !nested && _streamIndex > 0 && !IsKnownOpcode(op))
                {
                    // Bytes after a STOP that do not start a pickle: trailing data (legacy storages, polyglots), not a broken pickle.
                    _trace.TrailingDataOffset = offset;
                    return false;
                }
                first = false;
                if (++_trace.OpcodeCount > _options.MaxOpcodes)
                {
                    throw new PickleLimitException("pickle.opcode-limit", offset, $"More than {_options.MaxOpcodes} opcodes.");
                }
                if ((_trace.OpcodeCount & 0xFFF) == 0)
                {
                    _cancellation.ThrowIfCancellationRequested();
                }
                if (_frameEnd >= 0 && offset >= _frameEnd)
                {
                    _frameEnd = -1;
                }
                if (ProtocolFloor[op] > _proto)
                {
                    Anomaly("pickle.opcode-above-protocol", offset, $"{PickleOpcodes.Name(op)} needs protocol {PickleOpcodes.IntroducedIn(op)} but the stream declares {_proto}; no pickler writes this.");
                }
                if (Step(input, op, offset))
                {
                    _trace.StreamList.Add(new PickleStreamInfo(_streamIndex, _streamStart, input.Position, true, ResultKind(), ResultDescription()));
                    return true;
                }
                if (_frameEnd >= 0 && input.Position > _frameEnd)
                {
                    Anomaly("pickle.frame-boundary", offset, $"{PickleOpcodes.Name(op)} straddles the end of its FRAME: CPython's pure-Python unpickler refuses this, the C unpickler ignores frames (issue 154848).");
                    _frameEnd = -1;
                }
            }
        }
        catch (PickleInvalidException ex)
        {
            Fail(ex.Code, ex.Offset, ex.Message, limit: false);
            _trace.StreamList.Add(new PickleStreamInfo(_streamIndex, _streamStart, input.Position, false, null, "incomplete"));
            return false;
        }
        catch (PickleLimitException)
        {
            _trace.StreamList.Add(new PickleStreamInfo(_streamIndex, _streamStart, input.Position, false, null, "incomplete"));
            throw;
        }
    }

    /// <summary>Executes one opcode symbolically; true for STOP.</summary>
    private bool Step(PickleInput input, byte op, long offset)
    {
        switch (op)
        {
            case PickleOpcodes.Mark:
                CheckDepth(offset);
                if (_markCount == _marks.Length)
                {
                    Array.Resize(ref _marks, _marks.Length * 2);
                }
                _marks[_markCount++] = _count;
                break;
            case PickleOpcodes.Stop:
                Pop(offset);
                if (_count != 0 || _markCount != 0)
                {
                    Anomaly("pickle.stack-not-empty", offset, "Values or MARKs are left on the stack at STOP; pickletools rejects this, CPython does not.");
                }
                _stopValue = _lastPopped;
                return true;
            case PickleOpcodes.Pop:
                if (_count > Base)
                {
                    _count--;
                }
                else if (_markCount > 0)
                {
                    _markCount--;
                }
                else
                {
                    throw Invalid("pickle.stack-underflow", offset, "POP on an empty stack.");
                }
                break;
            case PickleOpcodes.PopMark:
                PopMark(offset);
                break;
            case PickleOpcodes.Dup:
                Push(Top(offset), offset);
                break;
            case PickleOpcodes.Float:
                ReadLine(input, offset, out _);
                Push(new PickleValue(ValueKind.FloatNumber, 0, null), offset);
                break;
            case PickleOpcodes.Int:
                Push(ParseIntLine(input, offset, isLong: false), offset);
                break;
            case PickleOpcodes.Long:
                Push(ParseIntLine(input, offset, isLong: true), offset);
                break;
            case PickleOpcodes.BinInt:
                Push(new PickleValue(ValueKind.Integer, BinaryPrimitives.ReadInt32LittleEndian(Read(input, 4, offset)), null), offset);
                break;
            case PickleOpcodes.BinInt1:
                Push(new PickleValue(ValueKind.Integer, Read(input, 1, offset)[0], null), offset);
                break;
            case PickleOpcodes.BinInt2:
                Push(new PickleValue(ValueKind.Integer, BinaryPrimitives.ReadUInt16LittleEndian(Read(input, 2, offset)), null), offset);
                break;
            case PickleOpcodes.Long1:
                Push(ReadLong(input, Read(input, 1, offset)[0], offset), offset);
                break;
            case PickleOpcodes.Long4:
            {
                int n = BinaryPrimitives.ReadInt32LittleEndian(Read(input, 4, offset));
                if (n < 0)
                {
                    throw Invalid("pickle.negative-length", offset, "LONG4 has a negative byte count.");
                }
                Push(ReadLong(input, n, offset), offset);
                break;
            }
            case PickleOpcodes.BinFloat:
                Read(input, 8, offset);
                Push(new PickleValue(ValueKind.FloatNumber, 0, null), offset);
                break;
            case PickleOpcodes.None:
                Push(PickleValue.None, offset);
                break;
            case PickleOpcodes.NewTrue:
                Push(new PickleValue(ValueKind.Boolean, 1, null), offset);
                break;
            case PickleOpcodes.NewFalse:
                Push(new PickleValue(ValueKind.Boolean, 0, null), offset);
                break;
            case PickleOpcodes.String:
                Push(ReadQuotedString(input, offset), offset);
                break;
            case PickleOpcodes.BinString:
            {
                int n = BinaryPrimitives.ReadInt32LittleEndian(Read(input, 4, offset));
                if (n < 0)
                {
                    throw Invalid("pickle.negative-length", offset, "BINSTRING has a negative byte count.");
                }
                Push(ReadText(input, n, offset, latin1: true), offset);
                break;
            }
            case PickleOpcodes.ShortBinString:
                Push(ReadText(input, Read(input, 1, offset)[0], offset, latin1: true), offset);
                break;
            case PickleOpcodes.Unicode:
                Push(ReadUnicodeLine(input, offset), offset);
                break;
            case PickleOpcodes.BinUnicode:
                Push(ReadText(input, BinaryPrimitives.ReadUInt32LittleEndian(Read(input, 4, offset)), offset, latin1: false), offset);
                break;
            case PickleOpcodes.ShortBinUnicode:
                Push(ReadText(input, Read(input, 1, offset)[0], offset, latin1: false), offset);
                break;
            case PickleOpcodes.BinUnicode8:
                Push(ReadText(input, ReadLength8(input, offset), offset, latin1: false), offset);
                break;
            case PickleOpcodes.BinBytes:
                Push(SkipBytes(input, BinaryPrimitives.ReadUInt32LittleEndian(Read(input, 4, offset)), offset, ValueKind.Bytes), offset);
                break;
            case PickleOpcodes.ShortBinBytes:
                Push(SkipBytes(input, Read(input, 1, offset)[0], offset, ValueKind.Bytes), offset);
                break;
            case PickleOpcodes.BinBytes8:
                Push(SkipBytes(input, ReadLength8(input, offset), offset, ValueKind.Bytes), offset);
                break;
            case PickleOpcodes.ByteArray8:
                Push(SkipBytes(input, ReadLength8(input, offset), offset, ValueKind.ByteArray), offset);
                break;
            case PickleOpcodes.NextBuffer:
                Anomaly("pickle.out-of-band-buffer", offset, "NEXT_BUFFER: the loader must supply out-of-band buffers; plain pickle.load refuses the stream.");
                Push(new PickleValue(ValueKind.Buffer, 0, new PickleSymbol(PickleSymbolKind.Buffer, null, null, "out-of-band buffer")), offset);
                break;
            case PickleOpcodes.ReadOnlyBuffer:
                Top(offset);
                break;
            case PickleOpcodes.EmptyTuple:
                Push(new PickleValue(ValueKind.Tuple, 0, Array.Empty<PickleValue>()), offset);
                break;
            case PickleOpcodes.Tuple:
            {
                int start = PopMark(offset);
                Push(MakeTuple(start, _markPoppedCount), offset);
                break;
            }
            case PickleOpcodes.Tuple1:
            case PickleOpcodes.Tuple2:
            case PickleOpcodes.Tuple3:
            {
                int n = op - PickleOpcodes.Tuple1 + 1;
                if (_count - Base < n)
                {
                    throw Invalid("pickle.stack-underflow", offset, $"{PickleOpcodes.Name(op)} needs {n} values on the stack.");
                }
                PickleValue tuple = MakeTuple(_count - n, n);
                _count -= n;
                Push(tuple, offset);
                break;
            }
            case PickleOpcodes.EmptyList:
                Push(new PickleValue(ValueKind.List, 0, null), offset);
                break;
            case PickleOpcodes.List:
                PopMark(offset);
                Push(new PickleValue(ValueKind.List, _markPoppedCount, null), offset);
                break;
            case PickleOpcodes.EmptyDict:
                Push(new PickleValue(ValueKind.Dict, 0, new DictShape()), offset);
                break;
            case PickleOpcodes.Dict:
            {
                int start = PopMark(offset);
                int n = _markPoppedCount;
                if (n % 2 != 0)
                {
                    throw Invalid("pickle.odd-dict", offset, "DICT with an odd number of items.");
                }
                var shape = new DictShape();
                for (int i = start; i < start + n; i += 2)
                {
                    AddToDict(shape, _stack[i], _stack[i + 1]);
                }
                Push(new PickleValue(ValueKind.Dict, n / 2, shape), offset);
                break;
            }
            case PickleOpcodes.EmptySet:
                Push(new PickleValue(ValueKind.Set, 0, null), offset);
                break;
            case PickleOpcodes.FrozenSet:
                PopMark(offset);
                Push(new PickleValue(ValueKind.FrozenSet, _markPoppedCount, null), offset);
                break;
            case PickleOpcodes.Append:
            {
                PickleValue value = Pop(offset);
                Mutate(Top(offset), value, 1, "APPEND", offset);
                break;
            }
            case PickleOpcodes.Appends:
            {
                int start = PopMark(offset);
                int n = _markPoppedCount;
                PickleValue target = Top(offset);
                Mutate(target, n > 0 ? _stack[start] : PickleValue.None, n, "APPENDS", offset);
                break;
            }
            case PickleOpcodes.SetItem:
            {
                PickleValue value = Pop(offset);
                PickleValue key = Pop(offset);
                PickleValue target = Top(offset);
                if (target.Kind == ValueKind.Dict && target.Ref is DictShape shape)
                {
                    AddToDict(shape, key, value);
                }
                else
                {
                    Mutate(target, key, 1, "SETITEM", offset);
                }
                break;
            }
            case PickleOpcodes.SetItems:
            {
                int start = PopMark(offset);
                int n = _markPoppedCount;
                if (n % 2 != 0)
                {
                    throw Invalid("pickle.odd-dict", offset, "SETITEMS with an odd number of items.");
                }
                PickleValue target = Top(offset);
                if (target.Kind == ValueKind.Dict && target.Ref is DictShape shape)
                {
                    for (int i = start; i < start + n; i += 2)
                    {
                        AddToDict(shape, _stack[i], _stack[i + 1]);
                    }
                }
                else if (n > 0)
                {
                    Mutate(target, _stack[start], n / 2, "SETITEMS", offset);
                }
                break;
            }
            case PickleOpcodes.AddItems:
            {
                int start = PopMark(offset);
                int n = _markPoppedCount;
                PickleValue target = Top(offset);
                if (target.Kind != ValueKind.Set && n > 0)
                {
                    Mutate(target, _stack[start], n, "ADDITEMS", offset);
                }
                break;
            }
            case PickleOpcodes.Get:
            {
                ReadOnlySpan<byte> line = ReadLine(input, offset, out _);
                PushMemo(ParseDecimal(line, offset, "GET"), offset);
                break;
            }
            case PickleOpcodes.BinGet:
                PushMemo(Read(input, 1, offset)[0], offset);
                break;
            case PickleOpcodes.LongBinGet:
                PushMemo(BinaryPrimitives.ReadUInt32LittleEndian(Read(input, 4, offset)), offset);
                break;
            case PickleOpcodes.Put:
            {
                ReadOnlySpan<byte> line = ReadLine(input, offset, out _);
                long key = ParseDecimal(line, offset, "PUT");
                if (key < 0)
                {
                    throw Invalid("pickle.negative-memo-key", offset, "Negative PUT argument.");
                }
                StoreMemo(key, offset);
                break;
            }
            case PickleOpcodes.BinPut:
                StoreMemo(Read(input, 1, offset)[0], offset);
                break;
            case PickleOpcodes.LongBinPut:
                StoreMemo(BinaryPrimitives.ReadUInt32LittleEndian(Read(input, 4, offset)), offset);
                break;
            case PickleOpcodes.Memoize:
                StoreMemo(_memo.Count, offset);
                break;
            case PickleOpcodes.Global:
            {
                string module = ReadNameLine(input, offset);
                string name = ReadNameLine(input, offset);
                Push(Global(module, name, "GLOBAL", offset), offset);
                break;
            }
            case PickleOpcodes.StackGlobal:
            {
                PickleValue name = Pop(offset);
                PickleValue module = Pop(offset);
                Push(StackGlobal(module, name, offset), offset);
                break;
            }
            case PickleOpcodes.Inst:
            {
                string module = ReadNameLine(input, offset);
                string name = ReadNameLine(input, offset);
                PickleValue cls = Global(module, name, "INST", offset);
                int start = PopMark(offset);
                PickleValue args = MakeTuple(start, _markPoppedCount);
                Push(Call(cls, args, "INST", offset), offset);
                break;
            }
            case PickleOpcodes.Obj:
            {
                int start = PopMark(offset);
                int n = _markPoppedCount;
                if (n == 0)
                {
                    throw Invalid("pickle.stack-underflow", offset, "OBJ without a class after its MARK.");
                }
                PickleValue cls = _stack[start];
                PickleValue args = MakeTuple(start + 1, n - 1);
                Push(Call(cls, args, "OBJ", offset), offset);
                break;
            }
            case PickleOpcodes.Reduce:
            {
                PickleValue args = Pop(offset);
                PickleValue callable = Pop(offset);
                Push(Call(callable, args, "REDUCE", offset), offset);
                break;
            }
            case PickleOpcodes.NewObj:
            {
                PickleValue args = Pop(offset);
                PickleValue cls = Pop(offset);
                Push(Call(cls, args, "NEWOBJ", offset), offset);
                break;
            }
            case PickleOpcodes.NewObjEx:
            {
                PickleValue kwargs = Pop(offset);
                PickleValue args = Pop(offset);
                PickleValue cls = Pop(offset);
                string summary = Summarize(args, 0) + " **" + Summarize(kwargs, 0);
                Push(CallWithSummary(cls, summary, "NEWOBJ_EX", offset), offset);
                break;
            }
            case PickleOpcodes.Build:
            {
                PickleValue state = Pop(offset);
                PickleValue target = Top(offset);
                RecordBuild(target, StateSummary(state), "BUILD", offset);
                if (_options.JoblibArrays && !_inNestedArray && JoblibArrayReader.IsWrapper(target.Symbol))
                {
                    ReadInlineArray(input, state, offset);
                }
                break;
            }
            case PickleOpcodes.PersId:
            {
                ReadOnlySpan<byte> line = ReadLine(input, offset, out long length);
                if (!System.Text.Ascii.IsValid(line))
                {
                    throw Invalid("pickle.persid-not-ascii", offset, "PERSID ids in protocol 0 must be ASCII.");
                }
                string text = length <= _options.MaxNameLength ? Encoding.ASCII.GetString(line) : "<long id>";
                Push(Persistent(new PickleValue(ValueKind.Text, text.Length, text), "PERSID", offset), offset);
                break;
            }
            case PickleOpcodes.BinPersId:
                Push(Persistent(Pop(offset), "BINPERSID", offset), offset);
                break;
            case PickleOpcodes.Ext1:
                Push(Extension(Read(input, 1, offset)[0], "EXT1", offset), offset);
                break;
            case PickleOpcodes.Ext2:
                Push(Extension(BinaryPrimitives.ReadUInt16LittleEndian(Read(input, 2, offset)), "EXT2", offset), offset);
                break;
            case PickleOpcodes.Ext4:
                Push(Extension(BinaryPrimitives.ReadInt32LittleEndian(Read(input, 4, offset)), "EXT4", offset), offset);
                break;
            case PickleOpcodes.Proto:
            {
                int proto = Read(input, 1, offset)[0];
                if (proto > PickleOpcodes.HighestProtocol)
                {
                    throw Invalid("pickle.unsupported-protocol", offset, $"Unsupported pickle protocol {proto}.");
                }
                if (_sawProto)
                {
                    Anomaly("pickle.duplicate-proto", offset, "A second PROTO opcode in one pickle; CPython accepts it and switches name mapping.");
                }
                else if (offset != _streamStart)
                {
                    Anomaly("pickle.misplaced-proto", offset, "PROTO is not the first opcode; CPython accepts it anywhere.");
                }
                _sawProto = true;
                _proto = proto;
                break;
            }
            case PickleOpcodes.Frame:
            {
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(Read(input, 8, offset));
                if (_frameEnd >= 0 && offset < _frameEnd)
                {
                    Anomaly("pickle.frame-boundary", offset, "A FRAME starts before the current frame ends: the pure-Python unpickler refuses this, the C unpickler ignores frames.");
                }
                if (length > (ulong)(_options.MaxBytes - input.Position))
                {
                    throw Invalid("pickle.truncated", offset, $"FRAME claims {length} bytes, more than the input can hold.");
                }
                _frameEnd = input.Position + (long)length;
                break;
            }
            default:
                throw Invalid("pickle.unknown-opcode", offset, $"Invalid load key 0x{op:X2} (no such opcode).");
        }
        return false;
    }

    /// <summary>
    /// The hot loop for the opcodes that make up most of a big pickle (MARK, small ints and literals, list building):
    /// decodes straight from the input's buffer with the stack in locals, one table-free switch per opcode and no
    /// per-opcode calls. It takes an opcode only when its whole argument is inside the buffered window (which
    /// <see cref="PickleInput.Buffered"/> cuts at the byte limit and this method cuts at the current FRAME's end),
    /// the opcode budget has room, and it can neither fail, hit a bound, record an event nor raise an anomaly; anything
    /// else is left untouched for <see cref="Step"/>, which therefore sees exactly the state it would have seen and
    /// reports errors and limits at the same offsets. Every opcode taken here is from protocol 0 or 1, so the
    /// opcode-above-protocol anomaly cannot apply.
    /// </summary>
    private void RunFast(PickleInput input)
    {
        long position = input.Position;
        if (_frameEnd >= 0 && position >= _frameEnd)
        {
            return;
        }
        ReadOnlySpan<byte> window = input.Buffered;
        if (_frameEnd >= 0 && _frameEnd - position < window.Length)
        {
            // Ending the window at the frame's end keeps the frame-boundary checks in DecodeStream exact.
            window = window[..(int)(_frameEnd - position)];
        }
        long opcodes = _trace.OpcodeCount;
        long maxOpcodes = _options.MaxOpcodes;
        int maxDepth = _options.MaxStackDepth;
        PickleValue[] stack = _stack;
        int[] marks = _marks;
        int count = _count;
        int markCount = _markCount;
        int i = 0;
        while (i < window.Length && opcodes < maxOpcodes)
        {
            int size;
            switch (window[i])
            {
                case PickleOpcodes.Mark:
                    if (count + markCount >= maxDepth)
                    {
                        goto Done;
                    }
                    if (markCount == marks.Length)
                    {
                        Array.Resize(ref marks, marks.Length * 2);
                    }
                    marks[markCount++] = count;
                    size = 1;
                    break;
                case PickleOpcodes.BinInt1:
                    if (window.Length - i < 2 || count + markCount >= maxDepth)
                    {
                        goto Done;
                    }
                    if (count == stack.Length)
                    {
                        Array.Resize(ref stack, stack.Length * 2);
                    }
                    stack[count++] = new PickleValue(ValueKind.Integer, window[i + 1], null);
                    size = 2;
                    break;
                case PickleOpcodes.BinInt2:
                    if (window.Length - i < 3 || count + markCount >= maxDepth)
                    {
                        goto Done;
                    }
                    if (count == stack.Length)
                    {
                        Array.Resize(ref stack, stack.Length * 2);
                    }
                    stack[count++] = new PickleValue(ValueKind.Integer, BinaryPrimitives.ReadUInt16LittleEndian(window.Slice(i + 1, 2)), null);
                    size = 3;
                    break;
                case PickleOpcodes.BinInt:
                    if (window.Length - i < 5 || count + markCount >= maxDepth)
                    {
                        goto Done;
                    }
                    if (count == stack.Length)
                    {
                        Array.Resize(ref stack, stack.Length * 2);
                    }
                    stack[count++] = new PickleValue(ValueKind.Integer, BinaryPrimitives.ReadInt32LittleEndian(window.Slice(i + 1, 4)), null);
                    size = 5;
                    break;
                case PickleOpcodes.BinFloat:
                    if (window.Length - i < 9 || count + markCount >= maxDepth)
                    {
                        goto Done;
                    }
                    if (count == stack.Length)
                    {
                        Array.Resize(ref stack, stack.Length * 2);
                    }
                    stack[count++] = new PickleValue(ValueKind.FloatNumber, 0, null);
                    size = 9;
                    break;
                case PickleOpcodes.None:
                case PickleOpcodes.EmptyList:
                case PickleOpcodes.EmptyTuple:
                    if (count + markCount >= maxDepth)
                    {
                        goto Done;
                    }
                    if (count == stack.Length)
                    {
                        Array.Resize(ref stack, stack.Length * 2);
                    }
                    stack[count++] = window[i] switch
                    {
                        PickleOpcodes.None => PickleValue.None,
                        PickleOpcodes.EmptyList => new PickleValue(ValueKind.List, 0, null),
                        _ => new PickleValue(ValueKind.Tuple, 0, Array.Empty<PickleValue>()),
                    };
                    size = 1;
                    break;
                case PickleOpcodes.Append:
                {
                    // Pop the value, then the list below it stays: only a list target is silent (Mutate).
                    int stackBase = markCount == 0 ? 0 : marks[markCount - 1];
                    if (count - 1 <= stackBase || stack[count - 2].Kind != ValueKind.List)
                    {
                        goto Done;
                    }
                    _lastPopped = stack[--count];
                    size = 1;
                    break;
                }
                case PickleOpcodes.Appends:
                {
                    // PopMark, then the list below the mark stays: only a list target is silent (Mutate).
                    if (markCount == 0)
                    {
                        goto Done;
                    }
                    int start = marks[markCount - 1];
                    int stackBase = markCount == 1 ? 0 : marks[markCount - 2];
                    if (start <= stackBase || stack[start - 1].Kind != ValueKind.List)
                    {
                        goto Done;
                    }
                    markCount--;
                    _markPoppedCount = count - start;
                    count = start;
                    size = 1;
                    break;
                }
                default:
                    goto Done;
            }
            i += size;
            opcodes++;
            if ((opcodes & 0xFFF) == 0 && _cancellation.IsCancellationRequested)
            {
                break;
            }
        }
    Done:
        _stack = stack;
        _marks = marks;
        _count = count;
        _markCount = markCount;
        _trace.OpcodeCount = opcodes;
        input.Advance(i);
        _cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Per opcode, the protocol that introduced it when that is 2 or more (0 for PROTO itself and unknown bytes):
    /// an opcode whose floor is above the declared protocol is the opcode-above-protocol anomaly.
    /// </summary>
    private static readonly byte[] ProtocolFloor = BuildProtocolFloor();

    private static byte[] BuildProtocolFloor()
    {
        var floor = new byte[256];
        for (int op = 0; op < 256; op++)
        {
            int introduced = PickleOpcodes.IntroducedIn((byte)op);
            if (op != PickleOpcodes.Proto && introduced >= 2 && IsKnownOpcode((byte)op))
            {
                floor[op] = (byte)introduced;
            }
        }
        return floor;
    }

    private PickleValue _stopValue;
    private PickleValue _lastPopped;
    private int _markPoppedCount;

    private PickleSymbolKind? ResultKind() => _stopValue.Kind switch
    {
        ValueKind.Global => PickleSymbolKind.Global,
        ValueKind.CallResult => PickleSymbolKind.CallResult,
        ValueKind.Persistent => PickleSymbolKind.Persistent,
        ValueKind.Extension => PickleSymbolKind.Extension,
        ValueKind.Buffer => PickleSymbolKind.Buffer,
        ValueKind.Tuple or ValueKind.List or ValueKind.Dict or ValueKind.Set or ValueKind.FrozenSet => PickleSymbolKind.Container,
        _ => PickleSymbolKind.Constant,
    };

    private string ResultDescription() => Summarize(_stopValue, 0);

    private static bool IsKnownOpcode(byte op) => op switch
    {
        PickleOpcodes.Mark or PickleOpcodes.Stop or PickleOpcodes.Pop or PickleOpcodes.PopMark or PickleOpcodes.Dup or PickleOpcodes.Float
            or PickleOpcodes.Int or PickleOpcodes.BinInt or PickleOpcodes.BinInt1 or PickleOpcodes.Long or PickleOpcodes.BinInt2
            or PickleOpcodes.None or PickleOpcodes.PersId or PickleOpcodes.BinPersId or PickleOpcodes.Reduce or PickleOpcodes.String
            or PickleOpcodes.BinString or PickleOpcodes.ShortBinString or PickleOpcodes.Unicode or PickleOpcodes.BinUnicode
            or PickleOpcodes.Append or PickleOpcodes.Build or PickleOpcodes.Global or PickleOpcodes.Dict or PickleOpcodes.EmptyDict
            or PickleOpcodes.Appends or PickleOpcodes.Get or PickleOpcodes.BinGet or PickleOpcodes.Inst or PickleOpcodes.LongBinGet
            or PickleOpcodes.List or PickleOpcodes.EmptyList or PickleOpcodes.Obj or PickleOpcodes.Put or PickleOpcodes.BinPut
            or PickleOpcodes.LongBinPut or PickleOpcodes.SetItem or PickleOpcodes.Tuple or PickleOpcodes.EmptyTuple or PickleOpcodes.SetItems
            or PickleOpcodes.BinFloat or PickleOpcodes.BinBytes or PickleOpcodes.ShortBinBytes => true,
        >= PickleOpcodes.Proto and <= PickleOpcodes.ReadOnlyBuffer => true,
        _ => false,
    };

    // ---- stack ----

    private void CheckDepth(long offset)
    {
        if (_count + _markCount >= _options.MaxStackDepth)
        {
            throw new PickleLimitException("pickle.stack-limit", offset, $"Stack deeper than {_options.MaxStackDepth}.");
        }
    }

    private void Push(PickleValue value, long offset)
    {
        CheckDepth(offset);
        if (_count == _stack.Length)
        {
            Array.Resize(ref _stack, _stack.Length * 2);
        }
        _stack[_count++] = value;
    }

    private PickleValue Pop(long offset)
    {
        if (_count <= Base)
        {
            throw Invalid("pickle.stack-underflow", offset, "Pop from an empty stack (or across a MARK).");
        }
        _lastPopped = _stack[--_count];
        return _lastPopped;
    }

    private PickleValue Top(long offset)
    {
        if (_count <= Base)
        {
            throw Invalid("pickle.stack-underflow", offset, "The opcode needs a value on the stack.");
        }
        return _stack[_count - 1];
    }

    /// <summary>Pops back to the last MARK; returns the index of the first item (still readable in <c>_stack</c> until the next push).</summary>
    private int PopMark(long offset)
    {
        if (_markCount == 0)
        {
            throw Invalid("pickle.no-mark", offset, "No MARK to pop to.");
        }
        int start = _marks[--_markCount];
        _markPoppedCount = _count - start;
        _count = start;
        return start;
    }

    private PickleValue MakeTuple(int start, int n)
    {
        if (n > SmallTuple)
        {
            return new PickleValue(ValueKind.Tuple, n, null);
        }
        var items = n == 0 ? [] : new PickleValue[n];
        Array.Copy(_stack, start, items, 0, n);
        return new PickleValue(ValueKind.Tuple, n, items);
    }

    // ---- memo ----

    private void StoreMemo(long key, long offset)
    {
        PickleValue value = Top(offset);
        if (!_memo.ContainsKey(key) && _memo.Count >= _options.MaxMemoEntries)
        {
            throw new PickleLimitException("pickle.memo-limit", offset, $"More than {_options.MaxMemoEntries} memo entries.");
        }
        if (_memo.TryGetValue(key, out (PickleValue Value, int Stream) old) && old.Stream == _streamIndex && old.Value.Kind != value.Kind)
        {
            // Only within one pickle: stacked pickles come from fresh picklers that reuse keys from 0.
            Anomaly("pickle.memo-overwrite", offset, $"Memo key {key} is overwritten with a different kind of value.");
        }
        _memo[key] = (value, _streamIndex);
    }

    private void PushMemo(long key, long offset)
    {
        if (!_memo.TryGetValue(key, out (PickleValue Value, int Stream) slot))
        {
            throw Invalid("pickle.memo-missing", offset, $"Memo key {key} was never stored.");
        }
        if (slot.Stream != _streamIndex)
        {
            Anomaly("pickle.cross-stream-memo", offset, $"Memo key {key} comes from pickle {slot.Stream}; only a reused Unpickler resolves it.");
        }
        Push(slot.Value, offset);
    }

    // ---- imports and calls ----

    private PickleValue Global(string rawModule, string rawName, string opcode, long offset)
    {
        (string module, string name) = _proto < 3 ? PickleCompatNames.Map(rawModule, rawName) : (rawModule, rawName);
        if (!_globals.TryGetValue((module, name), out PickleSymbol? symbol))
        {
            symbol = new PickleSymbol(PickleSymbolKind.Global, module, name, $"{module}.{name}");
            _globals[(module, name)] = symbol;
        }
        string key = $"I\u0001{module}\u0001{name}";
        if (_events.TryGetValue(key, out object? existing))
        {
            ((PickleImport)existing).Count++;
        }
        else
        {
            AddEvent(key, new PickleImport { Module = module, Name = name, RawModule = rawModule, RawName = rawName, Offset = offset, Opcode = opcode, Stream = _streamIndex }, _trace.ImportList, offset);
        }
        return new PickleValue(ValueKind.Global, 0, symbol);
    }

    private PickleValue StackGlobal(PickleValue module, PickleValue name, long offset)
    {
        if (module.Kind == ValueKind.Text && name.Kind == ValueKind.Text)
        {
            return Global((string)module.Ref!, (string)name.Ref!, "STACK_GLOBAL", offset);
        }
        if (module.Kind == ValueKind.LongText || name.Kind == ValueKind.LongText)
        {
            throw Invalid("pickle.name-too-long", offset, $"STACK_GLOBAL operand longer than {_options.MaxNameLength} bytes.");
        }
        if (module.IsObject || name.IsObject)
        {
            // CPython requires str operands; an object on the stack may be a str made while loading (str.join, getattr, a mutated module).
            string moduleText = module.Text ?? Describe(module);
            string nameText = name.Text ?? Describe(name);
            string key = $"D\u0001{moduleText}\u0001{nameText}";
            if (_events.TryGetValue(key, out object? existing))
            {
                ((PickleImport)existing).Count++;
            }
            else
            {
                AddEvent(key, new PickleImport { Module = moduleText, Name = nameText, RawModule = moduleText, RawName = nameText, Offset = offset, Opcode = "STACK_GLOBAL", Stream = _streamIndex, Dynamic = true }, _trace.ImportList, offset);
            }
            return new PickleValue(ValueKind.Global, 0, new PickleSymbol(PickleSymbolKind.Global, moduleText, nameText, $"<global named at load time: {moduleText}.{nameText}>"));
        }
        throw Invalid("pickle.stack-global-not-str", offset, "STACK_GLOBAL requires str operands.");
    }

    private PickleValue Extension(long code, string opcode, long offset)
    {
        if (code <= 0)
        {
            throw Invalid("pickle.ext-code", offset, "EXT specifies code <= 0.");
        }
        string name = code.ToString(CultureInfo.InvariantCulture);
        string key = $"X\u0001{name}";
        if (_events.TryGetValue(key, out object? existing))
        {
            ((PickleImport)existing).Count++;
        }
        else
        {
            AddEvent(key, new PickleImport { Module = "copyreg.extension", Name = name, RawModule = "copyreg.extension", RawName = name, Offset = offset, Opcode = opcode, Stream = _streamIndex }, _trace.ImportList, offset);
        }
        return new PickleValue(ValueKind.Extension, code, new PickleSymbol(PickleSymbolKind.Extension, "copyreg.extension", name, $"<extension {name}>"));
    }

    private PickleValue Call(PickleValue callable, PickleValue args, string opcode, long offset)
    {
        PickleValue result = CallWithSummary(callable, Summarize(args, 0), opcode, offset);
        if (_options.JoblibArrays && JoblibArrayReader.IsDtype(callable.Symbol) && args.Ref is PickleValue[] { Length: > 0 } items
            && items[0].Text is { } name && result.Symbol is { } shared)
        {
            // numpy.dtype('<f8', False, True): one symbol per dtype string (same names for the judge) so a later
            // NumpyArrayWrapper state can tell the item size. Bounded; past the bound the dtype stays unreadable.
            if (!_dtypeSymbols.TryGetValue(name, out PickleSymbol? symbol) && _dtypeSymbols.Count < _options.MaxDtypeNames)
            {
                symbol = shared with { };
                _dtypeSymbols[name] = symbol;
                _dtypeNames[symbol] = name;
            }
            if (symbol is not null)
            {
                return new PickleValue(ValueKind.CallResult, 0, symbol);
            }
        }
        return result;
    }

    /// <summary>
    /// What <c>joblib.numpy_pickle.NumpyUnpickler.load_build</c> does after BUILD on a <c>NumpyArrayWrapper</c>
    /// (formats.md §9.6 A8): with protocol ≥ 4 the writer committed the FRAME right after this BUILD, so the frame must
    /// end here; then either a nested protocol-2 pickle (object dtype, read by plain <c>pickle.load</c>, decoded
    /// here as part of the same trace) or one padding-length byte, that many 0xFF bytes and product(shape) × itemsize
    /// raw bytes, skipped unread. Anything this cannot read exactly stops decoding: never guessed, never safe.
    /// </summary>
    private void ReadInlineArray(PickleInput input, PickleValue state, long offset)
    {
        if (_frameEnd >= 0)
        {
            if (input.Position != _frameEnd)
            {
                throw Invalid("joblib.frame-not-committed", offset, "A NumpyArrayWrapper BUILD does not end its FRAME: joblib reads the array from after the frame while the unpickler goes on inside it.");
            }
            _frameEnd = -1;
        }
        JoblibArrayLayout layout = JoblibArrayReader.Layout(state, symbol => symbol is not null && _dtypeNames.TryGetValue(symbol, out string? name) ? name : null, offset);
        _trace.InlineArrayCount++;
        if (layout.HasObjects)
        {
            DecodeNestedArrayPickle(input, offset);
            return;
        }
        long start = input.Position;
        if (layout.Alignment is long alignment)
        {
            int read = input.ReadByte();
            if (read < 0)
            {
                throw Invalid("joblib.array-truncated", start, "The file ends where a joblib array's padding byte should be.");
            }
            // joblib writes align - ((pos + 1) % align): 1..align, and the array then starts on an aligned offset.
            long afterByte = checked(start + 1);
            if (read == 0 || read > alignment || checked(afterByte + read) % alignment != 0)
            {
                throw Invalid("joblib.array-padding", start, $"Padding length {read} does not align the array to {alignment} bytes as joblib writes it.");
            }
            if (!input.TryRead(read, out ReadOnlySpan<byte> padding))
            {
                throw Invalid("joblib.array-truncated", start, "The file ends inside a joblib array's padding.");
            }
            if (padding.IndexOfAnyExcept((byte)0xFF) >= 0)
            {
                throw Invalid("joblib.array-padding", start, "joblib array padding is not all 0xFF bytes: data is hidden where the loader skips.");
            }
        }
        else
        {
            _trace.UnpaddedInlineArrayCount++;
        }
        if (!input.Skip(layout.ByteCount))
        {
            throw Invalid("joblib.array-truncated", input.Position, $"The file ends inside a joblib array of {layout.ByteCount} bytes (shape says more than the file holds).");
        }
        _trace.InlineArrayBytes = checked(_trace.InlineArrayBytes + (input.Position - start));
    }

    /// <summary>
    /// An object-dtype array: joblib calls <c>pickle.dump(array, protocol=2)</c> and <c>pickle.load</c> reads it back,
    /// executing whatever it imports. Decoded with a fresh stack and memo (a separate unpickler), in the same trace.
    /// Exactly one level deep: the nested pickle is read by plain <c>pickle.load</c>, which knows no wrappers.
    /// </summary>
    private void DecodeNestedArrayPickle(PickleInput input, long offset)
    {
        if (++_nestedPickles > _options.MaxInlineArrayPickles)
        {
            throw new PickleLimitException("joblib.object-array-limit", offset, $"More than {_options.MaxInlineArrayPickles} joblib object arrays.");
        }
        PickleValue[] stack = _stack;
        int[] marks = _marks;
        var memo = _memo;
        (int count, int markCount, int proto, bool sawProto, long streamStart, int stream) = (_count, _markCount, _proto, _sawProto, _streamStart, _streamIndex);
        PickleValue stopValue = _stopValue;
        _stack = new PickleValue[64];
        _marks = new int[16];
        _memo = [];
        _inNestedArray = true;
        _streamIndex = _nextStream++;
        bool completed;
        try
        {
            completed = DecodeStream(input, nested: true);
        }
        finally
        {
            _inNestedArray = false;
            _stack = stack;
            _marks = marks;
            _memo = memo;
            (_count, _markCount, _proto, _sawProto, _streamStart, _streamIndex) = (count, markCount, proto, sawProto, streamStart, stream);
            _stopValue = stopValue;
            _frameEnd = -1;
        }
        if (!completed)
        {
            throw Invalid("joblib.object-array", offset, "The nested pickle of a joblib object array did not reach STOP.");
        }
    }

    private PickleValue CallWithSummary(PickleValue callable, string arguments, string opcode, long offset)
    {
        PickleSymbol callee = SymbolOf(callable);
        string key = $"C\u0001{callee.FullName}\u0001{opcode}\u0001{arguments}";
        if (_events.TryGetValue(key, out object? existing))
        {
            ((PickleCall)existing).Count++;
        }
        else
        {
            AddEvent(key, new PickleCall { Callable = callee, Opcode = opcode, Offset = offset, Arguments = arguments, Stream = _streamIndex }, _trace.CallList, offset);
        }
        string resultKey = callee.FullName;
        if (!_results.TryGetValue(resultKey, out PickleSymbol? result))
        {
            string description = callee.FullName.Length > 200 ? "<result of a call>" : $"<result of {callee.FullName}>";
            result = new PickleSymbol(PickleSymbolKind.CallResult, callee.Kind == PickleSymbolKind.Global ? callee.Module : null, callee.Kind == PickleSymbolKind.Global ? callee.Name : null, description);
            _results[resultKey] = result;
        }
        return new PickleValue(ValueKind.CallResult, 0, result);
    }

    private PickleValue Persistent(PickleValue id, string opcode, long offset)
    {
        string summary = Summarize(id, 0, verbatimFirstOnly: true);
        string? tag = id.Kind == ValueKind.Text ? id.Text : id.Kind == ValueKind.Tuple && id.Ref is PickleValue[] { Length: > 0 } items ? items[0].Text : null;
        string key = $"P\u0001{opcode}\u0001{summary}";
        if (_events.TryGetValue(key, out object? existing))
        {
            ((PicklePersistentId)existing).Count++;
        }
        else
        {
            AddEvent(key, new PicklePersistentId { Summary = summary, Tag = tag, Opcode = opcode, Offset = offset, Stream = _streamIndex }, _trace.PersistentIdList, offset);
        }
        return new PickleValue(ValueKind.Persistent, 0, new PickleSymbol(PickleSymbolKind.Persistent, null, null, $"<persistent {Truncate(summary)}>"));
    }

    private void Mutate(PickleValue target, PickleValue firstItem, long count, string opcode, long offset)
    {
        if (target.Kind is ValueKind.List && opcode.StartsWith("APPEND", StringComparison.Ordinal))
        {
            return;
        }
        RecordBuild(target, $"{count} item(s), first {Summarize(firstItem, 1)}", opcode, offset);
    }

    private void RecordBuild(PickleValue target, string state, string opcode, long offset)
    {
        PickleSymbol symbol = SymbolOf(target);
        string key = $"B\u0001{symbol.FullName}\u0001{opcode}\u0001{state}";
        if (_events.TryGetValue(key, out object? existing))
        {
            ((PickleBuild)existing).Count++;
        }
        else
        {
            AddEvent(key, new PickleBuild { Target = symbol, State = state, Opcode = opcode, Offset = offset, Stream = _streamIndex }, _trace.BuildList, offset);
        }
    }

    private void AddEvent<T>(string key, T record, List<T> list, long offset)
        where T : class
    {
        if (_events.Count >= _options.MaxDistinctEvents)
        {
            throw new PickleLimitException("pickle.event-limit", offset, $"More than {_options.MaxDistinctEvents} distinct imports, calls and builds.");
        }
        _events[key] = record;
        list.Add(record);
    }

    private void Anomaly(string code, long offset, string message)
    {
        if (_anomalyCodes.Add($"{code}\u0001{_streamIndex}"))
        {
            _trace.AnomalyList.Add(new PickleAnomaly(code, offset, message, _streamIndex));
        }
    }

    private void AddToDict(DictShape shape, PickleValue key, PickleValue value)
    {
        shape.Count++;
        if (_options.JoblibArrays && key.Text is { } wrapperKey && JoblibArrayReader.IsStateKey(wrapperKey))
        {
            shape.Entries ??= new Dictionary<string, PickleValue>(StringComparer.Ordinal);
            shape.Entries[wrapperKey] = value;
        }
        if (key.Text is { Length: > 4 } text && text.StartsWith("__", StringComparison.Ordinal) && text.EndsWith("__", StringComparison.Ordinal))
        {
            shape.HasDunderKey = true;
        }
        if (value.IsObject || key.IsObject)
        {
            shape.HasObjectValue = true;
        }
    }

    private static PickleSymbol SymbolOf(PickleValue value) =>
        value.Symbol ?? new PickleSymbol(PickleSymbolKind.Constant, null, null, Describe(value));

    private static string StateSummary(PickleValue state)
    {
        if (state.Kind == ValueKind.Dict && state.Ref is DictShape shape)
        {
            return (shape.HasDunderKey, shape.HasObjectValue) switch
            {
                (true, true) => "dict with dunder keys and object values",
                (true, false) => "dict with dunder keys",
                (false, true) => "dict with object values",
                _ => "dict",
            };
        }
        if (state.Kind == ValueKind.Tuple && state.Ref is PickleValue[] items)
        {
            foreach (PickleValue item in items)
            {
                if (item.Kind == ValueKind.Dict && item.Ref is DictShape inner && inner.HasDunderKey)
                {
                    return "tuple with a dict with dunder keys";
                }
            }
        }
        return Describe(state);
    }

    private static string Describe(PickleValue value) => value.Kind switch
    {
        ValueKind.NoneValue => "None",
        ValueKind.Boolean => "bool",
        ValueKind.Integer => "int",
        ValueKind.FloatNumber => "float",
        ValueKind.Text => "str",
        ValueKind.LongText => "str",
        ValueKind.Bytes => "bytes",
        ValueKind.ByteArray => "bytearray",
        ValueKind.Tuple => "tuple",
        ValueKind.List => "list",
        ValueKind.Dict => "dict",
        ValueKind.Set => "set",
        ValueKind.FrozenSet => "frozenset",
        _ => value.Symbol?.Description ?? "object",
    };

    private static string Summarize(PickleValue value, int depth, bool verbatimFirstOnly = false)
    {
        switch (value.Kind)
        {
            case ValueKind.Text when value.Ref is string text && text.Length <= VerbatimStringLength:
                return $"'{text}'";
            case ValueKind.Global:
                return value.Symbol!.FullName;
            case ValueKind.Tuple when value.Ref is PickleValue[] items && depth < 2:
            {
                var sb = new StringBuilder("(");
                for (int i = 0; i < items.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    sb.Append(verbatimFirstOnly && i > 0 && items[i].Kind == ValueKind.Text ? "str" : Summarize(items[i], depth + 1));
                }
                return sb.Append(')').ToString();
            }
            default:
                return Describe(value);
        }
    }

    private static string Truncate(string s) => s.Length <= 120 ? s : string.Concat(s.AsSpan(0, 117), "...");

    // ---- argument readers ----

    private static ReadOnlySpan<byte> Read(PickleInput input, int count, long offset) =>
        input.TryRead(count, out ReadOnlySpan<byte> bytes) ? bytes : throw Invalid("pickle.truncated", offset, "The pickle ends inside an opcode's argument.");

    private static long ReadLength8(PickleInput input, long offset)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Read(input, 8, offset));
        if (n > long.MaxValue)
        {
            throw Invalid("pickle.length-too-large", offset, "Length exceeds sys.maxsize.");
        }
        return (long)n;
    }

    private PickleValue SkipBytes(PickleInput input, long length, long offset, ValueKind kind)
    {
        CheckStringLength(length, offset);
        if (!input.Skip(length))
        {
            throw Invalid("pickle.truncated", offset, $"The pickle ends inside a {length}-byte payload.");
        }
        return new PickleValue(kind, length, null);
    }

    private void CheckStringLength(long length, long offset)
    {
        if (length > _options.MaxStringLength)
        {
            throw new PickleLimitException("pickle.string-limit", offset, $"A {length}-byte argument is over the {_options.MaxStringLength}-byte limit.");
        }
    }

    private PickleValue ReadText(PickleInput input, long length, long offset, bool latin1)
    {
        CheckStringLength(length, offset);
        if (length > _options.MaxNameLength)
        {
            if (!input.Skip(length))
            {
                throw Invalid("pickle.truncated", offset, $"The pickle ends inside a {length}-byte string.");
            }
            return new PickleValue(ValueKind.LongText, length, null);
        }
        ReadOnlySpan<byte> bytes = Read(input, (int)length, offset);
        string text;
        if (latin1)
        {
            text = Encoding.Latin1.GetString(bytes);
        }
        else
        {
            try
            {
                text = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Invalid("pickle.invalid-utf8", offset, "A unicode string is not valid UTF-8.");
            }
        }
        return new PickleValue(ValueKind.Text, text.Length, text);
    }

    private ReadOnlySpan<byte> ReadLine(PickleInput input, long offset, out long length)
    {
        if (input.TryReadLine(_options.MaxStringLength, out ReadOnlySpan<byte> line, out length, out bool tooLong))
        {
            return line;
        }
        if (tooLong)
        {
            throw new PickleLimitException("pickle.string-limit", offset, "A text line is over the length limit.");
        }
        throw Invalid("pickle.truncated", offset, "The pickle ends inside a text line.");
    }

    private string ReadNameLine(PickleInput input, long offset)
    {
        ReadOnlySpan<byte> line = ReadLine(input, offset, out long length);
        if (length > _options.MaxNameLength || line.Length != length)
        {
            throw Invalid("pickle.name-too-long", offset, $"A GLOBAL/INST name longer than {_options.MaxNameLength} bytes.");
        }
        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("pickle.invalid-utf8", offset, "A GLOBAL/INST name is not valid UTF-8.");
        }
    }

    private PickleValue ReadQuotedString(PickleInput input, long offset)
    {
        ReadOnlySpan<byte> line = ReadLine(input, offset, out long length);
        if (line.Length != length)
        {
            return new PickleValue(ValueKind.LongText, length, null);
        }
        if (line.Length < 2 || line[0] != line[^1] || (line[0] != (byte)'\'' && line[0] != (byte)'"'))
        {
            throw Invalid("pickle.string-not-quoted", offset, "The STRING opcode argument must be quoted.");
        }
        ReadOnlySpan<byte> body = line[1..^1];
        if (body.Length > _options.MaxNameLength)
        {
            return new PickleValue(ValueKind.LongText, body.Length, null);
        }
        string text = body.Contains((byte)'\\') ? Unescape(body, unicode: false) : Encoding.Latin1.GetString(body);
        return new PickleValue(ValueKind.Text, text.Length, text);
    }

    private PickleValue ReadUnicodeLine(PickleInput input, long offset)
    {
        ReadOnlySpan<byte> line = ReadLine(input, offset, out long length);
        if (line.Length != length || length > _options.MaxNameLength)
        {
            return new PickleValue(ValueKind.LongText, length, null);
        }
        string text = line.Contains((byte)'\\') ? Unescape(line, unicode: true) : Encoding.Latin1.GetString(line);
        return new PickleValue(ValueKind.Text, text.Length, text);
    }

    /// <summary>
    /// Python's <c>escape_decode</c> (STRING) and <c>raw-unicode-escape</c> (UNICODE), enough to read names: \\, \', \",
    /// \n, \t, \r, \xHH, and for UNICODE \uXXXX and \UXXXXXXXX. Anything else is kept verbatim.
    /// </summary>
    private static string Unescape(ReadOnlySpan<byte> s, bool unicode)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = (char)s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }
            char next = (char)s[i + 1];
            int hex = unicode ? next switch { 'u' => 4, 'U' => 8, _ => 0 } : next switch { 'x' => 2, _ => 0 };
            if (hex > 0 && i + 2 + hex <= s.Length && int.TryParse(s.Slice(i + 2, hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code) && code <= 0x10FFFF)
            {
                sb.Append(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code));
                i += 1 + hex;
                continue;
            }
            if (!unicode)
            {
                char mapped = next switch { '\\' => '\\', '\'' => '\'', '"' => '"', 'n' => '\n', 't' => '\t', 'r' => '\r', _ => '\0' };
                if (mapped != '\0')
                {
                    sb.Append(mapped);
                    i++;
                    continue;
                }
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static PickleValue ParseIntLine(PickleInput input, long offset, bool isLong)
    {
        if (!input.TryReadLine(1 << 20, out ReadOnlySpan<byte> line, out long length, out _) || line.Length != length)
        {
            throw Invalid("pickle.truncated", offset, "The pickle ends inside an INT/LONG line.");
        }
        if (isLong && line.Length > 0 && line[^1] == (byte)'L')
        {
            line = line[..^1];
        }
        if (!isLong && (line.SequenceEqual("00"u8) || line.SequenceEqual("01"u8)))
        {
            return new PickleValue(ValueKind.Boolean, line[1] - (byte)'0', null);
        }
        ReadOnlySpan<byte> digits = line.Length > 0 && (line[0] == (byte)'-' || line[0] == (byte)'+') ? line[1..] : line;
        if (digits.IsEmpty || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw Invalid("pickle.bad-int", offset, "INT/LONG argument is not a decimal integer.");
        }
        return long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? new PickleValue(ValueKind.Integer, v, null)
            : new PickleValue(ValueKind.Integer, 0, BigInteger);
    }

    private static long ParseDecimal(ReadOnlySpan<byte> line, long offset, string opcode)
    {
        if (!long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            throw Invalid("pickle.bad-memo-key", offset, $"{opcode} argument is not a decimal integer.");
        }
        return value;
    }

    private PickleValue ReadLong(PickleInput input, int n, long offset)
    {
        CheckStringLength(n, offset);
        if (n <= 8)
        {
            ReadOnlySpan<byte> bytes = Read(input, n, offset);
            long v = 0;
            for (int i = n - 1; i >= 0; i--)
            {
                v = unchecked((v << 8) | bytes[i]);
            }
            if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0)
            {
                v = unchecked(v - (1L << (8 * n)));
            }
            return new PickleValue(ValueKind.Integer, v, null);
        }
        if (!input.Skip(n))
        {
            throw Invalid("pickle.truncated", offset, "The pickle ends inside a LONG.");
        }
        return new PickleValue(ValueKind.Integer, 0, BigInteger);
    }

    private void Fail(string code, long offset, string message, bool limit) =>
        _trace.Error ??= new PickleError(code, offset, message, limit);

    private static PickleInvalidException Invalid(string code, long offset, string message) => new(code, offset, message);
}
