using System.Text.Json;

namespace Lantern.Testing.Servers;

/// <summary>vLLM's OpenAI server: <c>/version</c>, <c>/health</c>, <c>/v1/models</c> owned by <c>vllm</c>; <c>--api-key</c> guards <c>/v1</c> only (gateway.md §2.3).</summary>
public sealed class FakeVllmServer(string version = "0.11.0", string model = "Qwen/Qwen2.5-0.5B-Instruct", string? apiKey = null) : FakeHttpServer
{
    public string Version { get; } = version;
    public string Model { get; } = model;

    protected override FakeResponse? Handle(FakeRequest request)
    {
        if (request.Path.StartsWith("/v1/", StringComparison.Ordinal) && apiKey is not null
            && (!request.Headers.TryGetValue("Authorization", out string? auth) || auth != $"Bearer {apiKey}"))
        {
            return new FakeResponse(401, """{"error":"Unauthorized"}""");
        }
        return request.Path switch
        {
            "/version" => FakeResponse.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["version"] = Version })),
            "/health" => new FakeResponse(200, string.Empty, "text/plain"),
            "/v1/models" => FakeResponse.Json(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["object"] = "list",
                ["data"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["id"] = Model, ["object"] = "model", ["created"] = 1_759_220_937, ["owned_by"] = "vllm",
                        ["root"] = Model, ["parent"] = null, ["max_model_len"] = 32768,
                    },
                },
            })),
            _ => new FakeResponse(404, """{"detail":"Not Found"}"""),
        };
    }
}
