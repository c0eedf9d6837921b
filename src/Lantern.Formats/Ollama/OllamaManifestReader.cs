using System.Text.Json;

namespace Lantern.Formats.Ollama;

/// <summary>Parses <c>&lt;models&gt;/manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt;</c> files.</summary>
public static class OllamaManifestReader
{
    public static OllamaManifest Parse(ReadOnlySpan<byte> json, OllamaReaderOptions? options = null)
    {
        options ??= OllamaReaderOptions.Default;
        using JsonDocument document = OllamaJson.ParseObject(json, options, "ollama.manifest");
        JsonElement root = document.RootElement;

        if (!root.TryGetProperty("schemaVersion", out JsonElement schema) || schema.ValueKind != JsonValueKind.Number || !schema.TryGetInt32(out int schemaVersion))
        {
            throw new ModelFormatException("ollama.manifest-invalid", 0, "schemaVersion is missing or not an integer.");
        }

        OllamaLayer? config = null;
        if (root.TryGetProperty("config", out JsonElement configElement) && configElement.ValueKind != JsonValueKind.Null)
        {
            config = ReadLayer(configElement, options, "config");
        }

        var layers = new List<OllamaLayer>();
        if (root.TryGetProperty("layers", out JsonElement layersElement) && layersElement.ValueKind != JsonValueKind.Null)
        {
            if (layersElement.ValueKind != JsonValueKind.Array)
            {
                throw new ModelFormatException("ollama.manifest-invalid", 0, "layers is not an array.");
            }
            int count = layersElement.GetArrayLength();
            if (count > options.MaxLayers)
            {
                throw new ModelFormatException("ollama.manifest-layers-over-limit", 0, $"The manifest has {count} layers; the limit is {options.MaxLayers}.");
            }
            foreach (JsonElement layer in layersElement.EnumerateArray())
            {
                layers.Add(ReadLayer(layer, options, "layer"));
            }
        }

        return new OllamaManifest
        {
            SchemaVersion = schemaVersion,
            MediaType = OllamaJson.String(root, "mediaType", options),
            Config = config,
            Layers = layers,
        };
    }

    private static OllamaLayer ReadLayer(JsonElement element, OllamaReaderOptions options, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException("ollama.manifest-invalid", 0, $"A {what} is not an object.");
        }
        string? mediaType = OllamaJson.String(element, "mediaType", options);
        string? digest = OllamaJson.String(element, "digest", options);
        if (mediaType is null || digest is null)
        {
            throw new ModelFormatException("ollama.manifest-invalid", 0, $"A {what} lacks mediaType or digest.");
        }
        long size = 0;
        if (element.TryGetProperty("size", out JsonElement sizeElement)
            && (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out size) || size < 0))
        {
            throw new ModelFormatException("ollama.manifest-invalid", 0, $"A {what} size is not a non-negative integer.");
        }
        return new OllamaLayer
        {
            MediaType = mediaType,
            Digest = digest,
            DigestHex = OllamaDigest.TryParse(digest, out string hex) ? hex : null,
            Size = size,
            From = OllamaJson.String(element, "from", options),
            Name = OllamaJson.String(element, "name", options),
        };
    }
}
