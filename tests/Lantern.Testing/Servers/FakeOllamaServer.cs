using System.Globalization;
using System.Text.Json;

namespace Lantern.Testing.Servers;

/// <summary>A model as Ollama lists it in <c>/api/tags</c> and <c>/api/ps</c> (gateway.md §1.1, §1.4).</summary>
public sealed record FakeOllamaModel(string Name, string Digest, long Size = 1_321_098_329, string Family = "llama",
    string ParameterSize = "1.2B", string QuantizationLevel = "Q8_0");

/// <summary>Ollama's HTTP API as far as discovery reads it: <c>/</c>, <c>/api/version</c>, <c>/api/tags</c>, <c>/api/ps</c>, <c>/v1/models</c>.</summary>
public sealed class FakeOllamaServer : FakeHttpServer
{
    public FakeOllamaServer(string version = "0.12.3", IReadOnlyList<FakeOllamaModel>? models = null, IReadOnlyList<FakeOllamaModel>? loaded = null)
    {
        Version = version;
        Models = models ?? [new FakeOllamaModel("llama3.2:1b", "baf6a787fdffd633537aa2eb51cfd54cb93ff08e28040095462bb63daf552878")];
        Loaded = loaded ?? [];
    }

    public string Version { get; }
    public IReadOnlyList<FakeOllamaModel> Models { get; }
    public IReadOnlyList<FakeOllamaModel> Loaded { get; }

    protected override FakeResponse? Handle(FakeRequest request) => request.Path switch
    {
        "/" => FakeResponse.Text("Ollama is running"),
        "/api/version" => FakeResponse.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["version"] = Version })),
        "/api/tags" => FakeResponse.Json(Tags(Models)),
        "/api/ps" => FakeResponse.Json(Ps(Loaded)),
        "/v1/models" => FakeResponse.Json(OpenAiModels(Models)),
        _ => null,
    };

    internal static string Tags(IReadOnlyList<FakeOllamaModel> models)
    {
        var list = models.Select(m => new Dictionary<string, object?>
        {
            ["name"] = m.Name,
            ["model"] = m.Name,
            ["modified_at"] = "2025-09-30T10:28:57.106347+02:00",
            ["size"] = m.Size,
            ["digest"] = m.Digest,
            ["details"] = Details(m),
        });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["models"] = list });
    }

    internal static string Ps(IReadOnlyList<FakeOllamaModel> models)
    {
        var list = models.Select(m => new Dictionary<string, object?>
        {
            ["name"] = m.Name,
            ["model"] = m.Name,
            ["size"] = m.Size,
            ["digest"] = m.Digest,
            ["details"] = Details(m),
            ["expires_at"] = "2025-09-30T10:33:57.106347+02:00",
            ["size_vram"] = m.Size,
            ["context_length"] = 4096,
        });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["models"] = list });
    }

    internal static string OpenAiModels(IReadOnlyList<FakeOllamaModel> models)
    {
        var data = models.Select(m => new Dictionary<string, object>
        {
            ["id"] = m.Name,
            ["object"] = "model",
            ["created"] = 1_759_220_937,
            // Ollama's owned_by is the model namespace, "library" by default (gateway.md §1.3).
            ["owned_by"] = "library",
        });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["object"] = "list", ["data"] = data });
    }

    private static Dictionary<string, object> Details(FakeOllamaModel m) => new()
    {
        ["parent_model"] = string.Empty,
        ["format"] = "gguf",
        ["family"] = m.Family,
        ["families"] = new[] { m.Family },
        ["parameter_size"] = m.ParameterSize,
        ["quantization_level"] = m.QuantizationLevel,
    };

    /// <summary>The JSON of <c>/api/version</c> for a given version, for tests that assert the wire shape.</summary>
    public static string VersionJson(string version) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"version":"{{version}}"}""");
}
