using Lantern.Testing;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.TensorFlow;
using Xunit;

namespace Lantern.Vetting.Tests.Frameworks;

/// <summary>LNT-TFS-007: ops that are neither TensorFlow raw ops nor functions of the SavedModel's own library (formats.md §9.8).</summary>
public sealed class SavedModelUnknownOpTests
{
    private static Action<ProtobufWriter> Node(string name, string op) => graph => graph.Message(1, n => n.Text(1, name).Text(2, op));

    private static Action<ProtobufWriter> FunctionNode(string name, string op) => f => f.Message(3, n => n.Text(1, name).Text(2, op));

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
            meta.Message(1, info => info.Text(4, "serve").Text(5, "2.16.1"));
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
            });
        }).ToArray();

    private static VetResult Vet(byte[] pb)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("saved_model.pb"), pb);
        return SavedModelVetting.VetDirectory(dir.Path, new ModelVetter(), CancellationToken.None);
    }

    private static List<VetFinding> UnknownOpFindings(VetResult result) =>
        result.Members.Single(m => m.Path.EndsWith("saved_model.pb", StringComparison.Ordinal)).Findings
            .Where(f => f.RuleId == TensorFlowRules.UnknownOp).ToList();

    [Fact]
    public void RawOps_EmbeddedList_LoadsTfWrittenOpsAndNoComments()
    {
        // The ops TF 2 writes into every SavedModel (variables, serving call, saver and restore functions).
        string[] written =
        [
            "VarHandleOp", "Placeholder", "StatefulPartitionedCall", "PartitionedCall", "ReadVariableOp", "AssignVariableOp",
            "Const", "Identity", "NoOp", "StringJoin", "ShardedFilename", "SaveV2", "RestoreV2", "MergeV2Checkpoints",
            "StaticRegexFullMatch", "Select", "Pack", "MatMul", "BiasAdd", "Relu", "DisableCopyOnRead",
        ];
        Assert.All(written, op => Assert.True(TensorFlowRawOps.IsKnown(op), op));
        Assert.InRange(TensorFlowRawOps.Names.Count, 1400, 2000);
        Assert.DoesNotContain(TensorFlowRawOps.Names, n => n.StartsWith('#') || n.Length == 0 || n != n.Trim());
        Assert.False(TensorFlowRawOps.IsKnown("matmul"));
    }

    [Fact]
    public void Vet_CustomOpInGraph_Suspicious()
    {
        VetResult result = Vet(SavedModel([Node("v", "VarHandleOp"), Node("payload", "MyCustomOp")]));
        Assert.Equal(Verdict.Suspicious, result.Verdict);
        VetFinding finding = Assert.Single(UnknownOpFindings(result));
        Assert.Equal(Verdict.Suspicious, finding.Implies);
        Assert.Equal("MyCustomOp", finding.Evidence["op"]);
        Assert.Equal("payload", finding.Evidence["node"]);
        Assert.Equal(string.Empty, finding.Evidence["function"]);
        Assert.Contains("not in Lantern's list of TensorFlow ops", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vet_NodeCallingOwnLibraryFunction_NotFlagged()
    {
        // function.proto: a NodeDef whose op names a FunctionDef in the graph's library calls that function.
        // The caller comes before the library on the wire, so this also proves the judgement waits for the library.
        byte[] pb = SavedModel(
            [Node("call", "__inference_dense_layer_17")],
            Function("__inference_dense_layer_17", FunctionNode("m", "MatMul"), FunctionNode("inner", "__inference_relu_18")),
            Function("__inference_relu_18", FunctionNode("r", "Relu")));
        VetResult result = Vet(pb);
        Assert.Empty(UnknownOpFindings(result));
        Assert.Equal(Verdict.Safe, result.Verdict);
    }

    [Fact]
    public void Vet_UnknownOpInsideLibraryFunction_Suspicious()
    {
        byte[] pb = SavedModel(
            [Node("call", "StatefulPartitionedCall")],
            Function("__inference_serving_default_42", FunctionNode("m", "MatMul"), FunctionNode("zero_out", "ZeroOut"), FunctionNode("again", "ZeroOut")));
        VetResult result = Vet(pb);
        Assert.Equal(Verdict.Suspicious, result.Verdict);
        VetFinding finding = Assert.Single(UnknownOpFindings(result));
        Assert.Equal("ZeroOut", finding.Evidence["op"]);
        Assert.Equal("__inference_serving_default_42", finding.Evidence["function"]);
        Assert.Equal("2", finding.Evidence["count"]);
    }

    [Fact]
    public void Vet_FunctionNameOnlyInOtherCase_StillFlagged()
    {
        // Op and function names are case-sensitive in TensorFlow; "matmul" is neither a raw op nor this library's "MatMul_fn".
        VetResult result = Vet(SavedModel([Node("x", "matmul")], Function("MatMul_fn", FunctionNode("m", "MatMul"))));
        Assert.Equal("matmul", Assert.Single(UnknownOpFindings(result)).Evidence["op"]);
    }

    [Fact]
    public void Vet_NodeWithoutOp_Suspicious()
    {
        VetResult result = Vet(new ProtobufWriter().Varint(1, 1).Message(2, meta => meta.Message(2, g => g.Message(1, n => n.Text(1, "empty")))).ToArray());
        Assert.Equal(Verdict.Suspicious, result.Verdict);
        Assert.Equal("empty", Assert.Single(UnknownOpFindings(result)).Evidence["node"]);
    }

    [Fact]
    public void Vet_DangerousOpStillJudgedByItsOwnRule()
    {
        // PyFunc is a raw op: the custom-op rule must not replace the malicious verdict with a weaker one.
        VetResult result = Vet(SavedModel([Node("p", "PyFunc")]));
        Assert.Equal(Verdict.Malicious, result.Verdict);
        Assert.Empty(UnknownOpFindings(result));
    }

    [Fact]
    public void Census_TooManyNames_Overflows()
    {
        var census = new OpCensus();
        for (int i = 0; i <= OpCensus.MaxEntries; i++)
        {
            census.AddFunction($"f{i}");
        }
        Assert.True(census.Overflowed);
    }
}
