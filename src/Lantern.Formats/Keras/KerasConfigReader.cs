using System.Text.Json;

namespace Lantern.Formats.Keras;

/// <summary>
/// One serialized object found anywhere in a Keras config (keras-team/keras <c>src/saving/serialization_lib.py</c>:
/// <c>{"module", "class_name", "config", "registered_name"}</c>; Keras 2 Lambda configs carry <c>function</c>,
/// <c>function_type</c>, <c>module</c>). Data only: nothing is resolved or imported.
/// </summary>
public sealed record KerasObject
{
    /// <summary>JSON path of the object (<c>$.config.layers[3].config.layer</c>).</summary>
    public required string JsonPath { get; init; }

    public string? ClassName { get; init; }

    /// <summary><c>module</c>, or Keras 2's <c>fn_module</c>/<c>function_module</c> when that is what the object has.</summary>
    public string? Module { get; init; }

    public string? RegisteredName { get; init; }

    /// <summary>The named callable: <c>config</c> of a <c>class_name: "function"</c> reference, or a Lambda's string <c>function</c>.</summary>
    public string? FunctionName { get; init; }

    /// <summary>True when marshalled Python bytecode is embedded (<c>__lambda__</c> code, <c>function_type: "lambda"</c>).</summary>
    public bool HasBytecode { get; init; }

    public string? SharedObjectId { get; init; }
}

/// <summary>Limits for <see cref="KerasConfigReader"/>.</summary>
public sealed record KerasConfigReaderOptions
{
    public static KerasConfigReaderOptions Default { get; } = new();

    /// <summary>JSON nesting. Keras configs of deep nested models stay under 64; System.Text.Json's own default is 64.</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>JSON objects visited. A 1,000-layer model has a few tens of thousands.</summary>
    public int MaxObjects { get; init; } = 2_000_000;
}

/// <summary>
/// Reads a Keras config (config.json of a <c>.keras</c> zip, the <c>model_config</c> attribute of an HDF5 model,
/// a keras_metadata.pb node) and lists every serialized object in it, at any depth: layers, wrapped layers
/// (Bidirectional, TimeDistributed), nested Functional/Sequential models, initializers, activations, function
/// references. The walk uses an explicit stack; JSON depth is bounded by the parser.
/// </summary>
public static class KerasConfigReader
{
    public static IReadOnlyList<KerasObject> Read(ReadOnlyMemory<byte> utf8Json, KerasConfigReaderOptions? options = null)
    {
        options ??= KerasConfigReaderOptions.Default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = options.MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException("keras.invalid-json", ex.BytePositionInLine ?? 0, $"The Keras config is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }
        using (document)
        {
            return Walk(document.RootElement, options);
        }
    }

    private static List<KerasObject> Walk(JsonElement root, KerasConfigReaderOptions options)
    {
        var found = new List<KerasObject>();
        var stack = new Stack<(JsonElement Element, string Path)>();
        stack.Push((root, "$"));
        int visited = 0;
        while (stack.Count > 0)
        {
            (JsonElement element, string path) = stack.Pop();
            if (element.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        stack.Push((item, $"{path}[{i}]"));
                    }
                    i++;
                }
                continue;
            }
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            visited++;
            if (visited > options.MaxObjects)
            {
                throw new ModelFormatException("keras.limit.objects", 0, $"The Keras config has more than {options.MaxObjects} objects.");
            }
            if (Describe(element, path) is { } described)
            {
                found.Add(described);
            }
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    stack.Push((property.Value, $"{path}.{property.Name}"));
                }
            }
        }
        return found;
    }

    private static KerasObject? Describe(JsonElement element, string path)
    {
        string? className = Text(element, "class_name");
        string? module = Text(element, "module") ?? Text(element, "fn_module") ?? Text(element, "function_module");
        string? registered = Text(element, "registered_name");
        string? functionType = Text(element, "function_type");
        string? outputShapeType = Text(element, "output_shape_type");
        if (className is null && module is null && registered is null && functionType is null && outputShapeType is null)
        {
            return null;
        }
        string? functionName = null;
        if (className == "function" && element.TryGetProperty("config", out JsonElement config) && config.ValueKind == JsonValueKind.String)
        {
            functionName = config.GetString();
        }
        else if (functionType is not null && element.TryGetProperty("function", out JsonElement function) && function.ValueKind == JsonValueKind.String)
        {
            functionName = function.GetString();
        }
        else if (className is "Lambda" or "TFOpLambda" or "SlicingOpLambda" && element.TryGetProperty("config", out JsonElement layerConfig)
            && layerConfig.ValueKind == JsonValueKind.Object && layerConfig.TryGetProperty("function", out JsonElement named) && named.ValueKind == JsonValueKind.String)
        {
            // tf.keras TFOpLambda names a TF API symbol ("io.read_file"); a Keras 2 Lambda may name a function.
            functionName = named.GetString();
        }
        bool bytecode = className == "__lambda__" || functionType == "lambda" || outputShapeType == "lambda";
        string? shared = element.TryGetProperty("shared_object_id", out JsonElement id) ? id.ToString() : null;
        return new KerasObject
        {
            JsonPath = path,
            ClassName = className,
            Module = module,
            RegisteredName = registered,
            FunctionName = functionName,
            HasBytecode = bytecode,
            SharedObjectId = shared,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
