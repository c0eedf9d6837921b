using System.Text.Json;

namespace Lantern.Testing.Servers;

/// <summary>llama.cpp <c>llama-server</c>: <c>/props</c> with <c>build_info</c>, <c>/health</c>, <c>/v1/models</c> owned by <c>llamacpp</c> (gateway.md §2.1).</summary>
public sealed class FakeLlamaServer(string buildInfo = "b4321-abcdef12", string modelPath = "/models/qwen2.5-0.5b-instruct-q4_k_m.gguf", string? apiKey = null)
    : FakeHttpServer
{
    public string BuildInfo { get; } = buildInfo;
    public string ModelPath { get; } = modelPath;

    protected override FakeResponse? Handle(FakeRequest request)
    {
        // /health never checks the key; the rest does when --api-key is set.
        if (request.Path is "/health" or "/v1/health")
        {
            return FakeResponse.Json("""{"status":"ok"}""");
        }
        if (apiKey is not null && (!request.Headers.TryGetValue("Authorization", out string? auth) || auth != $"Bearer {apiKey}"))
        {
            return FakeResponse.Unauthorized();
        }
        return request.Path switch
        {
            "/props" => FakeResponse.Json(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["default_generation_settings"] = new Dictionary<string, object> { ["n_ctx"] = 4096, ["temperature"] = 0.8 },
                ["total_slots"] = 1,
                ["model_path"] = ModelPath,
                ["chat_template"] = "{% for message in messages %}{{ message.content }}{% endfor %}",
                ["modalities"] = new Dictionary<string, bool> { ["vision"] = false, ["audio"] = false },
                ["build_info"] = BuildInfo,
                ["is_sleeping"] = false,
            })),
            "/v1/models" => FakeResponse.Json(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["object"] = "list",
                ["data"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["id"] = ModelPath, ["object"] = "model", ["created"] = 1_759_220_937, ["owned_by"] = "llamacpp",
                        ["meta"] = new Dictionary<string, object> { ["n_params"] = 494_032_768, ["size"] = 397_808_192 },
                    },
                },
            })),
            _ => new FakeResponse(404, """{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}"""),
        };
    }
}
