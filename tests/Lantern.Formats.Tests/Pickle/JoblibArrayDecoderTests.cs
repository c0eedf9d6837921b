using Lantern.Formats.Pickle;
using Lantern.Testing.Fixtures;
using Xunit;

namespace Lantern.Formats.Tests.Pickle;

/// <summary>The decoder's joblib inline-array handling (formats.md §9.6 A8) on JoblibWriter output and broken variants.</summary>
public class JoblibArrayDecoderTests
{
    private static readonly PickleDecoderOptions On = new() { JoblibArrays = true };

    private static byte[] OneArray(int protocol, string dtype, int[] shape, byte[] data) =>
        new JoblibWriter(protocol).Array(dtype, shape, data).ToArray();

    [Theory]
    [InlineData(2, "f8", 8)]
    [InlineData(4, "f8", 8)]
    [InlineData(4, "<i8", 8)]
    [InlineData(4, "b1", 1)]
    [InlineData(4, "f4", 4)]
    [InlineData(4, "c16", 16)]
    [InlineData(2, "int16", 2)]
    public void Decode_RawArray_SkipsPaddingAndData(int protocol, string dtype, int itemSize)
    {
        byte[] data = Enumerable.Repeat((byte)'c', 6 * itemSize).ToArray();
        byte[] file = OneArray(protocol, dtype, [2, 3], data);
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(1, trace.InlineArrayCount);
        Assert.Equal(file.Length, trace.BytesRead);
        Assert.True(trace.InlineArrayBytes > data.Length && trace.InlineArrayBytes <= data.Length + 1 + JoblibWriter.Alignment);
    }

    [Fact]
    public void Decode_OptionOff_ReadsBufferAsOpcodes()
    {
        byte[] file = OneArray(4, "u1", [4], "cos\n"u8.ToArray());
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file));
        Assert.Equal(0, trace.InlineArrayCount);
        Assert.False(trace.Completed);
    }

    [Fact]
    public void Decode_ZeroSizedAndScalarArrays_Completed()
    {
        byte[] file = new JoblibWriter(4).Ops(a => a.Mark()).Array("f8", [0, 5], []).Array("i4", [], [1, 2, 3, 4]).Ops(a => a.List()).ToArray();
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(2, trace.InlineArrayCount);
    }

    [Fact]
    public void Decode_UnknownDtype_StopsAsLimitNotGuess()
    {
        byte[] file = OneArray(4, "U10", [1], new byte[40]);
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.Equal("joblib.unsupported-dtype", trace.Error?.Code);
        Assert.True(trace.Error!.LimitReached);
    }

    [Fact]
    public void Decode_PaddingNotFf_Invalid()
    {
        byte[] file = OneArray(4, "u1", [1], [7]);
        int data = file.Length - 2; // the data byte, then STOP
        Assert.Equal(0xFF, file[data - 1]);
        file[data - 1] = 0x00;
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.Equal("joblib.array-padding", trace.Error?.Code);
        Assert.False(trace.Error!.LimitReached);
    }

    [Fact]
    public void Decode_PaddingLengthAboveAlignment_Invalid()
    {
        // Layout: … BUILD, padding length, 0xFF × length, data byte, STOP.
        byte[] file = OneArray(2, "u1", [1], [7]);
        int count = 0;
        while (file[file.Length - 3 - count] == 0xFF)
        {
            count++;
        }
        Assert.Equal(count, file[file.Length - 3 - count]);
        file[file.Length - 3 - count] = 200;
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.Equal("joblib.array-padding", trace.Error?.Code);
    }

    [Fact]
    public void Decode_FrameNotCommittedAfterWrapper_Invalid()
    {
        // One FRAME that covers the wrapper and the STOP after it: joblib would read the array from after the frame.
        byte[] body = new JoblibWriter(2).Wrapper("u1", [1], '|', allowMmap: true, alignment: false).ToArray()[2..];
        byte[] file = new PickleAssembler().Proto(4).Frame(body.Length).Raw(body).ToArray();
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.Equal("joblib.frame-not-committed", trace.Error?.Code);
    }

    [Fact]
    public void Decode_ShapeNotInts_Invalid()
    {
        byte[] file = new PickleAssembler().Proto(2).Global("joblib.numpy_pickle", "NumpyArrayWrapper").EmptyTuple().NewObj()
            .EmptyDict().Mark().BinUnicode("shape").BinUnicode("x").Tuple1().BinUnicode("order").BinUnicode("C")
            .BinUnicode("dtype").Global("numpy", "dtype").BinUnicode("f8").NewFalse().NewTrue().Tuple3().Reduce()
            .SetItems().Build().Stop().ToArray();
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.Equal("joblib.array-state", trace.Error?.Code);
    }

    [Fact]
    public void Decode_HugeShape_OverflowIsInvalidNotCrash()
    {
        byte[] file = new PickleAssembler().Proto(2).Global("joblib.numpy_pickle", "NumpyArrayWrapper").EmptyTuple().NewObj()
            .EmptyDict().Mark().BinUnicode("shape").BinInt(int.MaxValue).BinInt(int.MaxValue).BinInt(int.MaxValue).Tuple3()
            .BinUnicode("order").BinUnicode("C")
            .BinUnicode("dtype").Global("numpy", "dtype").BinUnicode("f8").NewFalse().NewTrue().Tuple3().Reduce()
            .SetItems().Build().Stop().ToArray();
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.Equal("joblib.array-state", trace.Error?.Code);
    }

    [Fact]
    public void Decode_NestedObjectArray_SeparateMemoAndOuterContinues()
    {
        byte[] nested = new PickleAssembler().Proto(2).BinUnicode("inner").BinPut(0).Stop().ToArray();
        byte[] file = new JoblibWriter(2).Ops(a => a.Mark()).ObjectArray([1], nested).Ops(a => a.BinGet(0).List()).ToArray();
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On);
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(2, trace.Streams.Count);
        Assert.DoesNotContain(trace.Anomalies, a => a.Code == "pickle.cross-stream-memo");
    }

    [Fact]
    public void Decode_MoreObjectArraysThanBound_StopsAsLimit()
    {
        byte[] nested = new PickleAssembler().Proto(2).None().Stop().ToArray();
        byte[] file = new JoblibWriter(4).Ops(a => a.Mark()).ObjectArray([1], nested).ObjectArray([1], nested).Ops(a => a.List()).ToArray();
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(file), On with { MaxInlineArrayPickles = 1 });
        Assert.Equal("joblib.object-array-limit", trace.Error?.Code);
        Assert.True(trace.Error!.LimitReached);
        Assert.True(PickleDecoder.Decode(new MemoryStream(file), On).Completed);
    }

    [Fact]
    public void Decode_EveryByteMutated_NeverThrows()
    {
        byte[] nested = new PickleAssembler().Proto(2).Global("numpy", "ndarray").Stop().ToArray();
        byte[] file = new JoblibWriter(4).Ops(a => a.Mark()).Array("f8", [2, 2], new byte[32]).ObjectArray([1], nested)
            .Array("b1", [3], [1, 0, 1]).Ops(a => a.List()).ToArray();
        foreach (byte value in new byte[] { 0x00, 0x01, 0x10, 0x7F, 0xFF })
        {
            for (int i = 0; i < file.Length; i++)
            {
                byte[] mutated = (byte[])file.Clone();
                mutated[i] = value;
                PickleTrace trace = PickleDecoder.Decode(new MemoryStream(mutated), On with { MaxOpcodes = 10_000 });
                Assert.True(trace.BytesRead <= mutated.Length);
            }
        }
    }
}
