using Lantern.Testing.Fixtures;

namespace Lantern.Vetting.Tests.Frameworks;

/// <summary>ONNX ModelProto fixtures written field by field (onnx/onnx onnx.proto field numbers).</summary>
internal static class OnnxFixtures
{
    /// <summary>ir_version 8, producer, the graph, opset "" 17, then extra model fields.</summary>
    public static byte[] Model(Action<ProtobufWriter> graph, Action<ProtobufWriter>? extra = null)
    {
        var model = new ProtobufWriter()
            .Varint(1, 8)
            .Text(2, "lantern-test")
            .Message(7, graph)
            .Message(8, o => o.Text(1, string.Empty).Varint(2, 17));
        extra?.Invoke(model);
        return model.ToArray();
    }

    public static Action<ProtobufWriter> Graph(params Action<ProtobufWriter>[] parts) => g =>
    {
        g.Text(2, "main");
        foreach (Action<ProtobufWriter> part in parts)
        {
            part(g);
        }
    };

    /// <summary>A node (GraphProto.node = 1 / FunctionProto.node = 7) with op_type, domain and attributes.</summary>
    public static Action<ProtobufWriter> Node(string opType, string domain = "", int field = 1, params Action<ProtobufWriter>[] attributes) => g =>
        g.Message(field, n =>
        {
            n.Text(1, "x").Text(2, "y").Text(3, opType.ToLowerInvariant() + "_0").Text(4, opType);
            foreach (Action<ProtobufWriter> attribute in attributes)
            {
                n.Message(5, attribute);
            }
            if (domain.Length > 0)
            {
                n.Text(7, domain);
            }
        });

    /// <summary>AttributeProto holding a subgraph (g = 6), as If/Loop/Scan carry their branches and bodies.</summary>
    public static Action<ProtobufWriter> GraphAttribute(string name, params Action<ProtobufWriter>[] graphParts) => a =>
        a.Text(1, name).Message(6, Graph(graphParts)).Varint(20, 5);

    /// <summary>AttributeProto with a list of subgraphs (graphs = 11).</summary>
    public static Action<ProtobufWriter> GraphsAttribute(string name, params Action<ProtobufWriter>[] graphParts) => a =>
        a.Text(1, name).Message(11, Graph(graphParts)).Varint(20, 10);

    /// <summary>AttributeProto holding a tensor (t = 5), as Constant carries its value.</summary>
    public static Action<ProtobufWriter> TensorAttribute(string name, Action<ProtobufWriter> tensor) => a =>
        a.Text(1, name).Message(5, tensor).Varint(20, 4);

    /// <summary>TensorProto with inline raw_data (field 9).</summary>
    public static Action<ProtobufWriter> RawTensor(string name, int bytes) => t =>
        t.Varint(1, (ulong)(bytes / 4)).Varint(2, 1).Text(8, name).Bytes(9, new byte[bytes]);

    /// <summary>TensorProto with data_location EXTERNAL (14 = 1) and external_data entries (13: key 1, value 2).</summary>
    public static Action<ProtobufWriter> ExternalTensor(string name, string? location, long offset = 0, long length = 16) => t =>
    {
        t.Varint(1, (ulong)(length / 4)).Varint(2, 1).Text(8, name);
        if (location is not null)
        {
            t.Message(13, e => e.Text(1, "location").Text(2, location));
        }
        t.Message(13, e => e.Text(1, "offset").Text(2, offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        t.Message(13, e => e.Text(1, "length").Text(2, length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        t.Varint(14, 1);
    };

    public static Action<ProtobufWriter> Initializer(Action<ProtobufWriter> tensor) => g => g.Message(5, tensor);

    /// <summary>SparseTensorProto initializer (GraphProto field 15; values = 1, indices = 2).</summary>
    public static Action<ProtobufWriter> SparseInitializer(Action<ProtobufWriter> values) => g =>
        g.Message(15, s => s.Message(1, values).Message(2, RawTensor("idx", 8)));

    /// <summary>A model-local FunctionProto (ModelProto field 25): name 1, node 7, opset_import 9, domain 10.</summary>
    public static Action<ProtobufWriter> Function(string domain, string name, params Action<ProtobufWriter>[] nodes) => m =>
        m.Message(25, f =>
        {
            f.Text(1, name).Text(4, "x").Text(5, "y");
            foreach (Action<ProtobufWriter> node in nodes)
            {
                node(f);
            }
            f.Message(9, o => o.Text(1, string.Empty).Varint(2, 17)).Text(10, domain);
        });
}
