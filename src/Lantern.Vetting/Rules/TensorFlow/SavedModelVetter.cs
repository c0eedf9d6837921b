using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Protobuf;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Onnx;

namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>
/// Vets a <c>saved_model.pb</c> found by content. It has no magic: <c>SavedModel</c> starts with field 1
/// (schema version 1) and a message field 2, which the first-stage sniffer cannot tell from a Core ML
/// <c>Model</c> (formats.md §1, §7) and names CoreMl. This vetter claims that id, confirms a SavedModel by its
/// MetaGraphDef (graph_def, or meta_info_def tags), and reports genuine Core ML content as not vetted.
/// </summary>
internal sealed class SavedModelVetter : IFormatVetter
{
    public string Id => "tensorflow";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.CoreMl };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long start = context.Content.Position;
        bool named = string.Equals(Path.GetFileName(context.Path), SavedModelLayout.FileName, StringComparison.Ordinal);
        if (!named && !SavedModelGraph.LooksLikeSavedModel(context.Content, context.Length))
        {
            context.Add(new VetFinding
            {
                RuleId = VetRules.UnsupportedFormat,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = "Core ML model: no vetter for coreml content yet; it cannot be judged safe.",
            });
            return Verdict.Incomplete;
        }
        context.Content.Position = start;
        return SavedModelGraph.Vet(context);
    }
}

/// <summary>
/// Field numbers (tensorflow/tensorflow): core/protobuf/saved_model.proto (SavedModel), core/protobuf/meta_graph.proto
/// (MetaGraphDef, MetaInfoDef), core/framework/graph.proto (GraphDef), core/framework/function.proto
/// (FunctionDefLibrary, FunctionDef), core/framework/op_def.proto (OpDef), core/framework/node_def.proto (NodeDef),
/// core/framework/attr_value.proto (AttrValue).
/// </summary>
internal static class SavedModelLayout
{
    public const string FileName = "saved_model.pb";

    // SavedModel
    public const int SchemaVersion = 1;
    public const int MetaGraphs = 2;

    // MetaGraphDef
    public const int MetaInfoDef = 1;
    public const int GraphDef = 2;

    // MetaInfoDef
    public const int MetaInfoTags = 4;
    public const int MetaInfoTensorflowVersion = 5;

    // GraphDef
    public const int GraphNode = 1;
    public const int GraphLibrary = 2;

    // FunctionDefLibrary
    public const int LibraryFunction = 1;

    // FunctionDef
    public const int FunctionSignature = 1;
    public const int FunctionNodeDef = 3;

    // OpDef
    public const int OpDefName = 1;

    // NodeDef
    public const int NodeName = 1;
    public const int NodeOp = 2;
    public const int NodeInput = 3;
    public const int NodeAttr = 5;

    // map<string, AttrValue> entry
    public const int MapKey = 1;
    public const int MapValue = 2;

    // AttrValue
    public const int AttrString = 2;
    public const int AttrTensor = 8;

    // TensorProto (core/framework/tensor.proto)
    public const int TensorStringVal = 8;

    /// <summary>NodeDef inputs kept per node: only checkpoint ops' first two are used; real nodes have a few, rarely hundreds.</summary>
    public const int MaxInputsKept = 16;

    /// <summary>Op and node names are identifiers; attr strings we read (PrintV2 output_stream) are paths.</summary>
    public const int MaxNameBytes = 64 * 1024;

    /// <summary>GraphDefs are capped at 2 GiB by protobuf itself; depth here is fixed by the schema (≤ 8), so 32 is ample.</summary>
    public static ProtobufReaderOptions ReaderOptions { get; } = new() { MaxDepth = 32, MaxFields = 100_000_000, MaxInlineBytes = MaxNameBytes };
}

/// <summary>Walks SavedModel → MetaGraphDef → GraphDef nodes and every FunctionDef in the library.</summary>
internal static class SavedModelGraph
{
    private enum Kind
    {
        MetaGraph,
        Graph,
        Library,
        Function,
        Node,
    }

    /// <summary>Content check: field 1 varint, then a MetaGraphDef holding a graph_def or a meta_info_def with tags.</summary>
    public static bool LooksLikeSavedModel(Stream content, long length)
    {
        long start = content.Position;
        try
        {
            var reader = new ProtobufReader(content, length, SavedModelLayout.ReaderOptions);
            ProtobufMessage root = reader.Root();
            if (!root.Next() || root.FieldNumber != SavedModelLayout.SchemaVersion || root.WireType != ProtobufWireType.Varint)
            {
                return false;
            }
            while (root.Next())
            {
                if (root.FieldNumber != SavedModelLayout.MetaGraphs || root.WireType != ProtobufWireType.LengthDelimited)
                {
                    continue;
                }
                ProtobufMessage meta = root.ReadMessage();
                while (meta.Next())
                {
                    if (meta.FieldNumber == SavedModelLayout.GraphDef && meta.WireType == ProtobufWireType.LengthDelimited)
                    {
                        return true;
                    }
                    if (meta.FieldNumber == SavedModelLayout.MetaInfoDef && meta.WireType == ProtobufWireType.LengthDelimited)
                    {
                        ProtobufMessage info = meta.ReadMessage();
                        while (info.Next())
                        {
                            if (info.FieldNumber is SavedModelLayout.MetaInfoTags or SavedModelLayout.MetaInfoTensorflowVersion)
                            {
                                return true;
                            }
                        }
                    }
                }
                return false;
            }
            return false;
        }
        catch (ModelFormatException)
        {
            return false;
        }
        finally
        {
            content.Position = start;
        }
    }

    public static Verdict Vet(VetContext context)
    {
        context.Profile = "tensorflow";
        var reader = new ProtobufReader(context.Content, context.Length, SavedModelLayout.ReaderOptions);
        try
        {
            return Walk(context, reader);
        }
        catch (ModelFormatException ex) when (ProtobufErrors.IsLimit(ex))
        {
            context.Add(new VetFinding
            {
                RuleId = TensorFlowRules.LimitReached,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = $"The SavedModel was not read completely: {ex.Message}",
                Evidence = RuleEvidence.Of(("offset", ex.Offset), ("code", ex.Code)),
            });
            return Verdict.Incomplete;
        }
    }

    private static Verdict Walk(VetContext context, ProtobufReader reader)
    {
        var work = new Stack<(ProtobufMessage Message, Kind Kind, string Where, string Function)>();
        var census = new OpCensus();
        var checkpoints = new CheckpointPaths();
        ProtobufMessage root = reader.Root();
        int metaGraphs = 0;
        while (root.Next())
        {
            if (root.FieldNumber == SavedModelLayout.MetaGraphs)
            {
                metaGraphs++;
                work.Push((root.ReadMessage(), Kind.MetaGraph, $"meta_graphs[{metaGraphs - 1}]", string.Empty));
            }
            // Walk each meta graph as soon as it is read, so a broken later field cannot hide its findings.
            while (work.Count > 0)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (context.OutOfTime)
                {
                    return Verdict.Incomplete;
                }
                (ProtobufMessage message, Kind kind, string where, string function) = work.Pop();
                Step(context, work, census, checkpoints, message, kind, where, function);
            }
        }
        ReportUnknownOps(context, census);
        ReportCheckpointPaths(context, checkpoints);
        if (metaGraphs == 0)
        {
            context.Add(new VetFinding
            {
                RuleId = TensorFlowRules.NotASavedModel,
                Implies = Verdict.Malformed,
                Severity = Severity.Medium,
                Message = "saved_model.pb holds no MetaGraphDef (SavedModel field 2); TensorFlow cannot load it.",
            });
        }
        return Verdict.Safe;
    }

    private static void Step(
        VetContext context,
        Stack<(ProtobufMessage, Kind, string, string)> work,
        OpCensus census,
        CheckpointPaths checkpoints,
        ProtobufMessage message,
        Kind kind,
        string where,
        string function)
    {
        switch (kind)
        {
            case Kind.MetaGraph:
                while (message.Next())
                {
                    if (message.FieldNumber == SavedModelLayout.GraphDef)
                    {
                        work.Push((message.ReadMessage(), Kind.Graph, where + ".graph_def", function));
                    }
                }
                break;
            case Kind.Graph:
                while (message.Next())
                {
                    if (message.FieldNumber == SavedModelLayout.GraphNode)
                    {
                        work.Push((message.ReadMessage(), Kind.Node, where, function));
                    }
                    else if (message.FieldNumber == SavedModelLayout.GraphLibrary)
                    {
                        work.Push((message.ReadMessage(), Kind.Library, where + ".library", function));
                    }
                }
                break;
            case Kind.Library:
                while (message.Next())
                {
                    if (message.FieldNumber == SavedModelLayout.LibraryFunction)
                    {
                        work.Push((message.ReadMessage(), Kind.Function, where, function));
                    }
                }
                break;
            case Kind.Function:
                WalkFunction(work, census, message, where);
                break;
            case Kind.Node:
                JudgeNode(context, census, checkpoints, message, where, function);
                break;
        }
    }

    private static void WalkFunction(Stack<(ProtobufMessage, Kind, string, string)> work, OpCensus census, ProtobufMessage function, string where)
    {
        string name = "?";
        var nodes = new List<ProtobufMessage>();
        while (function.Next())
        {
            if (function.FieldNumber == SavedModelLayout.FunctionSignature)
            {
                ProtobufMessage signature = function.ReadMessage();
                while (signature.Next())
                {
                    if (signature.FieldNumber == SavedModelLayout.OpDefName)
                    {
                        name = signature.ReadString(SavedModelLayout.MaxNameBytes);
                    }
                }
            }
            else if (function.FieldNumber == SavedModelLayout.FunctionNodeDef)
            {
                nodes.Add(function.ReadMessage());
            }
        }
        if (name != "?")
        {
            // Only a name the signature really carries can resolve an op: "?" is our placeholder, not a definition.
            census.AddFunction(name);
        }
        foreach (ProtobufMessage node in nodes)
        {
            work.Push((node, Kind.Node, $"{where} › function {name}", name));
        }
    }

    private static void JudgeNode(VetContext context, OpCensus census, CheckpointPaths checkpoints, ProtobufMessage node, string where, string function)
    {
        string op = string.Empty;
        string name = string.Empty;
        string? outputStream = null;
        List<string>? constStrings = null;
        var inputs = new List<string>();
        long offset = node.Start;
        while (node.Next())
        {
            switch (node.FieldNumber)
            {
                case SavedModelLayout.NodeName:
                    name = node.ReadString(SavedModelLayout.MaxNameBytes);
                    break;
                case SavedModelLayout.NodeOp:
                    op = node.ReadString(SavedModelLayout.MaxNameBytes);
                    break;
                case SavedModelLayout.NodeInput when node.WireType == ProtobufWireType.LengthDelimited && inputs.Count < SavedModelLayout.MaxInputsKept:
                    inputs.Add(node.ReadString(SavedModelLayout.MaxNameBytes));
                    break;
                case SavedModelLayout.NodeAttr when node.WireType == ProtobufWireType.LengthDelimited:
                    (string? key, string? value, List<string>? strings) = ReadAttr(node.ReadMessage());
                    if (key == "output_stream")
                    {
                        outputStream = value;
                    }
                    else if (key == "value")
                    {
                        constStrings = strings;
                    }
                    break;
            }
        }
        string nodeWhere = $"{where} › {name} ({op})";
        if (op == "Const" && constStrings is { Count: > 0 })
        {
            checkpoints.NoteConst(where, name, constStrings);
        }
        if (CheckpointPaths.FileInputsOf(op) is { } positions)
        {
            // Inputs are positional, but control inputs ('^node') come after data inputs (node_def.proto), so the
            // data positions index the list directly.
            foreach (int position in positions)
            {
                if (position < inputs.Count)
                {
                    checkpoints.NoteUse(where, op, name, inputs[position], offset, nodeWhere);
                }
            }
        }
        if (!TensorFlowRawOps.IsKnown(op))
        {
            // Judged after the walk: the op may name a function of a library not read yet.
            census.NoteUnknown(op, name, function, offset, nodeWhere);
        }
        if (TensorFlowOps.Python.Contains(op))
        {
            Add(context, TensorFlowRules.PythonOp, Verdict.Malicious, Severity.Critical,
                $"Op {op} calls a Python function when the graph runs; a SavedModel must not call back into Python.", offset, op, nodeWhere);
        }
        else if (TensorFlowOps.FileOrNetwork.Contains(op))
        {
            Add(context, TensorFlowRules.FileOrNetworkOp, Verdict.Malicious, Severity.High,
                $"Op {op} reads or writes files, or opens network connections, whenever the graph runs.", offset, op, nodeWhere);
        }
        else if (op == TensorFlowOps.PrintV2 && outputStream is not null && outputStream.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            Add(context, TensorFlowRules.FileOrNetworkOp, Verdict.Malicious, Severity.High,
                $"PrintV2 writes tensors to the file '{outputStream}' whenever the graph runs.", offset, op, nodeWhere);
        }
        else if (TensorFlowOps.System.Contains(op))
        {
            Add(context, TensorFlowRules.SystemOp, Verdict.Suspicious, Severity.Medium,
                $"Op {op} reaches the filesystem, the process or input-pipeline machinery that an inference graph does not need.", offset, op, nodeWhere);
        }
    }

    /// <summary>
    /// formats.md §9.8: ops not in tf.raw_ops are custom ops (ModelScan MEDIUM). Loading such a SavedModel needs a native
    /// library registering the op (tf.load_op_library), whose code Lantern cannot see, so the model cannot be called safe.
    /// </summary>
    private static void ReportUnknownOps(VetContext context, OpCensus census)
    {
        foreach (UnknownOpUse use in census.Unresolved())
        {
            context.Add(new VetFinding
            {
                RuleId = TensorFlowRules.UnknownOp,
                Implies = Verdict.Suspicious,
                Severity = Severity.Medium,
                Message = use.Op.Length == 0
                    ? $"Node '{use.Node}' names no op; it is not in Lantern's list of TensorFlow ops."
                    : $"Op {use.Op} is not in Lantern's list of TensorFlow ops and no function of this SavedModel defines it: a custom op runs native code from a library loaded outside the model.",
                Evidence = RuleEvidence.Of(
                    ("offset", use.Offset), ("op", use.Op), ("node", use.Node), ("function", use.Function), ("where", use.Where), ("count", use.Count)),
            });
        }
        if (census.Overflowed)
        {
            context.Add(new VetFinding
            {
                RuleId = TensorFlowRules.LimitReached,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = $"Too many distinct function and unknown op names (limit {OpCensus.MaxEntries} names, {OpCensus.MaxChars} characters) to check every op against the SavedModel's functions.",
            });
        }
    }

    /// <summary>
    /// Reads a NodeDef attr map entry; returns the key and, for <c>output_stream</c>, AttrValue.s, and for <c>value</c>
    /// (Const), the string_val entries of AttrValue.tensor. Map entries may carry the value before the key (any order is
    /// valid wire format), so the value is read after the loop.
    /// </summary>
    private static (string? Key, string? Value, List<string>? Strings) ReadAttr(ProtobufMessage entry)
    {
        string? key = null;
        ProtobufMessage? valueMessage = null;
        while (entry.Next())
        {
            if (entry.FieldNumber == SavedModelLayout.MapKey && entry.WireType == ProtobufWireType.LengthDelimited)
            {
                key = entry.ReadString(SavedModelLayout.MaxNameBytes);
            }
            else if (entry.FieldNumber == SavedModelLayout.MapValue && entry.WireType == ProtobufWireType.LengthDelimited)
            {
                valueMessage = entry.ReadMessage();
            }
        }
        if (valueMessage is null || key is not ("output_stream" or "value"))
        {
            return (key, null, null);
        }
        string? value = null;
        List<string>? strings = null;
        while (valueMessage.Next())
        {
            if (valueMessage.WireType != ProtobufWireType.LengthDelimited)
            {
                continue;
            }
            if (key == "output_stream" && valueMessage.FieldNumber == SavedModelLayout.AttrString)
            {
                // AttrValue.s is bytes; a file:// prefix is ASCII whatever follows, so decode leniently.
                value = System.Text.Encoding.UTF8.GetString(valueMessage.ReadBytes(SavedModelLayout.MaxNameBytes));
            }
            else if (key == "value" && valueMessage.FieldNumber == SavedModelLayout.AttrTensor)
            {
                strings = ReadTensorStrings(valueMessage.ReadMessage());
            }
        }
        return (key, value, strings);
    }

    /// <summary>TensorProto.string_val (field 8, repeated bytes), at most <see cref="CheckpointPaths.MaxStringsPerConst"/> of them.</summary>
    private static List<string> ReadTensorStrings(ProtobufMessage tensor)
    {
        var strings = new List<string>();
        while (tensor.Next())
        {
            if (tensor.FieldNumber == SavedModelLayout.TensorStringVal && tensor.WireType == ProtobufWireType.LengthDelimited
                && strings.Count < CheckpointPaths.MaxStringsPerConst)
            {
                // Paths are bytes to TF; lenient decoding keeps '/', '\\', '.', ':' and '~' intact whatever else is there.
                strings.Add(System.Text.Encoding.UTF8.GetString(tensor.ReadBytes(SavedModelLayout.MaxNameBytes)));
            }
        }
        return strings;
    }

    private static void ReportCheckpointPaths(VetContext context, CheckpointPaths checkpoints)
    {
        foreach ((CheckpointUse use, string path) in checkpoints.Hostile())
        {
            context.Add(new VetFinding
            {
                RuleId = TensorFlowRules.CheckpointPathEscapes,
                Implies = Verdict.Malicious,
                Severity = Severity.High,
                Message = $"Op {use.Op} reads or writes the hard-coded path '{path}' (from Const '{use.Producer}') instead of the checkpoint prefix the loader supplies.",
                Evidence = RuleEvidence.Of(
                    ("offset", use.Offset), ("op", use.Op), ("node", use.Node), ("producer", use.Producer), ("path", path), ("where", use.Where)),
            });
        }
        if (checkpoints.Overflowed)
        {
            context.Add(new VetFinding
            {
                RuleId = TensorFlowRules.LimitReached,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = $"Too many checkpoint op inputs or hard-coded path constants (limits {CheckpointPaths.MaxUses} and {CheckpointPaths.MaxHostileConsts}) to pair every checkpoint op with its filename.",
            });
        }
    }

    private static void Add(VetContext context, string rule, Verdict verdict, Severity severity, string message, long offset, string op, string where) =>
        context.Add(new VetFinding
        {
            RuleId = rule,
            Implies = verdict,
            Severity = severity,
            Message = message,
            Evidence = RuleEvidence.Of(("offset", offset), ("op", op), ("where", where)),
        });
}
