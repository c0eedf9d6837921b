using Lantern.Testing;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Onnx;
using Xunit;
using static Lantern.Vetting.Tests.Frameworks.OnnxFixtures;

namespace Lantern.Vetting.Tests.Frameworks;

public sealed class OnnxVetterTests
{
    private static VetResult VetBytes(byte[] bytes) => new ModelVetter().VetStream("model.onnx", new MemoryStream(bytes), bytes.Length);

    private static VetResult VetOnDisk(TempDirectory dir, byte[] bytes, params (string Name, int Bytes)[] sidecars)
    {
        string model = dir.File("model.onnx");
        File.WriteAllBytes(model, bytes);
        foreach ((string name, int size) in sidecars)
        {
            File.WriteAllBytes(dir.File(name), new byte[size]);
        }
        return new ModelVetter().VetFile(model);
    }

    private static byte[] Benign(params Action<ProtobufWriter>[] extraGraphParts) => Model(Graph(
        [Node("Conv"), Node("Relu"), Node("Add"), Node("MatMul"), Initializer(RawTensor("w", 64)), .. extraGraphParts]));

    [Fact]
    public void Vet_StandardOpsInlineWeights_Safe()
    {
        VetResult result = VetBytes(Benign());
        Assert.Equal("onnx", result.Format);
        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Vet_ExternalDataInSameFolder_Safe()
    {
        using var dir = new TempDirectory();
        byte[] bytes = Benign(Initializer(ExternalTensor("w_ext", "model.onnx.data", 0, 64)), Initializer(ExternalTensor("w2", "./weights/part1.bin", 16, 16)));
        VetResult result = VetOnDisk(dir, bytes, ("model.onnx.data", 64), ("weights/part1.bin", 32));
        Assert.Equal(Verdict.Safe, result.Verdict);
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]          // CVE-2022-25882: leading ../
    [InlineData("weights/../../secret.key")]        // CVE-2024-27318: .. inside the path
    [InlineData("/etc/shadow")]
    [InlineData("\\\\server\\share\\x.bin")]
    [InlineData("C:\\Windows\\win.ini")]
    [InlineData("c:relative.bin")]
    [InlineData("file:///etc/passwd")]
    [InlineData("weights\\..\\..\\x")]
    [InlineData("~/.ssh/id_rsa")]
    public void Vet_ExternalLocationEscapingFolder_Malicious(string location)
    {
        VetResult result = VetBytes(Benign(Initializer(ExternalTensor("w_ext", location))));
        Assert.Equal(Verdict.Malicious, result.Verdict);
        VetFinding finding = Assert.Single(result.Findings, f => f.RuleId == OnnxRules.ExternalPathEscapes);
        Assert.Equal(location, finding.Evidence["location"]);
    }

    [Fact]
    public void Vet_ExternalLocationInIfBranchInitializer_Malicious()
    {
        byte[] bytes = Model(Graph(Node("If", attributes: [
            GraphAttribute("then_branch", Node("Identity"), Initializer(ExternalTensor("t", "../../etc/passwd"))),
            GraphAttribute("else_branch", Node("Identity"))])));
        AssertRule(VetBytes(bytes), OnnxRules.ExternalPathEscapes, Verdict.Malicious);
    }

    [Fact]
    public void Vet_ExternalLocationInConstantInsideLoopBody_Malicious()
    {
        byte[] bytes = Model(Graph(Node("Loop", attributes: [
            GraphAttribute("body", Node("Constant", attributes: [TensorAttribute("value", ExternalTensor("c", "/proc/self/environ"))]))])));
        AssertRule(VetBytes(bytes), OnnxRules.ExternalPathEscapes, Verdict.Malicious);
    }

    [Fact]
    public void Vet_ExternalLocationInScanGraphsList_Malicious()
    {
        byte[] bytes = Model(Graph(Node("Scan", attributes: [GraphsAttribute("bodies", Initializer(ExternalTensor("c", "../x")))])));
        AssertRule(VetBytes(bytes), OnnxRules.ExternalPathEscapes, Verdict.Malicious);
    }

    [Fact]
    public void Vet_ExternalLocationInSparseInitializer_Malicious()
    {
        AssertRule(VetBytes(Benign(SparseInitializer(ExternalTensor("s", "../../x")))), OnnxRules.ExternalPathEscapes, Verdict.Malicious);
    }

    [Fact]
    public void Vet_ExternalLocationInsideModelLocalFunction_Malicious()
    {
        byte[] bytes = Model(Graph(Node("Helper", "custom.fn")),
            Function("custom.fn", "Helper", Node("Constant", field: 7, attributes: [TensorAttribute("value", ExternalTensor("c", "../../root/.aws/credentials"))])));
        VetResult result = VetBytes(bytes);
        AssertRule(result, OnnxRules.ExternalPathEscapes, Verdict.Malicious);
        // The call to the model-local function is not a custom operator.
        Assert.DoesNotContain(result.Findings, f => f.RuleId == OnnxRules.CustomDomain);
    }

    [Fact]
    public void Vet_ExternalLocationInTrainingInfoGraph_Malicious()
    {
        byte[] bytes = Model(Graph(Node("Relu")), m => m.Message(20, t => t.Message(2, Graph(Initializer(ExternalTensor("u", "/etc/passwd"))))));
        AssertRule(VetBytes(bytes), OnnxRules.ExternalPathEscapes, Verdict.Malicious);
    }

    [Fact]
    public void Vet_ExternalFileIsLinkOutsideFolder_Malicious()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        string secret = outside.File("secret.bin");
        File.WriteAllBytes(secret, new byte[64]);
        File.CreateSymbolicLink(dir.File("model.onnx.data"), secret);
        VetResult result = VetOnDisk(dir, Benign(Initializer(ExternalTensor("w", "model.onnx.data", 0, 16))));
        AssertRule(result, OnnxRules.ExternalLinkEscapes, Verdict.Malicious);
    }

    [Fact]
    public void Vet_ExternalFolderIsLinkOutsideFolder_Malicious()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        File.WriteAllBytes(outside.File("w.bin"), new byte[64]);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "weights"), outside.Path);
        VetResult result = VetOnDisk(dir, Benign(Initializer(ExternalTensor("w", "weights/w.bin", 0, 16))));
        AssertRule(result, OnnxRules.ExternalLinkEscapes, Verdict.Malicious);
    }

    [Fact]
    public void Vet_ExternalFileMissing_Incomplete()
    {
        using var dir = new TempDirectory();
        VetResult result = VetOnDisk(dir, Benign(Initializer(ExternalTensor("w", "model.onnx.data"))));
        AssertRule(result, OnnxRules.ExternalMissing, Verdict.Incomplete);
    }

    [Fact]
    public void Vet_ExternalRangePastFileEnd_Incomplete()
    {
        using var dir = new TempDirectory();
        VetResult result = VetOnDisk(dir, Benign(Initializer(ExternalTensor("w", "model.onnx.data", 32, 64))), ("model.onnx.data", 64));
        AssertRule(result, OnnxRules.ExternalMissing, Verdict.Incomplete);
    }

    [Fact]
    public void Vet_ExternalWithoutLocation_Malformed()
    {
        AssertRule(VetBytes(Benign(Initializer(ExternalTensor("w", null)))), OnnxRules.ExternalMalformed, Verdict.Malformed);
    }

    [Fact]
    public void Vet_CustomDomainNode_Suspicious()
    {
        VetResult result = VetBytes(Benign(Node("FastGelu", "com.vendor.ops")));
        VetFinding finding = AssertRule(result, OnnxRules.CustomDomain, Verdict.Suspicious);
        Assert.Equal("com.vendor.ops", finding.Evidence["domain"]);
    }

    [Fact]
    public void Vet_CustomDomainNodeThreeSubgraphsDeep_Suspicious()
    {
        Action<ProtobufWriter> inner = Node("Evil", "ai.onnx.contrib");
        for (int i = 0; i < 3; i++)
        {
            inner = Node("If", attributes: [GraphAttribute("then_branch", inner)]);
        }
        AssertRule(VetBytes(Model(Graph(inner))), OnnxRules.CustomDomain, Verdict.Suspicious);
    }

    [Fact]
    public void Vet_CustomOpsetImportOnly_Suspicious()
    {
        byte[] bytes = Model(Graph(Node("Relu")), m => m.Message(8, o => o.Text(1, "org.pytorch.aten").Varint(2, 1)));
        AssertRule(VetBytes(bytes), OnnxRules.CustomDomain, Verdict.Suspicious);
    }

    [Fact]
    public void Vet_MicrosoftContribOps_Safe()
    {
        byte[] bytes = Model(Graph(Node("FusedMatMul", "com.microsoft"), Node("LinearClassifier", "ai.onnx.ml")), m => m.Message(8, o => o.Text(1, "com.microsoft").Varint(2, 1)));
        Assert.Equal(Verdict.Safe, VetBytes(bytes).Verdict);
    }

    [Theory]
    [InlineData("PythonOp", "com.microsoft")]
    [InlineData("PythonOpGrad", "com.microsoft")]
    [InlineData("PyOp", "ai.onnx.contrib")]
    [InlineData("PyCustomOp", "")]
    public void Vet_PythonOperator_Malicious(string op, string domain)
    {
        AssertRule(VetBytes(Benign(Node(op, domain))), OnnxRules.PythonOp, Verdict.Malicious);
    }

    [Fact]
    public void Vet_PythonOperatorInsideFunctionInsideSubgraph_Malicious()
    {
        byte[] bytes = Model(Graph(Node("If", attributes: [GraphAttribute("then_branch", Node("Wrap", "local"))])),
            Function("local", "Wrap", Node("PythonOp", "com.microsoft", field: 7)));
        AssertRule(VetBytes(bytes), OnnxRules.PythonOp, Verdict.Malicious);
    }

    [Fact]
    public void Vet_NoGraph_Malformed()
    {
        byte[] bytes = new ProtobufWriter().Varint(1, 8).Text(2, "lantern-test").Message(8, o => o.Text(1, string.Empty).Varint(2, 17)).ToArray();
        AssertRule(VetBytes(bytes), OnnxRules.NoGraph, Verdict.Malformed);
    }

    [Fact]
    public void Vet_SubgraphsNestedPastDepthLimit_IncompleteWithoutStackOverflow()
    {
        Action<ProtobufWriter> inner = Node("Relu");
        for (int i = 0; i < 200; i++)
        {
            Action<ProtobufWriter> captured = inner;
            inner = Node("If", attributes: [GraphAttribute("then_branch", captured)]);
        }
        VetResult result = VetBytes(Model(Graph(inner)));
        AssertRule(result, OnnxRules.LimitReached, Verdict.Incomplete);
    }

    [Fact]
    public void Vet_LengthPastEnclosingMessage_Malformed()
    {
        byte[] bytes = Model(g => g.LengthDelimitedClaiming(1, 1000, new ProtobufWriter().Text(4, "Relu").ToArray()));
        VetResult result = VetBytes(bytes);
        Assert.Equal(Verdict.Malformed, result.Verdict);
        Assert.Contains(result.Findings, f => f.RuleId == VetRules.Malformed);
    }

    [Fact]
    public void Vet_TruncatedAtEveryOffset_NeverSafeWhilePayloadIsCut()
    {
        // The graph holding the payload comes right after the header; opset_import follows it.
        byte[] bytes = Model(Graph(Node("Relu"), Initializer(RawTensor("w", 40)), Initializer(ExternalTensor("t", "../../etc/passwd"))));
        int graphEnd = bytes.Length - new ProtobufWriter().Message(8, o => o.Text(1, string.Empty).Varint(2, 17)).ToArray().Length;
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            VetResult result = VetBytes(bytes[..cut]);
            if (cut >= graphEnd)
            {
                Assert.Equal(Verdict.Malicious, result.Verdict);
            }
            else
            {
                Assert.NotEqual(Verdict.Safe, result.Verdict);
            }
        }
    }

    [Fact]
    public void LexicalEscape_PlainRelativeNames_Null()
    {
        Assert.Null(ExternalDataPaths.LexicalEscape("model.onnx.data"));
        Assert.Null(ExternalDataPaths.LexicalEscape("weights/layer..0.bin"));
        Assert.Null(ExternalDataPaths.LexicalEscape("./a/b.bin"));
    }

    private static VetFinding AssertRule(VetResult result, string ruleId, Verdict verdict)
    {
        Assert.Equal(verdict, result.Verdict);
        return Assert.Single(result.Findings, f => f.RuleId == ruleId);
    }
}
