using System.Text.Json;

namespace Lantern.Formats.Ollama;

/// <summary>
/// Parses a manifest's config blob. Fields of an unexpected JSON type read as absent (Ollama adds and retypes fields
/// between versions); input that is not a JSON object, or over the limits, throws.
/// </summary>
public static class OllamaConfigReader
{
    public static OllamaModelConfig Parse(ReadOnlySpan<byte> json, OllamaReaderOptions? options = null)
    {
        options ??= OllamaReaderOptions.Default;
        using JsonDocument document = OllamaJson.ParseObject(json, options, "ollama.config");
        JsonElement root = document.RootElement;
        long? contextLength = root.TryGetProperty("context_length", out JsonElement ctx)
            && ctx.ValueKind == JsonValueKind.Number && ctx.TryGetInt64(out long c) ? c : null;
        return new OllamaModelConfig
        {
            ModelFormat = OllamaJson.String(root, "model_format", options),
            ModelFamily = OllamaJson.String(root, "model_family", options),
            ModelFamilies = OllamaJson.StringList(root, "model_families", options),
            ModelType = OllamaJson.String(root, "model_type", options),
            FileType = OllamaJson.String(root, "file_type", options),
            Architecture = OllamaJson.String(root, "architecture", options),
            RemoteHost = OllamaJson.String(root, "remote_host", options),
            RemoteModel = OllamaJson.String(root, "remote_model", options),
            Requires = OllamaJson.String(root, "requires", options),
            ContextLength = contextLength,
            Capabilities = OllamaJson.StringList(root, "capabilities", options),
            Renderer = OllamaJson.String(root, "renderer", options),
            Parser = OllamaJson.String(root, "parser", options),
            BaseName = OllamaJson.String(root, "base_name", options),
        };
    }
}
