using System.IO.Compression;
using System.Text;

namespace Lantern.Testing.Fixtures;

/// <summary>
/// Builds Keras 3 configs (keras-team/keras src/saving/serialization_lib.py layout) and <c>.keras</c> zips
/// (config.json, metadata.json, model.weights.h5, extra members) in memory.
/// </summary>
public static class KerasBuilder
{
    /// <summary>A Keras 3 built-in layer object.</summary>
    public static string Layer(string className, string config = "{}", string module = "keras.layers") =>
        $$"""{"module": "{{module}}", "class_name": "{{className}}", "config": {{config}}, "registered_name": null}""";

    /// <summary>A Sequential model holding the layers.</summary>
    public static string Sequential(params string[] layers) =>
        $$"""{"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": [{{string.Join(", ", layers)}}]}, "registered_name": null}""";

    /// <summary>A Functional model holding the layers.</summary>
    public static string Functional(params string[] layers) =>
        $$"""{"module": "keras", "class_name": "Functional", "config": {"name": "functional", "layers": [{{string.Join(", ", layers)}}], "input_layers": [], "output_layers": []}, "registered_name": null}""";

    /// <summary>Dense + Conv2D Sequential model, as Keras 3 writes it (benign control).</summary>
    public static string BenignSequential() => Sequential(
        Layer("InputLayer", """{"batch_shape": [null, 28, 28, 1], "dtype": "float32", "name": "input"}"""),
        Layer("Conv2D", """{"name": "conv", "filters": 8, "kernel_size": [3, 3], "activation": "relu", "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}}"""),
        Layer("Flatten", """{"name": "flatten"}"""),
        Layer("Dense", """{"name": "dense", "units": 10, "activation": "softmax", "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01}, "registered_name": null}}"""));

    /// <summary>Lambda layer with Keras 3 <c>__lambda__</c> marshalled bytecode (base64).</summary>
    public static string LambdaBytecode() => Layer("Lambda",
        """{"name": "lambda", "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMIAAAAdABkAYMBUwApAk4ZZWNobyBwd25lZA==", "defaults": null, "closure": null}}, "arguments": {}}""");

    /// <summary>Keras 2 style Lambda (function_type lambda, function = [base64, defaults, closure]).</summary>
    public static string Keras2LambdaBytecode() =>
        """{"class_name": "Lambda", "config": {"name": "lambda", "function": ["4wEAAAAAAAAAAAAAAAEAAAAD", null, null], "function_type": "lambda", "module": "__main__", "output_shape": null, "output_shape_type": "raw", "arguments": {}}}""";

    /// <summary>A Keras 3 function reference (class_name "function").</summary>
    public static string FunctionReference(string module, string name) =>
        $$"""{"module": "{{module}}", "class_name": "function", "config": "{{name}}", "registered_name": "function"}""";

    /// <summary>Zips config.json (plus metadata.json, optional weights and extra members) as a .keras file.</summary>
    public static byte[] Zip(string configJson, byte[]? weights = null, params (string Name, byte[] Bytes)[] extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "metadata.json", Encoding.UTF8.GetBytes("""{"keras_version": "3.9.0", "date_saved": "2025-01-01@00:00:00"}"""));
            Add(zip, "config.json", Encoding.UTF8.GetBytes(configJson));
            if (weights is not null)
            {
                Add(zip, "model.weights.h5", weights);
            }
            foreach ((string name, byte[] bytes) in extra)
            {
                Add(zip, name, bytes);
            }
        }
        return ms.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using Stream s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        s.Write(bytes);
    }
}
