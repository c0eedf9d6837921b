using System.Text.Json;

namespace Lantern.Testing.Servers;

/// <summary>
/// KoboldCpp: <c>/api/extra/version</c> names it, and it also emulates Ollama (<c>/api/version</c>,
/// <c>/api/tags</c>), llama.cpp (<c>/props</c>) and OpenAI (<c>/v1/models</c>) — the reason probes check it first
/// (discovery.md §3).
/// </summary>
public sealed class FakeKoboldCppServer(string version = "1.98.1", string model = "koboldcpp/Mistral-7B-Instruct-v0.3.Q4_K_M") : FakeHttpServer
{
    public string Version { get; } = version;

    protected override FakeResponse? Handle(FakeRequest request) => request.Path switch
    {
        "/api/extra/version" => FakeResponse.Json(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["result"] = "KoboldCpp", ["version"] = Version, ["protected"] = false, ["txt2img"] = false,
        })),
        "/" => new FakeResponse(200, "<!DOCTYPE html><html><head><title>KoboldAI Lite</title></head><body></body></html>", "text/html"),
        // Its Ollama emulation even says it is running Ollama.
        "/api/version" => FakeResponse.Json("""{"version":"0.6.4"}"""),
        "/api/tags" => FakeResponse.Json(FakeOllamaServer.Tags([new FakeOllamaModel(model, new string('0', 64))])),
        "/props" => FakeResponse.Json("""{"build_info":"b0-koboldcpp","total_slots":1,"chat_template":""}"""),
        "/v1/models" => FakeResponse.Json(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["object"] = "list",
            ["data"] = new[] { new Dictionary<string, object> { ["id"] = model, ["object"] = "model", ["created"] = 1, ["owned_by"] = "koboldcpp" } },
        })),
        _ => null,
    };
}
