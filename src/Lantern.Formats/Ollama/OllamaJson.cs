using System.Text.Json;

namespace Lantern.Formats.Ollama;

/// <summary>Shared bounded JSON parsing for the Ollama readers.</summary>
internal static class OllamaJson
{
    public static JsonDocument ParseObject(ReadOnlySpan<byte> json, OllamaReaderOptions options, string codePrefix)
    {
        if (json.Length > options.MaxInputBytes)
        {
            throw new ModelFormatException(codePrefix + "-over-limit", 0, $"The input is {json.Length} bytes; the limit is {options.MaxInputBytes}.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = options.MaxDepth });
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(codePrefix + "-invalid-json", e.BytePositionInLine ?? 0, $"The input is not valid JSON: {e.Message}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new ModelFormatException(codePrefix + "-not-object", 0, "The JSON root is not an object.");
        }
        return document;
    }

    public static string? String(JsonElement parent, string name, OllamaReaderOptions options) =>
        parent.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? Bound(Text(e), options) : null;

    /// <summary>GetString throws InvalidOperationException for invalid UTF-8 inside a string; that is malformed input.</summary>
    private static string Text(JsonElement e)
    {
        try
        {
            return e.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new ModelFormatException("ollama.invalid-utf8", 0, $"A JSON string is not valid UTF-8: {ex.Message}");
        }
    }

    public static string? Bound(string? s, OllamaReaderOptions options) =>
        s is null || s.Length <= options.MaxStringLength ? s : s[..options.MaxStringLength];

    public static IReadOnlyList<string> StringList(JsonElement parent, string name, OllamaReaderOptions options)
    {
        if (!parent.TryGetProperty(name, out JsonElement e) || e.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var list = new List<string>();
        foreach (JsonElement item in e.EnumerateArray())
        {
            if (list.Count >= options.MaxListElements)
            {
                break;
            }
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(Bound(Text(item), options)!);
            }
        }
        return list;
    }
}
