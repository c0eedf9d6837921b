using Lantern.Testing.Servers;

namespace Lantern.EndToEnd.Tests.Gateway;

/// <summary>An Ollama-speaking upstream with one approved and one unapproved model, and the policy that approves the first.</summary>
internal static class GatewayUpstream
{
    public const string GoodDigest = "6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa";
    public const string EvilDigest = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
    private const string ManifestDigest = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72";

    public const string Policy = """
        apiVersion: lantern/v1
        kind: LocalAiPolicy
        metadata: { name: E2E gateway policy, owner: QA, version: "1.0" }
        classifications: [Public, Internal, Confidential, Restricted]
        models:
          - name: llama3.2:latest
            digests: [ "sha256:6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa" ]
            status: approved
            owner: QA
            validation: QA-1
            reviewBy: 2099-01-01
        gateway:
          capture: metadata

        """;

    public static readonly string[] ChatStream =
    [
        """{"model":"llama3.2","created_at":"2025-10-01T10:00:00.000000Z","message":{"role":"assistant","content":"Hel"},"done":false}""",
        """{"model":"llama3.2","created_at":"2025-10-01T10:00:00.100000Z","message":{"role":"assistant","content":"lo \u00e9!"},"done":false}""",
        """{"model":"llama3.2","created_at":"2025-10-01T10:00:00.200000Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":26,"eval_count":3}""",
    ];

    public static readonly string[] OpenAiStream =
    [
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"llama3.2\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"llama3.2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"llama3.2\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n",
        "data: [DONE]\n\n",
    ];

    public const string ChatJson = """{"model":"llama3.2","created_at":"2025-10-01T10:00:00Z","message":{"role":"assistant","content":"ok"},"done_reason":"stop","done":true,"prompt_eval_count":4,"eval_count":1}""";

    public static UpstreamReply Handle(UpstreamRequest request, TimeSpan chunkDelay = default)
    {
        switch (request.Path)
        {
            case "/api/tags":
                return UpstreamReply.Json("{\"models\":[" + Tag("llama3.2:latest") + "," + Tag("evil:latest") + "]}");
            case "/api/show":
                string digest = request.BodyText.Contains("evil", StringComparison.Ordinal) ? EvilDigest : GoodDigest;
                return UpstreamReply.Json("{\"modelfile\":\"FROM /root/.ollama/models/blobs/sha256-" + digest + "\\n\",\"details\":{\"format\":\"gguf\"},\"remote_host\":\"\"}");
            case "/api/chat" when request.BodyText.Contains("\"stream\":false", StringComparison.Ordinal):
                return UpstreamReply.Json(ChatJson);
            case "/api/chat":
                return new UpstreamReply(200, "application/x-ndjson", [.. ChatStream.Select(l => new UpstreamChunk(l + "\n", chunkDelay))]);
            case "/v1/chat/completions":
                return new UpstreamReply(200, "text/event-stream", [.. OpenAiStream.Select(e => new UpstreamChunk(e, chunkDelay))]);
            default:
                return UpstreamReply.Json("{\"error\":\"not found\"}", 404);
        }
    }

    private static string Tag(string name) =>
        "{\"name\":\"" + name + "\",\"model\":\"" + name + "\",\"size\":1,\"digest\":\"" + ManifestDigest + "\",\"details\":{\"format\":\"gguf\"}}";
}
