using Lantern.Testing;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.TensorFlow;
using Xunit;

namespace Lantern.Vetting.Tests.Frameworks;

public sealed class SavedModelCheckpointPathTests
{
    /// <summary>NodeDef { name 1, op 2, input 3… } as field <paramref name="field"/> (1 in GraphDef, 3 in FunctionDef).</summary>
    private static Action<ProtobufWriter> Node(int field, string name, string op, params string[] inputs) => w =>
        w.Message(field, n =>
        {
            n.Text(1, name).Text(2, op);
            foreach (string input in inputs)
            {
                n.Text(3, input);
            }
        });

    /// <summary>Const { attr dtype: DT_STRING (7), attr value: AttrValue.tensor (8) { dtype 7, string_val (8)… } }.</summary>
    private static Action<ProtobufWriter> StringConst(int field, string name, params string[] values) => w =>
        w.Message(field, n =>
        {
            n.Text(1, name).Text(2, "Const");
            n.Message(5, e => e.Text(1, "dtype").Message(2, v => v.Varint(6, 7)));
            n.Message(5, e => e.Text(1, "value").Message(2, v => v.Message(8, t =>
            {
                t.Varint(1, 7).Message(2, _ => { });
                foreach (string value in values)
                {
                    t.Text(8, value);
                }
            })));
        });

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

    private static Action<ProtobufWriter> Function(string name, params Action<ProtobufWriter>[] nodes) => lib =>
        lib.Message(1, f =>
        {
            f.Message(1, s => s.Text(1, name));
            foreach (Action<ProtobufWriter> node in nodes)
            {
                node(f);
            }
        });

    /// <summary>
    /// What TF 2's saver writes (tf.saved_model.save): the prefix is the <c>file_prefix</c> argument, joined with a
    /// Const '_temp/part' into a temp prefix; ShardedFilename, SaveV2 and MergeV2Checkpoints take those; the restore
    /// function's RestoreV2 takes the argument directly.
    /// </summary>
    private static Action<ProtobufWriter>[] TfSaver() =>
    [
        Function("__inference__traced_save_77",
            StringConst(3, "StaticRegexFullMatch/Const", "^s3://.*"),
            StringConst(3, "Const_1", "_temp/part"),
            Node(3, "StringJoin", "StringJoin", "file_prefix", "Const_1:output:0"),
            StringConst(3, "num_shards", "1"),
            Node(3, "ShardedFilename", "ShardedFilename", "StringJoin:output:0", "ShardedFilename/shard:output:0", "num_shards:output:0"),
            Node(3, "SaveV2", "SaveV2", "ShardedFilename:filename:0", "SaveV2/tensor_names:output:0", "SaveV2/shape_and_slices:output:0", "^NoOp"),
            Node(3, "MergeV2Checkpoints", "MergeV2Checkpoints", "MergeV2Checkpoints/checkpoint_prefixes:output:0", "file_prefix", "^SaveV2")),
        Function("__inference__traced_restore_88",
            Node(3, "RestoreV2", "RestoreV2", "file_prefix", "RestoreV2/tensor_names:output:0", "RestoreV2/shape_and_slices:output:0")),
    ];

    private static VetResult Vet(byte[] pb)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("saved_model.pb"), pb);
        File.WriteAllBytes(dir.File("variables/variables.index"), [0x00, 0x01, 0x02, 0x03]);
        File.WriteAllBytes(dir.File("variables/variables.data-00000-of-00001"), new byte[64]);
        return SavedModelVetting.VetDirectory(dir.Path, new ModelVetter(), CancellationToken.None);
    }

    private static VetFinding[] Findings(VetResult result) => [.. result.Members.SelectMany(m => m.Findings), .. result.Findings];

    [Fact]
    public void VetDirectory_PlaceholderFedSaverAsTfWrites_Safe()
    {
        byte[] pb = SavedModel(
            [Node(1, "saver_filename", "Placeholder"), StringConst(1, "Const", "model"),
             Node(1, "SaveV2", "SaveV2", "saver_filename:0", "SaveV2/tensor_names", "SaveV2/shape_and_slices"),
             Node(1, "RestoreV2", "RestoreV2", "Const:0", "RestoreV2/tensor_names", "RestoreV2/shape_and_slices")],
            TfSaver());
        VetResult result = Vet(pb);
        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.DoesNotContain(Findings(result), f => f.RuleId == TensorFlowRules.CheckpointPathEscapes);
    }

    [Fact]
    public void VetDirectory_SaveV2PrefixHardCodedEtcPath_Malicious()
    {
        byte[] pb = SavedModel(
            [StringConst(1, "evil", "/etc/cron.d/x"), Node(1, "SaveV2", "SaveV2", "evil", "names", "slices", "^init")]);
        VetResult result = Vet(pb);
        Assert.Equal(Verdict.Malicious, result.Verdict);
        VetFinding finding = Assert.Single(Findings(result), f => f.RuleId == TensorFlowRules.CheckpointPathEscapes);
        Assert.Equal("SaveV2", finding.Evidence["op"]);
        Assert.Equal("SaveV2", finding.Evidence["node"]);
        Assert.Equal("/etc/cron.d/x", finding.Evidence["path"]);
    }

    [Theory]
    [InlineData("Save", 0, "../../home/user/.bashrc")]
    [InlineData("RestoreV2", 0, "variables/../../../etc/passwd")]
    [InlineData("MergeV2Checkpoints", 1, @"C:\Windows\System32\x")]
    [InlineData("MergeV2Checkpoints", 0, @"\\attacker\share\ckpt")]
    [InlineData("ShardedFilename", 0, "~/.ssh/authorized_keys")]
    [InlineData("RestoreSlice", 0, "gs://attacker-bucket/ckpt")]
    public void VetDirectory_CheckpointOpInFunctionFedEscapingConst_Malicious(string op, int position, string path)
    {
        string[] inputs = position == 0 ? ["bad:output:0", "other:output:0"] : ["other:output:0", "bad:output:0"];
        // The consumer comes before its producer in wire order: pairing must not depend on order.
        byte[] pb = SavedModel([], Function("__inference__traced_save_1", Node(3, op, op, inputs), StringConst(3, "bad", "ok", path)));
        VetResult result = Vet(pb);
        Assert.Equal(Verdict.Malicious, result.Verdict);
        VetFinding finding = Assert.Single(Findings(result), f => f.RuleId == TensorFlowRules.CheckpointPathEscapes);
        Assert.Equal(op, finding.Evidence["op"]);
        Assert.Equal(path, finding.Evidence["path"]);
    }

    [Fact]
    public void VetDirectory_EscapingConstInOtherFunction_NotPaired()
    {
        // Names are scoped to their graph or function: a same-named Const elsewhere does not feed this SaveV2.
        byte[] pb = SavedModel([], Function("f1", Node(3, "SaveV2", "SaveV2", "c:output:0")), Function("f2", StringConst(3, "c", "/etc/passwd")));
        Assert.DoesNotContain(Findings(Vet(pb)), f => f.RuleId == TensorFlowRules.CheckpointPathEscapes);
    }

    [Fact]
    public void VetDirectory_EscapingConstOnControlOrTensorNamesInput_NotFlagged()
    {
        byte[] pb = SavedModel(
            [StringConst(1, "c", "/etc/passwd"), Node(1, "SaveV2", "SaveV2", "prefix", "c", "slices", "^c")]);
        Assert.DoesNotContain(Findings(Vet(pb)), f => f.RuleId == TensorFlowRules.CheckpointPathEscapes);
    }

    [Theory]
    [InlineData("model", false)]
    [InlineData("_temp/part", false)]
    [InlineData("variables/variables", false)]
    [InlineData("a..b", false)]
    [InlineData("", false)]
    [InlineData("/etc/cron.d/x", true)]
    [InlineData("..", true)]
    [InlineData(@"a\..\b", true)]
    [InlineData("D:relative", true)]
    [InlineData(@"\\?\C:\x", true)]
    [InlineData("~root", true)]
    [InlineData("file:///etc/x", true)]
    public void IsHostilePath_Cases_Classified(string path, bool hostile) =>
        Assert.Equal(hostile, CheckpointPaths.IsHostilePath(path));

    [Theory]
    [InlineData("node", "node")]
    [InlineData("node:0", "node")]
    [InlineData("node:output:0", "node")]
    public void ProducerName_InputForms_NodeName(string input, string expected) =>
        Assert.Equal(expected, CheckpointPaths.ProducerName(input));
}
