using System.Buffers.Binary;
using System.Diagnostics;
using Lantern.Formats.Pickle;
using Lantern.Testing.Fixtures;
using Xunit;

namespace Lantern.Formats.Tests.Pickle;

public class PickleDecoderTests
{
    private static PickleTrace Decode(byte[] bytes, PickleDecoderOptions? options = null) => PickleDecoder.Decode(new MemoryStream(bytes), options);

    private static PickleTrace Decode(PickleAssembler a, PickleDecoderOptions? options = null) => Decode(a.ToArray(), options);

    [Fact]
    public void Decode_EveryValueOpcode_CompletesWithOneResult()
    {
        var a = new PickleAssembler().Proto(5).Frame(0).Mark()
            .None().NewTrue().NewFalse().IntLine(5).IntLine(1).LongLine(123).FloatLine("1.5").BinFloat(2.5).BinInt(-7).BinInt1(7).BinInt2(700)
            .Long1(1, 2).Long4(1, 2, 3).StringLine("s'q").BinString("bs").ShortBinString("sbs").Unicode("u").BinUnicode("bu").ShortBinUnicode("sbu")
            .BinUnicode8("bu8").BinBytes([1]).ShortBinBytes([2]).BinBytes8([3]).ByteArray8([4]).EmptyTuple().Tuple1().EmptyList().EmptyDict()
            .EmptySet().Mark().IntLine(1).FrozenSet().Mark().List().Mark().Dict().Mark().Tuple().Tuple2().Tuple3().Dup().Pop()
            .Tuple();
        PickleTrace trace = Decode(a.Memoize().BinPut(1).LongBinPut(2).Put(3).BinGet(1).LongBinGet(2).Get(3).Pop().Pop().Pop().Stop());
        Assert.Null(trace.Error);
        Assert.True(trace.Completed);
        Assert.Equal(PickleSymbolKind.Container, trace.Streams.Single().Result);
    }

    [Fact]
    public void Decode_ContainerMutations_RecordedOnlyForNonContainers()
    {
        PickleTrace trace = Decode(new PickleAssembler().Proto(4)
            .EmptyList().BinInt1(1).Append().Mark().BinInt1(2).Appends()
            .EmptyDict().BinInt1(1).BinInt1(2).SetItem().Mark().BinInt1(3).BinInt1(4).SetItems()
            .EmptySet().Mark().BinInt1(1).AddItems()
            .Import("m", "C", 4).EmptyTuple().Reduce().Mark().BinInt1(1).Appends().BinInt1(1).BinInt1(2).SetItem().Mark().BinInt1(1).AddItems()
            .Tuple3().Tuple2().Stop());
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(["APPENDS", "SETITEM", "ADDITEMS"], trace.Builds.Select(b => b.Opcode));
        Assert.All(trace.Builds, b => Assert.Equal(PickleSymbolKind.CallResult, b.Target.Kind));
    }

    [Fact]
    public void Decode_CallOpcodes_RecordCallableAndArguments()
    {
        PickleTrace trace = Decode(new PickleAssembler().Proto(4)
            .Mark()
            .Import("a", "f", 4).ShortBinUnicode("x").Tuple1().Reduce()
            .Import("b", "C", 4).EmptyTuple().NewObj()
            .Import("c", "D", 4).EmptyTuple().EmptyDict().NewObjWithKeywords()
            .Mark().Import("d", "E", 4).BinInt1(1).Obj()
            .Mark().BinInt1(2).Inst("e", "F")
            .EmptyDict().Build()
            .Tuple().Stop());
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(["REDUCE a.f('x')", "NEWOBJ b.C()", "NEWOBJ_EX c.D() **dict", "OBJ d.E(int)", "INST e.F(int)"],
            trace.Calls.Select(c => $"{c.Opcode} {c.Callable.FullName}{c.Arguments}"));
        Assert.Equal(["a.f", "b.C", "c.D", "d.E", "e.F"], trace.Imports.Select(i => $"{i.Module}.{i.Name}"));
        Assert.Equal("INST", trace.Imports[4].Opcode);
        Assert.Single(trace.Builds);
    }

    [Fact]
    public void Decode_PersistentIds_Recorded()
    {
        PickleTrace trace = Decode(new PickleAssembler().Proto(2).Mark()
            .Mark().BinUnicode("storage").Global("torch", "FloatStorage").BinUnicode("0").BinUnicode("cpu").BinInt1(4).Tuple().BinPersId()
            .PersId("legacy-id").Tuple().Stop());
        Assert.True(trace.Completed);
        Assert.Equal(2, trace.PersistentIds.Count);
        Assert.Equal("storage", trace.PersistentIds[0].Tag);
        Assert.Contains("torch.FloatStorage", trace.PersistentIds[0].Summary, StringComparison.Ordinal);
        Assert.Equal("legacy-id", trace.PersistentIds[1].Tag);
    }

    [Fact]
    public void Decode_CompatNames_MappedBelowProtocol3Only()
    {
        PickleTrace p2 = Decode(new PickleAssembler().Proto(2).Global("__builtin__", "reduce").Stop());
        PickleTrace p3 = Decode(new PickleAssembler().Proto(3).Global("__builtin__", "reduce").Stop());
        Assert.Equal(("functools", "reduce"), (p2.Imports[0].Module, p2.Imports[0].Name));
        Assert.Equal("__builtin__", p2.Imports[0].RawModule);
        Assert.Equal(("__builtin__", "reduce"), (p3.Imports[0].Module, p3.Imports[0].Name));
        Assert.Equal("subprocess", Decode(new PickleAssembler().Global("commands", "getoutput").Stop()).Imports[0].Module);
    }

    [Fact]
    public void Decode_Extensions_RecordedAsImports()
    {
        PickleTrace trace = Decode(new PickleAssembler().Proto(2).Ext1(1).Ext2(2).Ext4(3).Tuple3().Stop());
        Assert.Equal(["EXT1", "EXT2", "EXT4"], trace.Imports.Select(i => i.Opcode));
        Assert.Equal("pickle.ext-code", Decode(new PickleAssembler().Proto(2).Ext4(0).Stop()).Error?.Code);
    }

    [Fact]
    public void Decode_MemoResolvesStackGlobalOperands()
    {
        PickleTrace trace = Decode(new PickleAssembler().Proto(4)
            .ShortBinUnicode("decoy").Memoize().ShortBinUnicode("os").BinPut(0).Pop().Pop()
            .ShortBinUnicode("system").Memoize().Pop().BinGet(0).BinGet(1).StackGlobal().Stop());
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(("os", "system"), (trace.Imports.Single().Module, trace.Imports.Single().Name));
        Assert.Empty(trace.Anomalies);
    }

    [Fact]
    public void Decode_PopOnEmptyFramePopsMark_LikePickleUnpickler()
    {
        PickleTrace trace = Decode(new PickleAssembler().Proto(2).None().Mark().Pop().Stop());
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal("pickle.stack-underflow", Decode(new PickleAssembler().Proto(2).Pop().Stop()).Error?.Code);
        Assert.Equal("pickle.no-mark", Decode(new PickleAssembler().Proto(2).Tuple().Stop()).Error?.Code);
    }

    [Fact]
    public void Decode_StackedPickles_AllStreamsWhenAsked()
    {
        byte[] one = new PickleAssembler().Proto(2).Global("a", "b").Stop().ToArray();
        byte[] two = new PickleAssembler().Proto(4).Import("c", "d", 4).Stop().ToArray();
        byte[] both = [.. one, .. two, .. one];
        PickleTrace multi = Decode(both, new PickleDecoderOptions { MultipleStreams = true });
        Assert.Equal(3, multi.Streams.Count);
        Assert.Equal(["a.b", "c.d"], multi.Imports.Select(i => $"{i.Module}.{i.Name}"));
        Assert.Equal(2, multi.Imports[0].Count);
        Assert.Null(multi.TrailingDataOffset);
        PickleTrace single = Decode(both);
        Assert.Single(single.Streams);
        Assert.Equal(one.Length, single.TrailingDataOffset);
        PickleTrace junk = Decode([.. one, 0x00, .. two], new PickleDecoderOptions { MultipleStreams = true });
        Assert.Equal(one.Length, junk.TrailingDataOffset);
        Assert.Null(junk.Error);
        Assert.Equal("pickle.stream-limit", Decode([.. one, .. one, .. one], new PickleDecoderOptions { MultipleStreams = true, MaxStreams = 2 }).Error?.Code);
    }

    [Fact]
    public void Decode_CrossStreamMemo_IsAnAnomaly()
    {
        byte[] first = new PickleAssembler().Proto(4).ShortBinUnicode("os").Memoize().Stop().ToArray();
        byte[] second = new PickleAssembler().Proto(4).BinGet(0).ShortBinUnicode("system").StackGlobal().Stop().ToArray();
        PickleTrace trace = Decode([.. first, .. second], new PickleDecoderOptions { MultipleStreams = true });
        Assert.Contains(trace.Anomalies, x => x.Code == "pickle.cross-stream-memo");
        Assert.Equal("os", trace.Imports.Single().Module);
    }

    [Fact]
    public void Decode_FrameDivergence_Detected()
    {
        Assert.Contains(Decode(new PickleAssembler().Proto(4).Frame(1).ShortBinUnicode("abc").Stop()).Anomalies, x => x.Code == "pickle.frame-boundary");
        Assert.Contains(Decode(new PickleAssembler().Proto(4).Frame(20).Frame(2).None().Stop().Raw(new byte[20])).Anomalies, x => x.Code == "pickle.frame-boundary");
        Assert.Empty(Decode(new PickleAssembler().Proto(4).Frame(2).None().Stop()).Anomalies);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Decode_ProtocolVariants_Complete(int protocol)
    {
        var a = protocol >= 2 ? new PickleAssembler().Proto(protocol) : new PickleAssembler();
        PickleTrace trace = Decode(a.Import("collections", "OrderedDict", protocol).EmptyTuple().Reduce().Stop());
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Empty(trace.Anomalies);
    }

    [Fact]
    public void Decode_TruncatedAtEveryOffset_ErrorWithOffsetAndPrefixKept()
    {
        byte[] pickle = PickleAssembler.PyTorchStateDict(2);
        for (int cut = 0; cut < pickle.Length; cut++)
        {
            PickleTrace trace = Decode(pickle[..cut]);
            Assert.False(trace.Completed);
            Assert.NotNull(trace.Error);
            Assert.InRange(trace.Error!.Offset, 0, cut);
            if (cut > 3 + "collections\nOrderedDict\n".Length)
            {
                Assert.Contains(trace.Imports, i => i.Name == "OrderedDict");
            }
        }
        Assert.True(Decode(pickle).Completed);
    }

    [Fact]
    public void Decode_Limits_StopWithLimitReached()
    {
        var marks = new PickleAssembler().Proto(4);
        for (int i = 0; i < 100; i++)
        {
            marks.Mark();
        }
        Assert.Equal("pickle.stack-limit", Decode(marks, new PickleDecoderOptions { MaxStackDepth = 50 }).Error?.Code);
        var memo = new PickleAssembler().Proto(4).None();
        for (int i = 0; i < 100; i++)
        {
            memo.Memoize();
        }
        PickleTrace memoTrace = Decode(memo, new PickleDecoderOptions { MaxMemoEntries = 10 });
        Assert.Equal("pickle.memo-limit", memoTrace.Error?.Code);
        Assert.True(memoTrace.Error!.LimitReached);
        Assert.Equal("pickle.opcode-limit", Decode(memo, new PickleDecoderOptions { MaxOpcodes = 5 }).Error?.Code);
        Assert.Equal("pickle.string-limit", Decode(new PickleAssembler().Proto(4).BinUnicode8("0123456789").Stop(), new PickleDecoderOptions { MaxStringLength = 4 }).Error?.Code);
        Assert.Equal("pickle.byte-limit", Decode(new PickleAssembler().Proto(4).BinBytes(new byte[100]).Stop(), new PickleDecoderOptions { MaxBytes = 50 }).Error?.Code);
    }

    [Fact]
    public void Decode_DupBomb_BoundedByStackDepth()
    {
        var a = new PickleAssembler().Proto(4).None();
        for (int i = 0; i < 10_000; i++)
        {
            a.Dup();
        }
        Assert.Equal("pickle.stack-limit", Decode(a, new PickleDecoderOptions { MaxStackDepth = 1000 }).Error?.Code);
    }

    [Fact]
    public void Decode_InvalidInput_ErrorCodes()
    {
        Assert.Equal("pickle.unknown-opcode", Decode([0xFF]).Error?.Code);
        Assert.Equal("pickle.truncated", Decode([]).Error?.Code);
        Assert.Equal("pickle.unsupported-protocol", Decode([0x80, 9, 0x2E]).Error?.Code);
        Assert.Equal("pickle.memo-missing", Decode(new PickleAssembler().Proto(4).BinGet(9).Stop()).Error?.Code);
        Assert.Equal("pickle.stack-global-not-str", Decode(new PickleAssembler().Proto(4).BinInt1(1).BinInt1(2).StackGlobal().Stop()).Error?.Code);
        Assert.Equal("pickle.invalid-utf8", Decode(new PickleAssembler().Proto(4).Raw(0x8C, 1, 0xFF).Stop()).Error?.Code);
        Assert.Equal("pickle.string-not-quoted", Decode(new PickleAssembler().Raw((byte)'S').Raw("abc\n"u8.ToArray()).Stop()).Error?.Code);
        Assert.Equal("pickle.negative-length", Decode(new PickleAssembler().Raw((byte)'T', 0xFF, 0xFF, 0xFF, 0xFF).Stop()).Error?.Code);
    }

    [Fact]
    public void Decode_DynamicStackGlobal_MarkedDynamic()
    {
        PickleTrace trace = Decode(new PickleAssembler().Proto(4).Import("builtins", "str", 4).EmptyTuple().Reduce().ShortBinUnicode("x").StackGlobal().Stop());
        Assert.Contains(trace.Imports, i => i.Dynamic);
    }

    [Fact]
    public void Decode_LargePayloads_FastAndFlatMemory()
    {
        const int chunk = 4 * 1024 * 1024;
        const int chunks = 256; // 1 GiB of BINBYTES payloads
        using var stream = new SyntheticBytesPickle(chunk, chunks);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        PickleTrace trace = PickleDecoder.Decode(stream);
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(stream.Length, trace.BytesRead);
        Assert.True(allocated < 2 * 1024 * 1024, $"Allocated {allocated} bytes.");
        double mbPerSecond = stream.Length / 1e6 / clock.Elapsed.TotalSeconds;
        Assert.True(mbPerSecond >= 300, $"{mbPerSecond:0} MB/s");
    }

    /// <summary>A seekable stream that generates PROTO 4, MARK, N × BINBYTES8(chunk), TUPLE, STOP without holding it in memory.</summary>
    private sealed class SyntheticBytesPickle(int chunk, int chunks) : Stream
    {
        private const int Head = 3;
        private readonly long _length = Head + ((long)chunks * (9 + chunk)) + 2;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position { get => _position; set => _position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, _length - _position);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = ByteAt(_position + i);
            }
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            _position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => _length + offset };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private byte ByteAt(long p)
        {
            if (p < Head)
            {
                return p switch { 0 => 0x80, 1 => 4, _ => (byte)'(' };
            }
            if (p >= _length - 2)
            {
                return p == _length - 2 ? (byte)'t' : (byte)'.';
            }
            long within = (p - Head) % (9 + chunk);
            if (within == 0)
            {
                return 0x8E;
            }
            if (within <= 8)
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)chunk);
                return len[(int)within - 1];
            }
            return 0x5A;
        }
    }
}
