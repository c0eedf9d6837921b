using System.Text;
using Lantern.Formats.Pickle;
using Lantern.Testing.Fixtures;
using Xunit;

namespace Lantern.Formats.Tests.Pickle;

/// <summary>
/// The decoder's in-buffer fast loop (MARK, small ints, literals, list appends) must leave exactly the trace the
/// opcode-at-a-time path leaves. A stream that delivers one byte per read keeps every multi-byte opcode off the
/// fast loop, so decoding the same bytes from a MemoryStream and from it must agree on everything, including the
/// offsets of limits, truncations and anomalies.
/// </summary>
public class PickleDecoderFastPathTests
{
    private static string Describe(PickleTrace t)
    {
        var sb = new StringBuilder();
        sb.Append($"err={t.Error} read={t.BytesRead} ops={t.OpcodeCount} trailing={t.TrailingDataOffset}\n");
        foreach (PickleStreamInfo s in t.Streams)
        {
            sb.Append($"stream {s}\n");
        }
        foreach (PickleAnomaly a in t.Anomalies)
        {
            sb.Append($"anomaly {a.Code}@{a.Offset}#{a.Stream}\n");
        }
        foreach (PickleBuild b in t.Builds)
        {
            sb.Append($"build {b.Target.FullName} {b.Opcode} {b.State}@{b.Offset}x{b.Count}\n");
        }
        foreach (PickleCall c in t.Calls)
        {
            sb.Append($"call {c}x{c.Count}\n");
        }
        foreach (PickleImport i in t.Imports)
        {
            sb.Append($"import {i}x{i.Count}\n");
        }
        return sb.ToString();
    }

    private static void AssertSameAsByteAtATime(byte[] bytes, PickleDecoderOptions options)
    {
        string fast = Describe(PickleDecoder.Decode(new MemoryStream(bytes), options));
        string slow = Describe(PickleDecoder.Decode(new NonSeekableStream(bytes, maxChunk: 1), options));
        Assert.Equal(slow, fast);
    }

    private static byte[] DenseList(int batches, int perBatch)
    {
        var a = new PickleAssembler().Proto(2).EmptyList();
        for (int b = 0; b < batches; b++)
        {
            a.Mark();
            for (int j = 0; j < perBatch; j++)
            {
                _ = (j % 4) switch
                {
                    0 => a.BinInt1((byte)(j & 0xFF)),
                    1 => a.BinInt2((ushort)j),
                    2 => a.BinInt(-j),
                    _ => a.None(),
                };
            }
            a.Appends().BinFloat(1.5).Append().EmptyTuple().Append().EmptyList().Append();
        }
        return a.Stop().ToArray();
    }

    [Fact]
    public void Decode_DenseList_MatchesByteAtATimeAndCountsEveryOpcode()
    {
        byte[] bytes = DenseList(3, 200);
        var options = new PickleDecoderOptions();
        AssertSameAsByteAtATime(bytes, options);
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(bytes), options);
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(2 + 3 * (1 + 200 + 1 + 6) + 1, trace.OpcodeCount);
        Assert.Equal(bytes.Length, trace.BytesRead);
        Assert.Empty(trace.Builds);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(333)]
    [InlineData(600)]
    public void Decode_OpcodeLimitInsideDenseList_StopsAtTheSameOffset(long maxOpcodes)
    {
        byte[] bytes = DenseList(3, 200);
        AssertSameAsByteAtATime(bytes, new PickleDecoderOptions { MaxOpcodes = maxOpcodes });
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(bytes), new PickleDecoderOptions { MaxOpcodes = maxOpcodes });
        Assert.Equal("pickle.opcode-limit", trace.Error?.Code);
        Assert.Equal(maxOpcodes + 1, trace.OpcodeCount);
    }

    [Fact]
    public void Decode_ByteLimitAtEveryOffset_MatchesByteAtATime()
    {
        byte[] bytes = DenseList(2, 40);
        for (long limit = 1; limit <= bytes.Length; limit++)
        {
            AssertSameAsByteAtATime(bytes, new PickleDecoderOptions { MaxBytes = limit });
        }
    }

    [Fact]
    public void Decode_TruncatedAtEveryOffset_MatchesByteAtATime()
    {
        byte[] bytes = DenseList(2, 40);
        for (int length = 1; length < bytes.Length; length++)
        {
            byte[] cut = bytes[..length];
            AssertSameAsByteAtATime(cut, new PickleDecoderOptions());
            Assert.False(PickleDecoder.Decode(new MemoryStream(cut)).Completed);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(50)]
    [InlineData(201)]
    public void Decode_StackLimitInsideDenseList_MatchesByteAtATime(int maxDepth)
    {
        byte[] bytes = DenseList(2, 200);
        AssertSameAsByteAtATime(bytes, new PickleDecoderOptions { MaxStackDepth = maxDepth });
        Assert.Equal("pickle.stack-limit", PickleDecoder.Decode(new MemoryStream(bytes), new PickleDecoderOptions { MaxStackDepth = maxDepth }).Error?.Code);
    }

    [Fact]
    public void Decode_AppendsOnNonListTargets_RecordedAsOnTheSlowPath()
    {
        byte[] bytes = new PickleAssembler().Proto(4)
            .Import("m", "C", 4).EmptyTuple().Reduce().Mark().BinInt1(1).BinInt1(2).Appends().BinInt1(3).Append()
            .EmptyTuple().Mark().None().Appends().BinInt1(4).Append()
            .Mark().Mark().BinInt1(5).Appends()
            .Stop().ToArray();
        AssertSameAsByteAtATime(bytes, new PickleDecoderOptions());
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(bytes));
        Assert.Equal(["APPENDS", "APPEND", "APPENDS", "APPEND"], trace.Builds.Select(b => b.Opcode));
        Assert.Equal("pickle.stack-underflow", trace.Error?.Code);
    }

    [Fact]
    public void Decode_AppendsWithTheListBelowAnotherMark_IsAStackUnderflow()
    {
        // CPython pops to the inner MARK and then finds no list above the outer one.
        byte[] bytes = new PickleAssembler().Proto(2).EmptyList().Mark().Mark().BinInt1(5).Appends().Stop().ToArray();
        AssertSameAsByteAtATime(bytes, new PickleDecoderOptions());
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(bytes));
        Assert.Equal("pickle.stack-underflow", trace.Error?.Code);
        Assert.Equal(bytes.Length - 2, trace.Error?.Offset);
    }

    [Fact]
    public void Decode_AppendWithTheListBelowAMark_IsAStackUnderflow()
    {
        byte[] bytes = new PickleAssembler().Proto(2).EmptyList().Mark().BinInt1(5).Append().Stop().ToArray();
        AssertSameAsByteAtATime(bytes, new PickleDecoderOptions());
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(bytes));
        Assert.Equal("pickle.stack-underflow", trace.Error?.Code);
        Assert.Equal(bytes.Length - 2, trace.Error?.Offset);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(40)]
    public void Decode_FrameEndingInsideAnOpcode_ReportsTheSameFrameBoundary(long frameLength)
    {
        var a = new PickleAssembler().Proto(4).Frame(frameLength).EmptyList().Mark();
        for (int j = 0; j < 30; j++)
        {
            a.BinInt(j);
        }
        byte[] bytes = a.Appends().Stop().ToArray();
        AssertSameAsByteAtATime(bytes, new PickleDecoderOptions());
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(bytes));
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Contains(trace.Anomalies, x => x.Code == "pickle.frame-boundary");
    }

    [Fact]
    public void Decode_OpcodesAcrossTheReadBuffer_CompleteWithEveryByteRead()
    {
        // 70 000 BININT opcodes (350 000 bytes) put opcodes across several 64 KiB buffer refills.
        var a = new PickleAssembler().Proto(2).EmptyList();
        for (int b = 0; b < 70; b++)
        {
            a.Mark();
            for (int j = 0; j < 1000; j++)
            {
                a.BinInt(j);
            }
            a.Appends();
        }
        byte[] bytes = a.Stop().ToArray();
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(bytes));
        Assert.True(trace.Completed, trace.Error?.Message);
        Assert.Equal(bytes.Length, trace.BytesRead);
        Assert.Equal(2 + 70 * 1002 + 1, trace.OpcodeCount);
        Assert.Equal(PickleSymbolKind.Container, trace.Streams.Single().Result);
    }

    [Fact]
    public void Decode_CancelledDuringDenseList_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        byte[] bytes = DenseList(30, 1000);
        Assert.ThrowsAny<OperationCanceledException>(() => PickleDecoder.Decode(new MemoryStream(bytes), null, cts.Token));
    }
}
