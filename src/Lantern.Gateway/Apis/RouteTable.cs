using Microsoft.AspNetCore.Http;

namespace Lantern.Gateway.Apis;

/// <summary>
/// Classifies a request by method and path into an <see cref="ApiRoute"/>. Tables follow gateway.md §1.1
/// (Ollama <c>server/routes.go</c>), §1.3 (OpenAI-compatible), §2.1 (llama-server natives).
/// </summary>
internal static class RouteTable
{
    private static readonly Dictionary<string, ApiRoute> Exact = new(StringComparer.Ordinal)
    {
        // Ollama native (gateway.md §1.1).
        ["/api/generate"] = new(ApiFamily.Ollama, RouteClass.Inference, "generate", true),
        ["/api/chat"] = new(ApiFamily.Ollama, RouteClass.Inference, "chat", true),
        ["/api/embed"] = new(ApiFamily.Ollama, RouteClass.Inference, "embed", true),
        ["/api/embeddings"] = new(ApiFamily.Ollama, RouteClass.Inference, "embeddings", true),
        ["/api/pull"] = new(ApiFamily.Ollama, RouteClass.Management, "pull", true),
        ["/api/push"] = new(ApiFamily.Ollama, RouteClass.Management, "push", true),
        ["/api/create"] = new(ApiFamily.Ollama, RouteClass.Management, "create", true),
        ["/api/copy"] = new(ApiFamily.Ollama, RouteClass.Management, "copy", true),
        ["/api/delete"] = new(ApiFamily.Ollama, RouteClass.Management, "delete", true),
        ["/api/me"] = new(ApiFamily.Ollama, RouteClass.CloudAccount, "me", false),
        ["/api/signout"] = new(ApiFamily.Ollama, RouteClass.CloudAccount, "signout", false),
        ["/api/tags"] = new(ApiFamily.Ollama, RouteClass.Info, "tags", false),
        ["/api/ps"] = new(ApiFamily.Ollama, RouteClass.Info, "ps", false),
        ["/api/show"] = new(ApiFamily.Ollama, RouteClass.Info, "show", true),
        ["/api/version"] = new(ApiFamily.Ollama, RouteClass.Info, "version", false),
        ["/api/status"] = new(ApiFamily.Ollama, RouteClass.Info, "status", false),
        ["/"] = new(ApiFamily.Ollama, RouteClass.Info, "root", false),

        // OpenAI-compatible (gateway.md §1.3, §2.1–2.3).
        ["/v1/chat/completions"] = new(ApiFamily.OpenAi, RouteClass.Inference, "chat.completions", true),
        ["/v1/completions"] = new(ApiFamily.OpenAi, RouteClass.Inference, "completions", true),
        ["/v1/embeddings"] = new(ApiFamily.OpenAi, RouteClass.Inference, "embeddings", true),
        ["/v1/responses"] = new(ApiFamily.OpenAi, RouteClass.Inference, "responses", true),
        ["/v1/models"] = new(ApiFamily.OpenAi, RouteClass.Info, "models", false),
        ["/v1/messages"] = new(ApiFamily.Anthropic, RouteClass.Inference, "messages", true),
        ["/v1/messages/count_tokens"] = new(ApiFamily.Anthropic, RouteClass.Inference, "messages.count_tokens", true),
        ["/v1/health"] = new(ApiFamily.LlamaServer, RouteClass.Info, "health", false),

        // llama-server natives (gateway.md §2.1).
        ["/completion"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "completion", true),
        ["/completions"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "completion", true),
        ["/infill"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "infill", true),
        ["/embedding"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "embedding", true),
        ["/embeddings"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "embedding", true),
        ["/reranking"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "reranking", true),
        ["/tokenize"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "tokenize", true),
        ["/detokenize"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "detokenize", true),
        ["/apply-template"] = new(ApiFamily.LlamaServer, RouteClass.Inference, "apply-template", true),
        ["/health"] = new(ApiFamily.LlamaServer, RouteClass.Info, "health", false),
        ["/metrics"] = new(ApiFamily.LlamaServer, RouteClass.Info, "metrics", false),
    };

    private static readonly ApiRoute Blobs = new(ApiFamily.Ollama, RouteClass.Management, "blobs", false);
    private static readonly ApiRoute BlobCheck = new(ApiFamily.Ollama, RouteClass.Info, "blobs.check", false);
    private static readonly ApiRoute Experimental = new(ApiFamily.Ollama, RouteClass.CloudAccount, "experimental", false);
    private static readonly ApiRoute UserKeys = new(ApiFamily.Ollama, RouteClass.CloudAccount, "user.keys", false);
    private static readonly ApiRoute Model = new(ApiFamily.OpenAi, RouteClass.Info, "models.get", false);
    private static readonly ApiRoute PropsRead = new(ApiFamily.LlamaServer, RouteClass.Info, "props", false);
    private static readonly ApiRoute PropsWrite = new(ApiFamily.LlamaServer, RouteClass.Management, "props.write", false);
    private static readonly ApiRoute SlotsRead = new(ApiFamily.LlamaServer, RouteClass.Info, "slots", false);
    private static readonly ApiRoute SlotsWrite = new(ApiFamily.LlamaServer, RouteClass.Management, "slots.action", false);
    private static readonly ApiRoute LoraRead = new(ApiFamily.LlamaServer, RouteClass.Info, "lora-adapters", false);
    private static readonly ApiRoute LoraWrite = new(ApiFamily.LlamaServer, RouteClass.Management, "lora-adapters.write", false);
    private static readonly ApiRoute RouterModels = new(ApiFamily.LlamaServer, RouteClass.Management, "models.load", false);
    private static readonly ApiRoute UnknownOllama = new(ApiFamily.Ollama, RouteClass.Other, "other", false);
    private static readonly ApiRoute UnknownOpenAi = new(ApiFamily.OpenAi, RouteClass.Other, "other", false);
    private static readonly ApiRoute Unknown = new(ApiFamily.Unknown, RouteClass.Other, "other", false);

    public static ApiRoute Classify(string method, string path)
    {
        bool read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (Exact.TryGetValue(path, out ApiRoute? route))
        {
            // /api/show and the OpenAI GETs are info whatever the method; a write to an info GET route is still info.
            return route;
        }
        if (path.StartsWith("/api/blobs/", StringComparison.Ordinal))
        {
            // HEAD checks whether a blob exists; POST uploads one (gateway.md §1.1).
            return HttpMethods.IsHead(method) ? BlobCheck : Blobs;
        }
        if (path.StartsWith("/api/experimental/", StringComparison.Ordinal))
        {
            return Experimental;
        }
        if (path.StartsWith("/api/user/", StringComparison.Ordinal))
        {
            return UserKeys;
        }
        if (path.StartsWith("/v1/models/", StringComparison.Ordinal))
        {
            return Model;
        }
        if (path == "/props")
        {
            return read ? PropsRead : PropsWrite;
        }
        if (path == "/slots" || path.StartsWith("/slots/", StringComparison.Ordinal))
        {
            return read ? SlotsRead : SlotsWrite;
        }
        if (path == "/lora-adapters")
        {
            return read ? LoraRead : LoraWrite;
        }
        if (path.StartsWith("/models", StringComparison.Ordinal))
        {
            // llama-server router mode: GET /models lists, POST /models/load|unload changes what is served.
            return read ? new ApiRoute(ApiFamily.LlamaServer, RouteClass.Info, "models.router", false) : RouterModels;
        }
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return UnknownOllama;
        }
        return path.StartsWith("/v1/", StringComparison.Ordinal) ? UnknownOpenAi : Unknown;
    }
}
