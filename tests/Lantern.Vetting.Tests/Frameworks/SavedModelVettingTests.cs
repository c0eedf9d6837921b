using Lantern.Testing;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Keras;
using Lantern.Vetting.Rules.TensorFlow;
using Xunit;

namespace Lantern.Vetting.Tests.Frameworks;

public sealed class SavedModelVettingTests
{
    private static Action<ProtobufWriter> Node(string name, string op, params (string Key, string Value)[] stringAttrs) => w =>
        w.Message(1, n =>
        {
            n.Text(1, name).Text(2, op);
            foreach ((string key, string value) in stringAttrs)
            {
                n.Message(5, e => e.Text(1, key).Message(2, v => v.Text(2, value)));
            }
        });

    private static Action<ProtobufWriter> FunctionNode(string name, string op) => w => w.Message(3, n => n.Text(1, name).Text(2, op));

    /// <summary>FunctionDef: signature OpDef (name 1) then node_def (3).</summary>
    private static Action<ProtobufWriter> Function(string name, params Action<ProtobufWriter>[] nodes) => lib =>
        lib.Message(1, f =>
        {
            f.Message(1, s => s.Text(1, name));
            foreach (Action<ProtobufWriter> node in nodes)
            {
                node(f);
            }
        });

    /// <summary>SavedModel { schema 1, MetaGraphDef { meta_info_def { tags "serve" }, graph_def { nodes, library } } }.</summary>
    private static byte[] SavedModel(Action<ProtobufWriter>[] graphNodes, params Action<ProtobufWriter>[] functions) =>
        new ProtobufWriter().Varint(1, 1).Message(2, meta =>
        {
            meta.Message(1, info => info.Text(1, "").Text(4, "serve").Text(5, "2.16.1"));
            meta.Message(2, graph =>
            {
                foreach (Action<ProtobufWriter> node in graphNodes)
                {
                    node(graph);
                }
                graph.Message(2, lib =>
                {
                    foreach (Action<ProtobufWriter> function in functions)
                    {
                        function(lib);
                    }
                });
                graph.Message(4, v => v.Varint(1, 1808));
            });
        }).ToArray();

    /// <summary>What TF 2 writes: variables, a MatMul/Add serving function and the saver function with SaveV2/RestoreV2.</summary>
    private static byte[] Benign(params Action<ProtobufWriter>[] extraFunctions) => SavedModel(
        [Node("dense/kernel", "VarHandleOp"), Node("dense/bias", "VarHandleOp"), Node("saver_filename", "Placeholder"), Node("StatefulPartitionedCall", "StatefulPartitionedCall")],
        [Function("__inference_serving_default_42", FunctionNode("MatMul", "MatMul"), FunctionNode("BiasAdd", "Add"), FunctionNode("Relu", "Relu"), FunctionNode("ReadVariableOp", "ReadVariableOp")),
         Function("__inference__traced_save_77", FunctionNode("StringJoin", "StringJoin"), FunctionNode("ShardedFilename", "ShardedFilename"), FunctionNode("SaveV2", "SaveV2"), FunctionNode("MergeV2Checkpoints", "MergeV2Checkpoints")),
         Function("__inference__traced_restore_88", FunctionNode("RestoreV2", "RestoreV2"), FunctionNode("AssignVariableOp", "AssignVariableOp")),
         .. extraFunctions]);

    private static VetResult VetDir(byte[] pb, Action<TempDirectory>? extra = null)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("saved_model.pb"), pb);
        File.WriteAllBytes(dir.File("variables/variables.index"), [0x00, 0x01, 0x02, 0x03, 0x04]);
        File.WriteAllBytes(dir.File("variables/variables.data-00000-of-00001"), new byte[256]);
        extra?.Invoke(dir);
        return SavedModelVetting.VetDirectory(dir.Path, new ModelVetter(), CancellationToken.None);
    }

    [Fact]
    public void VetDirectory_TfWrittenOps_Safe()
    {
        VetResult result = VetDir(Benign());
        Assert.Equal(SavedModelVetting.ReportFormat, result.Format);
        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.Equal(3, result.Members.Count);
        Assert.Empty(result.Members.Single(m => m.Path.EndsWith("saved_model.pb", StringComparison.Ordinal)).Findings);
    }

    [Theory]
    [InlineData("PyFunc", TensorFlowRules.PythonOp, Verdict.Malicious)]
    [InlineData("EagerPyFunc", TensorFlowRules.PythonOp, Verdict.Malicious)]
    [InlineData("PyFuncStateless", TensorFlowRules.PythonOp, Verdict.Malicious)]
    [InlineData("ReadFile", TensorFlowRules.FileOrNetworkOp, Verdict.Malicious)]
    [InlineData("WriteFile", TensorFlowRules.FileOrNetworkOp, Verdict.Malicious)]
    [InlineData("RpcClient", TensorFlowRules.FileOrNetworkOp, Verdict.Malicious)]
    [InlineData("MatchingFiles", TensorFlowRules.SystemOp, Verdict.Suspicious)]
    [InlineData("ImmutableConst", TensorFlowRules.SystemOp, Verdict.Suspicious)]
    [InlineData("InitializeTableFromTextFileV2", TensorFlowRules.SystemOp, Verdict.Suspicious)]
    [InlineData("Abort", TensorFlowRules.SystemOp, Verdict.Suspicious)]
    [InlineData("FIFOQueueV2", TensorFlowRules.SystemOp, Verdict.Suspicious)]
    public void VetDirectory_OpInsideLibraryFunction_Flagged(string op, string rule, Verdict verdict)
    {
        // ModelAudit walks only graph_def.node (formats.md §9.5); TF2 puts almost every op in library functions.
        VetResult result = VetDir(Benign(Function("__inference_call_99", FunctionNode("payload", op))));
        Assert.Equal(verdict, result.Verdict);
        VetResult graph = result.Members.Single(m => m.Path.EndsWith("saved_model.pb", StringComparison.Ordinal));
        VetFinding finding = Assert.Single(graph.Findings, f => f.RuleId == rule);
        Assert.Equal(op, finding.Evidence["op"]);
        Assert.Contains("__inference_call_99", finding.Evidence["where"], StringComparison.Ordinal);
    }

    [Fact]
    public void VetDirectory_WriteFileInTopLevelGraph_Malicious()
    {
        VetResult result = VetDir(SavedModel([Node("w", "WriteFile")]));
        Assert.Equal(Verdict.Malicious, result.Verdict);
    }

    [Fact]
    public void VetDirectory_PrintV2ToFile_Malicious()
    {
        VetResult result = VetDir(SavedModel([Node("p", "PrintV2", ("output_stream", "file:///home/user/.bashrc"))]));
        Assert.Equal(Verdict.Malicious, result.Verdict);
    }

    [Fact]
    public void VetDirectory_PrintV2ToStderr_Safe()
    {
        Assert.Equal(Verdict.Safe, VetDir(SavedModel([Node("p", "PrintV2", ("output_stream", "stderr"))])).Verdict);
    }

    [Fact]
    public void VetDirectory_NoMetaGraph_Malformed()
    {
        Assert.Equal(Verdict.Malformed, VetDir(new ProtobufWriter().Varint(1, 1).ToArray()).Verdict);
    }

    [Fact]
    public void VetDirectory_NoSavedModelPb_Incomplete()
    {
        using var dir = new TempDirectory();
        VetResult result = SavedModelVetting.VetDirectory(dir.Path, new ModelVetter(), CancellationToken.None);
        Assert.Equal(Verdict.Incomplete, result.Verdict);
        Assert.Contains(result.Findings, f => f.RuleId == TensorFlowRules.NotASavedModel);
    }

    [Fact]
    public void VetDirectory_AssetLinkOutside_Suspicious()
    {
        using var outside = new TempDirectory();
        File.WriteAllText(outside.File("id_rsa"), "secret");
        VetResult result = VetDir(Benign(), dir => File.CreateSymbolicLink(dir.File("assets/vocab.txt"), Path.Combine(outside.Path, "id_rsa")));
        Assert.Equal(Verdict.Suspicious, result.Verdict);
        Assert.Contains(result.Findings, f => f.RuleId == TensorFlowRules.LinkEscapes);
    }

    [Fact]
    public void VetDirectory_KerasMetadataLambda_Malicious()
    {
        string lambda = """{"class_name": "Lambda", "config": {"name": "l", "function": ["4wEAAAAA", null, null], "function_type": "lambda", "module": "__main__"}}""";
        byte[] metadata = new ProtobufWriter()
            .Message(1, n => n.Varint(2, 1).Text(3, "root").Text(4, "_tf_keras_sequential").Text(5, """{"class_name": "Sequential", "config": {"layers": []}}"""))
            .Message(1, n => n.Varint(2, 2).Text(3, "root.layer-0").Text(4, "_tf_keras_layer").Text(5, lambda))
            .ToArray();
        VetResult result = VetDir(Benign(), dir => File.WriteAllBytes(dir.File("keras_metadata.pb"), metadata));
        Assert.Equal(Verdict.Malicious, result.Verdict);
        VetResult member = result.Members.Single(m => m.Path.EndsWith("keras_metadata.pb", StringComparison.Ordinal));
        Assert.Contains(member.Findings, f => f.RuleId == KerasRules.Bytecode);
    }

    [Fact]
    public void VetStream_SavedModelRecognisedByContent_Judged()
    {
        byte[] pb = Benign(Function("f", FunctionNode("x", "PyFunc")));
        VetResult result = new ModelVetter().VetStream("renamed.bin", new MemoryStream(pb), pb.Length);
        Assert.Equal(Verdict.Malicious, result.Verdict);
        Assert.Equal("tensorflow", result.Profile);
    }

    [Fact]
    public void VetStream_CoreMlLookalike_IncompleteNotSafe()
    {
        // Core ML Model: specificationVersion 4, description { input { name "x" } }.
        byte[] coreml = new ProtobufWriter().Varint(1, 4).Message(2, d => d.Message(1, i => i.Text(1, "x"))).ToArray();
        VetResult result = new ModelVetter().VetStream("model.mlmodel", new MemoryStream(coreml), coreml.Length);
        Assert.Equal(Verdict.Incomplete, result.Verdict);
    }

    [Fact]
    public void VetDirectory_TruncatedAtEveryOffset_NeverSafeOncePayloadIsCut()
    {
        byte[] pb = SavedModel([Node("a", "MatMul"), Node("w", "WriteFile")]);
        for (int cut = 1; cut < pb.Length; cut++)
        {
            VetResult result = VetDir(pb[..cut]);
            Assert.NotEqual(Verdict.Safe, result.Verdict);
        }
    }
}
