using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Lantern.Gateway.Apis;

/// <summary>What the gateway reads from a JSON request body: model, stream flag, texts to classify, usage option.</summary>
internal sealed record InferenceRequest
{
    public static readonly InferenceRequest Empty = new();

    public string? Model { get; init; }

    /// <summary>Whether the response will stream (API default applied).</summary>
    public bool Stream { get; init; }

    /// <summary>Prompt, messages (every text part), system, template, suffix, input and instructions texts.</summary>
    public IReadOnlyList<string> Texts { get; init; } = [];

    /// <summary>The texts were cut at <see cref="RequestReader.MaxTextChars"/>.</summary>
    public bool TextsTruncated { get; init; }

    /// <summary><c>stream_options.include_usage</c> was true in the request.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>Ollama <c>system</c>, <c>template</c> or <c>raw</c> override the model's prompt (gateway.md §1.2).</summary>
    public bool PromptOverride { get; init; }

    /// <summary>Other model names the call touches: <c>copy</c> source/destination, <c>pull</c>/<c>delete</c> name.</summary>
    public IReadOnlyList<string> TargetModels { get; init; } = [];

    /// <summary>The body was not a JSON object; it is forwarded unchanged for the upstream to reject.</summary>
    public bool Malformed { get; init; }
}

/// <summary>
/// Reads <see cref="InferenceRequest"/> from a request body with System.Text.Json, depth-capped at 64
/// (the body itself is capped by <c>GatewayOptions.MaxRequestBodyBytes</c>). The walk over the document uses
/// an explicit stack, never recursion on input depth (STYLE.md "Hostile input").
/// </summary>
internal static class RequestReader
{
    /// <summary>JSON nesting accepted; chat payloads nest 5–6 levels, tools schemas a few more.</summary>
    public const int MaxDepth = 64;

    /// <summary>Texts handed to the classifier are cut at 4 Mi chars in total; the remainder is noted as truncated.</summary>
    public const int MaxTextChars = 4 * 1024 * 1024;

    /// <summary>Properties whose string values (directly or in arrays/parts below them) are prompt text.</summary>
    private static readonly HashSet<string> TextKeys = new(StringComparer.Ordinal)
    {
        "prompt", "system", "template", "suffix", "content", "text", "input", "instructions", "input_text",
    };

    /// <summary>Subtrees that never hold prompt text (images, tool schemas, options).</summary>
    private static readonly HashSet<string> SkippedKeys = new(StringComparer.Ordinal)
    {
        "images", "image_url", "input_audio", "options", "format", "response_format", "tools", "functions", "parameters", "logit_bias",
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static InferenceRequest Read(ApiRoute route, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            return new InferenceRequest { Malformed = true, Stream = DefaultStream(route) };
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new InferenceRequest { Malformed = true, Stream = DefaultStream(route) };
            }
            string? model = String(root, "model") ?? String(root, "name");
            bool stream = root.TryGetProperty("stream", out JsonElement s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? s.GetBoolean()
                : DefaultStream(route);
            bool includeUsage = root.TryGetProperty("stream_options", out JsonElement so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out JsonElement iu) && iu.ValueKind == JsonValueKind.True;
            bool promptOverride = route.Api == ApiFamily.Ollama
                && (HasNonEmpty(root, "system") || HasNonEmpty(root, "template") || (root.TryGetProperty("raw", out JsonElement raw) && raw.ValueKind == JsonValueKind.True));
            var targets = new List<string>();
            foreach (string key in (ReadOnlySpan<string>)["source", "destination", "from"])
            {
                if (String(root, key) is { } target)
                {
                    targets.Add(target);
                }
            }
            (List<string> texts, bool truncated) = CollectTexts(root);
            return new InferenceRequest
            {
                Model = model,
                Stream = stream,
                IncludeUsage = includeUsage,
                PromptOverride = promptOverride,
                Texts = texts,
                TextsTruncated = truncated,
                TargetModels = targets,
            };
        }
    }

    /// <summary>Ollama streams generate, chat, pull, push and create by default; OpenAI and llama-server do not (gateway.md §1.2, §1.3).</summary>
    private static bool DefaultStream(ApiRoute route) =>
        route.Api == ApiFamily.Ollama && route.Operation is "generate" or "chat" or "pull" or "push" or "create";

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? SafeString(value) : null;

    private static bool HasNonEmpty(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && SafeString(value).Length > 0;

    /// <summary>
    /// A string value; one whose escapes decode to invalid UTF-16 (a lone surrogate, found by fuzzing) is taken from its
    /// raw bytes with replacement characters, so a crafted body is classified and recorded instead of failing the call.
    /// </summary>
    private static string SafeName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            // A property name that is not valid UTF-8 (found by fuzzing) names no text key Lantern knows.
            return System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property));
        }
    }

    private static string SafeString(JsonElement element)
    {
        try
        {
            return element.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element));
        }
    }

    /// <summary>Iterative walk: a string is prompt text when the nearest property name above it is a text key.</summary>
    private static (List<string> Texts, bool Truncated) CollectTexts(JsonElement root)
    {
        var texts = new List<string>();
        long total = 0;
        bool truncated = false;
        var stack = new Stack<(JsonElement Element, bool InText)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            (JsonElement element, bool inText) = stack.Pop();
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    // Push in reverse so that texts come out in document order.
                    var members = new List<JsonProperty>();
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        members.Add(property);
                    }
                    for (int i = members.Count - 1; i >= 0; i--)
                    {
                        string name = SafeName(members[i]);
                        if (SkippedKeys.Contains(name))
                        {
                            continue;
                        }
                        stack.Push((members[i].Value, TextKeys.Contains(name)));
                    }
                    break;
                case JsonValueKind.Array:
                    int count = element.GetArrayLength();
                    for (int i = count - 1; i >= 0; i--)
                    {
                        stack.Push((element[i], inText));
                    }
                    break;
                case JsonValueKind.String when inText:
                    string text = SafeString(element);
                    if (text.Length == 0)
                    {
                        break;
                    }
                    if (total + text.Length > MaxTextChars)
                    {
                        truncated = true;
                        int room = (int)(MaxTextChars - total);
                        if (room > 0)
                        {
                            texts.Add(text[..room]);
                            total += room;
                        }
                        break;
                    }
                    texts.Add(text);
                    total += text.Length;
                    break;
                default:
                    break;
            }
        }
        return (texts, truncated);
    }

    /// <summary>
    /// Returns the body with <c>stream_options.include_usage</c> set to true, keeping every other member
    /// (and any other <c>stream_options</c> member) as it was (gateway.md §1.3 design note).
    /// </summary>
    public static byte[] WithIncludeUsage(ReadOnlyMemory<byte> body)
    {
        using JsonDocument document = JsonDocument.Parse(body, DocumentOptions);
        var output = new ArrayBufferWriter<byte>(body.Length + 48);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            bool wroteOptions = false;
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("stream_options"))
                {
                    WriteStreamOptions(writer, property.Value);
                    wroteOptions = true;
                    continue;
                }
                property.WriteTo(writer);
            }
            if (!wroteOptions)
            {
                WriteStreamOptions(writer, default);
            }
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    private static void WriteStreamOptions(Utf8JsonWriter writer, JsonElement existing)
    {
        writer.WriteStartObject("stream_options");
        if (existing.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty option in existing.EnumerateObject())
            {
                if (!option.NameEquals("include_usage"))
                {
                    option.WriteTo(writer);
                }
            }
        }
        writer.WriteBoolean("include_usage", true);
        writer.WriteEndObject();
    }

    /// <summary>For tests and records: the texts joined as one UTF-8 string.</summary>
    public static string Join(IReadOnlyList<string> texts) => string.Join('\n', texts);

    internal static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);
}
