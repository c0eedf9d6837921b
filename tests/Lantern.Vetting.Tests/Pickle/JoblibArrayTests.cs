using System.IO.Compression;
using System.Text;
using Lantern.Formats.Pickle;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Pickle;
using Xunit;

namespace Lantern.Vetting.Tests.Pickle;

/// <summary>formats.md §9.6 A8: joblib inline array buffers, judged directly and through ModelVetter (plain and zlib-compressed).</summary>
public class JoblibArrayTests
{
    private const string Estimator = "sklearn.linear_model._logistic";

    private static readonly byte[] OpcodeLikeBuffer = Encoding.ASCII.GetBytes("cos\nsystem\n(S'id'\ntR.");

    private static byte[] F8(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static JoblibWriter EstimatorWithArrays(int protocol)
    {
        var w = new JoblibWriter(protocol).BeginObject(Estimator, "LogisticRegression");
        w.Text("coef_").Array("f8", [1, 3], F8(0.5, -1.25, 3));
        w.Text("classes_").Array("i8", [2], [.. BitConverter.GetBytes(0L), .. BitConverter.GetBytes(1L)]);
        w.Text("mask_").Array("b1", [4], [1, 0, 1, 1]);
        w.Text("scale_").Array("f4", [2], [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f)]);
        w.Text("n_features_in_").Ops(a => a.BinInt1(3));
        return w;
    }

    private static byte[] Benign(int protocol) => EstimatorWithArrays(protocol).EndObject().ToArray();

    private static byte[] OpcodesInBuffer(int protocol)
    {
        var w = new JoblibWriter(protocol).BeginObject(Estimator, "LogisticRegression");
        w.Text("coef_").Array("u1", [OpcodeLikeBuffer.Length], OpcodeLikeBuffer);
        return w.EndObject().ToArray();
    }

    private static byte[] PayloadAfterBuffer(int protocol)
    {
        JoblibWriter w = EstimatorWithArrays(protocol);
        w.Text("hook").Global("os", "system").Text("id").Ops(a => a.Tuple1().Reduce());
        return w.EndObject().ToArray();
    }

    private static byte[] NestedPayload() =>
        new PickleAssembler().Proto(2).Global("os", "system").BinUnicode("id").Tuple1().Reduce().Stop().ToArray();

    /// <summary>
    /// <c>pickle.dumps(np.array(['a', 'b'], dtype=object), protocol=2)</c>: _reconstruct(ndarray, (0,), b'b') with the
    /// bytes as <c>_codecs.encode('b', 'latin1')</c> (protocol 2 has no bytes opcode), then BUILD with
    /// (1, shape, dtype('O8'), False, ['a', 'b']).
    /// </summary>
    private static byte[] BenignNested() =>
        new PickleAssembler().Proto(2).Global("numpy.core.multiarray", "_reconstruct").BinPut(0).Global("numpy", "ndarray").BinPut(1)
            .BinInt1(0).Tuple1().BinPut(2).Global("_codecs", "encode").BinPut(3).BinUnicode("b").BinPut(4).BinUnicode("latin1").BinPut(5)
            .Tuple2().BinPut(6).Reduce().BinPut(7).Tuple3().BinPut(8).Reduce().BinPut(9)
            .Mark().BinInt1(1).BinInt1(2).Tuple1().BinPut(10).Global("numpy", "dtype").BinPut(11).BinUnicode("O8").BinPut(12)
            .NewFalse().NewTrue().Tuple3().BinPut(13).Reduce().BinPut(14)
            .Mark().BinInt1(3).BinUnicode("|").BinPut(15).None().None().None().BinInt(-1).BinInt(-1).BinInt1(63).Tuple().BinPut(16).Build()
            .NewFalse().EmptyList().BinPut(17).Mark().BinUnicode("a").BinPut(18).BinUnicode("b").BinPut(19).Appends()
            .Tuple().BinPut(20).Build().Stop().ToArray();

    private static byte[] ObjectArray(int protocol, byte[] nested)
    {
        JoblibWriter w = EstimatorWithArrays(protocol);
        w.Text("labels_").ObjectArray([1], nested);
        return w.EndObject().ToArray();
    }

    private static byte[] LyingShape(int protocol)
    {
        var w = new JoblibWriter(protocol).BeginObject(Estimator, "LogisticRegression");
        w.Text("coef_").Array("f8", [1000], F8(1, 2));
        return w.EndObject().ToArray();
    }

    private static PickleJudgement Judge(byte[] pickle, string? hint = "sklearn")
    {
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(pickle), PickleJudge.OptionsFrom(new VettingLimits(), true, PickleJudge.JoblibMayLoad(hint)));
        return PickleJudge.Evaluate(trace, member: null, profileHint: hint, multipleStreams: true);
    }

    private static string Explain(PickleJudgement j) => $"{j.Verdict}: {string.Join("; ", j.Findings.Select(f => $"{f.RuleId} {f.Message}"))}";

    private static byte[] Zlib(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    public static TheoryData<int> Protocols => new() { 2, 4 };

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Judge_EstimatorWithArrays_Safe(int protocol)
    {
        PickleJudgement j = Judge(Benign(protocol));
        Assert.True(j.Verdict == Verdict.Safe, Explain(j));
        Assert.Equal(4, j.Trace.InlineArrayCount);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Judge_EstimatorWithoutHint_SafeBecauseArraysMakeItJoblib(int protocol)
    {
        PickleJudgement j = Judge(Benign(protocol), hint: null);
        Assert.True(j.Verdict == Verdict.Safe, Explain(j));
        Assert.Equal("sklearn", j.Profile);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Judge_OpcodeBytesInsideBuffer_SafeAndNotDecoded(int protocol)
    {
        PickleJudgement j = Judge(OpcodesInBuffer(protocol));
        Assert.True(j.Verdict == Verdict.Safe, Explain(j));
        Assert.DoesNotContain(j.Trace.Imports, i => i.Module == "os");
    }

    [Fact]
    public void Judge_OpcodeBytesInsideBuffer_ReadAsOpcodesByTorchLoad_NotSafe()
    {
        // torch.load does not know joblib's framing: the buffer is opcodes there, and the judge must say so.
        PickleJudgement j = Judge(OpcodesInBuffer(4), hint: "pytorch");
        Assert.NotEqual(Verdict.Safe, j.Verdict);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Judge_GlobalAfterBuffer_Malicious(int protocol)
    {
        PickleJudgement j = Judge(PayloadAfterBuffer(protocol));
        Assert.True(j.Verdict == Verdict.Malicious, Explain(j));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Judge_GlobalInsideObjectArray_Malicious(int protocol)
    {
        PickleJudgement j = Judge(ObjectArray(protocol, NestedPayload()));
        Assert.True(j.Verdict == Verdict.Malicious, Explain(j));
        Assert.Contains(j.Trace.Imports, i => i.Module == "os" && i.Name == "system");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Judge_BenignObjectArray_Safe(int protocol)
    {
        PickleJudgement j = Judge(ObjectArray(protocol, BenignNested()));
        Assert.True(j.Verdict == Verdict.Safe, Explain(j));
        Assert.Equal(5, j.Trace.InlineArrayCount);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Judge_LyingShape_NeverSafe(int protocol)
    {
        PickleJudgement j = Judge(LyingShape(protocol));
        Assert.True(j.Verdict is Verdict.Malformed or Verdict.Incomplete, Explain(j));
        Assert.Contains(j.Findings, f => f.RuleId == PickleRules.InlineArray);
    }

    [Fact]
    public void Judge_TruncatedAtEveryOffset_NeverSafe()
    {
        foreach (byte[] file in new[] { Benign(4), PayloadAfterBuffer(4), ObjectArray(2, NestedPayload()) })
        {
            for (int cut = 0; cut < file.Length; cut++)
            {
                PickleJudgement j = Judge(file[..cut]);
                Assert.True(j.Verdict != Verdict.Safe, $"cut {cut}: {Explain(j)}");
            }
        }
    }

    public static TheoryData<string, Verdict> Files => new()
    {
        { "benign", Verdict.Safe },
        { "opcodes-in-buffer", Verdict.Safe },
        { "after-buffer", Verdict.Malicious },
        { "object-array", Verdict.Malicious },
        { "lying-shape", Verdict.Malformed },
    };

    private static byte[] FileFor(string name) => name switch
    {
        "benign" => Benign(4),
        "opcodes-in-buffer" => OpcodesInBuffer(4),
        "after-buffer" => PayloadAfterBuffer(4),
        "object-array" => ObjectArray(4, NestedPayload()),
        _ => LyingShape(4),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void ModelVetter_PlainJoblibFile_SameVerdict(string name, Verdict expected)
    {
        VetResult result = VetHarness.Vet(FileFor(name));
        Assert.Equal(expected, result.Verdict);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ModelVetter_ZlibCompressedJoblibFile_SameVerdict(string name, Verdict expected)
    {
        VetResult result = VetHarness.Vet(Zlib(FileFor(name)));
        Assert.Equal(expected, result.Verdict);
    }

    [Fact]
    public void ModelVetter_UnpaddedBufferHoldingPayload_MaliciousAsPlainPickleLoadReadsIt()
    {
        // joblib < 1.2 wrote no padding byte: pickle.load (not joblib.load) runs the buffer's bytes as opcodes.
        var w = new JoblibWriter(2).BeginObject(Estimator, "LogisticRegression");
        w.Text("coef_").Array("u1", [OpcodeLikeBuffer.Length], OpcodeLikeBuffer, alignment: false);
        byte[] file = w.EndObject().ToArray();
        Assert.Equal(Verdict.Safe, Judge(file).Verdict);
        VetResult result = VetHarness.Vet(file);
        Assert.Equal(Verdict.Malicious, result.Verdict);
        Assert.Contains(result.Findings, f => f.Message.StartsWith("Read by plain pickle.load", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelVetter_UnpaddedBenignArrays_Safe()
    {
        var w = new JoblibWriter(2).BeginObject(Estimator, "LogisticRegression");
        w.Text("coef_").Array("f8", [3], F8(0.5, -1.25, 3), alignment: false);
        w.Text("classes_").Array("i8", [2], [.. BitConverter.GetBytes(0L), .. BitConverter.GetBytes(1L)], alignment: false);
        VetResult result = VetHarness.Vet(w.EndObject().ToArray());
        Assert.True(result.Verdict == Verdict.Safe, string.Join("; ", result.Findings.Select(f => $"{f.RuleId} {f.Message}")));
    }
}
