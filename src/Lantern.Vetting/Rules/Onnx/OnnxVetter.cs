using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Protobuf;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Onnx;

/// <summary>
/// Vets an ONNX <c>ModelProto</c> by streaming its protobuf (formats.md §7, §9.8, §12 item 6): the main graph,
/// every subgraph in node attributes (If/Loop/Scan <c>g</c>/<c>graphs</c>), model-local functions, training
/// graphs, initializers, sparse and attribute tensors. Raw tensor bytes are skipped by length, never loaded.
/// Nested messages go on an explicit stack, so input depth never becomes call-stack depth.
/// Field numbers: onnx/onnx <c>onnx/onnx.proto</c> (ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, SparseTensorProto, FunctionProto, TrainingInfoProto, OperatorSetIdProto).
/// </summary>
internal sealed class OnnxVetter : IFormatVetter
{
    public string Id => "onnx";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.Onnx };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Profile = "onnx";
        var reader = new ProtobufReader(context.Content, context.Length, OnnxLayout.ReaderOptions);
        try
        {
            return new OnnxWalk(context, reader).Run();
        }
        catch (ModelFormatException ex) when (ProtobufErrors.IsLimit(ex))
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.LimitReached,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = $"The ONNX model was not read completely: {ex.Message}",
                Evidence = RuleEvidence.Of(("offset", ex.Offset), ("code", ex.Code)),
            });
            return Verdict.Incomplete;
        }
    }
}

/// <summary>Field numbers from onnx/onnx <c>onnx/onnx.proto</c> (IR version 11) and the walk's own limits.</summary>
internal static class OnnxLayout
{
    // ModelProto
    public const int ModelGraph = 7;
    public const int ModelOpsetImport = 8;
    public const int ModelTrainingInfo = 20;
    public const int ModelFunctions = 25;

    // GraphProto
    public const int GraphNode = 1;
    public const int GraphName = 2;
    public const int GraphInitializer = 5;
    public const int GraphSparseInitializer = 15;

    // NodeProto
    public const int NodeName = 3;
    public const int NodeOpType = 4;
    public const int NodeAttribute = 5;
    public const int NodeDomain = 7;

    // AttributeProto
    public const int AttributeName = 1;
    public const int AttributeTensor = 5;
    public const int AttributeGraph = 6;
    public const int AttributeTensors = 10;
    public const int AttributeGraphs = 11;
    public const int AttributeSparseTensor = 22;
    public const int AttributeSparseTensors = 23;

    // TensorProto
    public const int TensorName = 8;
    public const int TensorExternalData = 13;
    public const int TensorDataLocation = 14;
    public const ulong DataLocationDefault = 0;
    public const ulong DataLocationExternal = 1;

    // StringStringEntryProto
    public const int EntryKey = 1;
    public const int EntryValue = 2;

    // SparseTensorProto
    public const int SparseValues = 1;
    public const int SparseIndices = 2;

    // FunctionProto
    public const int FunctionName = 1;
    public const int FunctionNode = 7;
    public const int FunctionOpsetImport = 9;
    public const int FunctionDomain = 10;
    public const int FunctionAttributeProto = 11;

    // TrainingInfoProto
    public const int TrainingInitialization = 1;
    public const int TrainingAlgorithm = 2;

    // OperatorSetIdProto
    public const int OpsetDomain = 1;

    /// <summary>Names, domains and locations are identifiers; 64 KiB is far beyond any real one.</summary>
    public const int MaxNameBytes = 64 * 1024;

    /// <summary>Distinct (domain, op_type) pairs outside the standard domains that we remember for the final judgement.</summary>
    public const int MaxCustomOps = 10_000;

    /// <summary>
    /// Message depth 100 (protobuf's default recursion limit) allows ~30 nested subgraphs
    /// (graph → node → attribute → graph is three levels); onnx's own checker has no tighter bound.
    /// </summary>
    public static ProtobufReaderOptions ReaderOptions { get; } = new() { MaxDepth = 100, MaxFields = 50_000_000, MaxInlineBytes = MaxNameBytes };

    /// <summary>
    /// Domains whose operators ship with ONNX or ONNX Runtime (onnx/defs/schema.h ONNX_DOMAIN, AI_ONNX_ML_DOMAIN,
    /// AI_ONNX_TRAINING_DOMAIN, AI_ONNX_PREVIEW_TRAINING_DOMAIN; onnxruntime kMSDomain). Anything else needs a
    /// custom-operator library loaded into the runtime, which is native code the model file does not carry.
    /// </summary>
    public static readonly HashSet<string> StandardDomains = new(StringComparer.Ordinal)
    {
        string.Empty, "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft",
    };

    /// <summary>
    /// Operators that call into Python: onnxruntime training's <c>com.microsoft::PythonOp</c>/<c>PythonOpGrad</c>
    /// (run a Python autograd function named by attribute), onnxruntime-extensions' <c>PyOp</c>/<c>PyCustomOp</c>
    /// (Python callbacks), and the names other tools use for the same idea. Matched in any domain.
    /// </summary>
    public static readonly HashSet<string> PythonOps = new(StringComparer.OrdinalIgnoreCase)
    {
        "PythonOp", "PythonOpGrad", "PyOp", "PyCustomOp", "PyFunc", "PythonFunction", "PyFunction",
    };
}

/// <summary>One pass over a ModelProto with an explicit work stack.</summary>
internal sealed class OnnxWalk(VetContext context, ProtobufReader reader)
{
    private enum Kind
    {
        Graph,
        Node,
        Attribute,
        Tensor,
        SparseTensor,
        Function,
        TrainingInfo,
    }

    private readonly Stack<(ProtobufMessage Message, Kind Kind, string Where)> _work = new();
    private readonly Dictionary<(string Domain, string Op), (string Where, long Offset)> _customOps = [];
    private readonly HashSet<(string Domain, string Name)> _localFunctions = [];
    private readonly Dictionary<string, long> _importedDomains = new(StringComparer.Ordinal);
    private bool _customOpsOverflow;
    private bool _outOfTime;

    public Verdict Run()
    {
        ProtobufMessage model = reader.Root();
        int graphs = 0;
        while (model.Next())
        {
            switch (model.FieldNumber)
            {
                case OnnxLayout.ModelGraph when model.WireType == ProtobufWireType.LengthDelimited:
                    graphs++;
                    _work.Push((model.ReadMessage(), Kind.Graph, "graph"));
                    break;
                case OnnxLayout.ModelOpsetImport:
                    ReadOpset(model.ReadMessage());
                    break;
                case OnnxLayout.ModelFunctions:
                    _work.Push((model.ReadMessage(), Kind.Function, "functions"));
                    break;
                case OnnxLayout.ModelTrainingInfo:
                    _work.Push((model.ReadMessage(), Kind.TrainingInfo, "training_info"));
                    break;
            }
            Drain();
        }
        if (graphs == 0)
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.NoGraph,
                Implies = Verdict.Malformed,
                Severity = Severity.Medium,
                Message = "The ONNX ModelProto has no graph (field 7); it is not a loadable model.",
            });
        }
        JudgeDomains();
        return _outOfTime ? Verdict.Incomplete : Verdict.Safe;
    }

    /// <summary>
    /// Walks everything queued so far. Called after each top-level field, so findings in the graph are
    /// recorded even when a later field turns out to be broken.
    /// </summary>
    private void Drain()
    {
        while (_work.Count > 0)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (context.OutOfTime)
            {
                _outOfTime = true;
                return;
            }
            (ProtobufMessage message, Kind kind, string where) = _work.Pop();
            switch (kind)
            {
                case Kind.Graph:
                    WalkGraph(message, where);
                    break;
                case Kind.Node:
                    WalkNode(message, where);
                    break;
                case Kind.Attribute:
                    WalkAttribute(message, where);
                    break;
                case Kind.Tensor:
                    WalkTensor(message, where);
                    break;
                case Kind.SparseTensor:
                    while (message.Next())
                    {
                        if (message.FieldNumber is OnnxLayout.SparseValues or OnnxLayout.SparseIndices)
                        {
                            _work.Push((message.ReadMessage(), Kind.Tensor, where));
                        }
                    }
                    break;
                case Kind.Function:
                    WalkFunction(message);
                    break;
                case Kind.TrainingInfo:
                    while (message.Next())
                    {
                        if (message.FieldNumber is OnnxLayout.TrainingInitialization or OnnxLayout.TrainingAlgorithm)
                        {
                            _work.Push((message.ReadMessage(), Kind.Graph, where + (message.FieldNumber == 1 ? ".initialization" : ".algorithm")));
                        }
                    }
                    break;
            }
        }
    }

    private void WalkGraph(ProtobufMessage graph, string where)
    {
        string label = where;
        while (graph.Next())
        {
            switch (graph.FieldNumber)
            {
                case OnnxLayout.GraphName:
                    label = $"{where}('{graph.ReadString(OnnxLayout.MaxNameBytes)}')";
                    break;
                case OnnxLayout.GraphNode:
                    _work.Push((graph.ReadMessage(), Kind.Node, label));
                    break;
                case OnnxLayout.GraphInitializer:
                    _work.Push((graph.ReadMessage(), Kind.Tensor, label + ".initializer"));
                    break;
                case OnnxLayout.GraphSparseInitializer:
                    _work.Push((graph.ReadMessage(), Kind.SparseTensor, label + ".sparse_initializer"));
                    break;
            }
        }
    }

    private void WalkNode(ProtobufMessage node, string where)
    {
        string opType = string.Empty;
        string domain = string.Empty;
        string? name = null;
        long offset = node.Start;
        var attributes = new List<ProtobufMessage>();
        while (node.Next())
        {
            switch (node.FieldNumber)
            {
                case OnnxLayout.NodeOpType:
                    opType = node.ReadString(OnnxLayout.MaxNameBytes);
                    break;
                case OnnxLayout.NodeDomain:
                    domain = node.ReadString(OnnxLayout.MaxNameBytes);
                    break;
                case OnnxLayout.NodeName:
                    name = node.ReadString(OnnxLayout.MaxNameBytes);
                    break;
                case OnnxLayout.NodeAttribute:
                    attributes.Add(node.ReadMessage());
                    break;
            }
        }
        string nodeWhere = $"{where} › {(string.IsNullOrEmpty(domain) ? string.Empty : domain + "::")}{opType}{(name is null ? string.Empty : $"('{name}')")}";
        foreach (ProtobufMessage attribute in attributes)
        {
            _work.Push((attribute, Kind.Attribute, nodeWhere));
        }
        if (OnnxLayout.PythonOps.Contains(opType))
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.PythonOp,
                Implies = Verdict.Malicious,
                Severity = Severity.Critical,
                Message = $"Operator {opType} (domain '{domain}') runs Python code supplied at load time; a model must not call back into Python.",
                Evidence = RuleEvidence.Of(("offset", offset), ("op_type", opType), ("domain", domain), ("where", nodeWhere)),
            });
        }
        if (!OnnxLayout.StandardDomains.Contains(domain) && !_customOps.ContainsKey((domain, opType)))
        {
            if (_customOps.Count < OnnxLayout.MaxCustomOps)
            {
                _customOps[(domain, opType)] = (nodeWhere, offset);
            }
            else
            {
                _customOpsOverflow = true;
            }
        }
    }

    private void WalkAttribute(ProtobufMessage attribute, string where)
    {
        string label = where;
        while (attribute.Next())
        {
            switch (attribute.FieldNumber)
            {
                case OnnxLayout.AttributeName when attribute.WireType == ProtobufWireType.LengthDelimited:
                    label = $"{where}.{attribute.ReadString(OnnxLayout.MaxNameBytes)}";
                    break;
                case OnnxLayout.AttributeGraph or OnnxLayout.AttributeGraphs:
                    _work.Push((attribute.ReadMessage(), Kind.Graph, label));
                    break;
                case OnnxLayout.AttributeTensor or OnnxLayout.AttributeTensors:
                    _work.Push((attribute.ReadMessage(), Kind.Tensor, label));
                    break;
                case OnnxLayout.AttributeSparseTensor or OnnxLayout.AttributeSparseTensors:
                    _work.Push((attribute.ReadMessage(), Kind.SparseTensor, label));
                    break;
            }
        }
    }

    private void WalkFunction(ProtobufMessage function)
    {
        string name = string.Empty;
        string domain = string.Empty;
        var nodes = new List<ProtobufMessage>();
        while (function.Next())
        {
            switch (function.FieldNumber)
            {
                case OnnxLayout.FunctionName:
                    name = function.ReadString(OnnxLayout.MaxNameBytes);
                    break;
                case OnnxLayout.FunctionDomain:
                    domain = function.ReadString(OnnxLayout.MaxNameBytes);
                    break;
                case OnnxLayout.FunctionNode:
                    nodes.Add(function.ReadMessage());
                    break;
                case OnnxLayout.FunctionOpsetImport:
                    ReadOpset(function.ReadMessage());
                    break;
                case OnnxLayout.FunctionAttributeProto:
                    _work.Push((function.ReadMessage(), Kind.Attribute, "function"));
                    break;
            }
        }
        _localFunctions.Add((domain, name));
        string where = $"function {domain}::{name}";
        foreach (ProtobufMessage node in nodes)
        {
            _work.Push((node, Kind.Node, where));
        }
    }

    private void ReadOpset(ProtobufMessage opset)
    {
        long offset = opset.Start;
        string domain = string.Empty;
        while (opset.Next())
        {
            if (opset.FieldNumber == OnnxLayout.OpsetDomain)
            {
                domain = opset.ReadString(OnnxLayout.MaxNameBytes);
            }
        }
        if (_importedDomains.Count < OnnxLayout.MaxCustomOps)
        {
            _importedDomains.TryAdd(domain, offset);
        }
    }

    private void WalkTensor(ProtobufMessage tensor, string where)
    {
        string? name = null;
        ulong dataLocation = OnnxLayout.DataLocationDefault;
        var locations = new List<(string? Location, long? Offset, long? Length, long At)>();
        while (tensor.Next())
        {
            switch (tensor.FieldNumber)
            {
                case OnnxLayout.TensorName:
                    name = tensor.ReadString(OnnxLayout.MaxNameBytes);
                    break;
                case OnnxLayout.TensorDataLocation:
                    dataLocation = tensor.ReadVarint();
                    break;
                case OnnxLayout.TensorExternalData:
                    locations.Add(ReadExternalEntry(tensor.ReadMessage()));
                    break;
            }
        }
        string tensorWhere = $"{where} › tensor '{name}'";
        if (dataLocation is not (OnnxLayout.DataLocationDefault or OnnxLayout.DataLocationExternal))
        {
            AddMalformed($"Tensor '{name}' has unknown data_location {dataLocation}.", tensor.Start, tensorWhere, null);
        }
        string? location = null;
        long? dataOffset = null;
        long? dataLength = null;
        foreach ((string? Location, long? Offset, long? Length, long At) entry in locations)
        {
            location = entry.Location ?? location;
            dataOffset = entry.Offset ?? dataOffset;
            dataLength = entry.Length ?? dataLength;
        }
        if (dataLocation == OnnxLayout.DataLocationExternal && location is null)
        {
            AddMalformed($"Tensor '{name}' says its data is external but gives no location.", tensor.Start, tensorWhere, null);
            return;
        }
        if (location is not null)
        {
            // The loader honours external_data whenever data_location is EXTERNAL; a location on a tensor that
            // does not claim external data is still checked, since tools disagree about which field wins.
            ExternalDataPaths.Check(context, location, dataOffset, dataLength, tensor.Start, tensorWhere);
        }
    }

    private static (string? Location, long? Offset, long? Length, long At) ReadExternalEntry(ProtobufMessage entry)
    {
        long at = entry.Start;
        string? key = null;
        string? value = null;
        while (entry.Next())
        {
            if (entry.FieldNumber == OnnxLayout.EntryKey)
            {
                key = entry.ReadString(OnnxLayout.MaxNameBytes);
            }
            else if (entry.FieldNumber == OnnxLayout.EntryValue)
            {
                value = entry.ReadString(OnnxLayout.MaxNameBytes);
            }
        }
        return key switch
        {
            "location" => (value, null, null, at),
            "offset" => (null, ParseLong(value), null, at),
            "length" => (null, null, ParseLong(value), at),
            _ => (null, null, null, at),
        };
    }

    private static long? ParseLong(string? text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : null;

    private void AddMalformed(string message, long offset, string where, string? location) => context.Add(new VetFinding
    {
        RuleId = OnnxRules.ExternalMalformed,
        Implies = Verdict.Malformed,
        Severity = Severity.Medium,
        Message = message,
        Evidence = RuleEvidence.Of(("offset", offset), ("where", where), ("location", location)),
    });

    private void JudgeDomains()
    {
        var localDomains = new HashSet<string>(_localFunctions.Select(f => f.Domain), StringComparer.Ordinal);
        foreach (KeyValuePair<(string Domain, string Op), (string Where, long Offset)> op in _customOps)
        {
            if (_localFunctions.Contains(op.Key))
            {
                // A call to a model-local function: its body is in this file and was walked like the main graph.
                continue;
            }
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.CustomDomain,
                Implies = Verdict.Suspicious,
                Severity = Severity.Medium,
                Message = $"Operator {op.Key.Domain}::{op.Key.Op} is not a standard ONNX or ONNX Runtime operator; it needs a custom-operator library (native code) to run.",
                Evidence = RuleEvidence.Of(("offset", op.Value.Offset), ("domain", op.Key.Domain), ("op_type", op.Key.Op), ("where", op.Value.Where)),
            });
        }
        foreach (KeyValuePair<string, long> imported in _importedDomains)
        {
            if (OnnxLayout.StandardDomains.Contains(imported.Key) || localDomains.Contains(imported.Key) || _customOps.Keys.Any(k => k.Domain == imported.Key))
            {
                continue;
            }
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.CustomDomain,
                Implies = Verdict.Suspicious,
                Severity = Severity.Low,
                Message = $"The model imports operator set '{imported.Key}', which is no standard ONNX or ONNX Runtime domain.",
                Evidence = RuleEvidence.Of(("offset", imported.Value), ("domain", imported.Key)),
            });
        }
        if (_customOpsOverflow)
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.LimitReached,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = $"More than {OnnxLayout.MaxCustomOps} distinct custom operators; the rest were not listed.",
            });
        }
    }
}
