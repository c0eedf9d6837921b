namespace Lantern.Gateway.Apis;

/// <summary>Which API a route belongs to; picks the request parser, the stream format and the error shape.</summary>
public enum ApiFamily
{
    /// <summary>Ollama native <c>/api/*</c> (gateway.md §1.1).</summary>
    Ollama,

    /// <summary>OpenAI-compatible <c>/v1/*</c> (Ollama, llama-server, LM Studio, vLLM).</summary>
    OpenAi,

    /// <summary>Anthropic-compatible <c>/v1/messages</c>.</summary>
    Anthropic,

    /// <summary>llama.cpp <c>llama-server</c> natives (gateway.md §2.1).</summary>
    LlamaServer,

    /// <summary>A route the gateway does not know.</summary>
    Unknown,
}

/// <summary>What a route does, which is what policy gates (gateway.md §1.1 "Gate by class").</summary>
public enum RouteClass
{
    /// <summary>Runs a model over a prompt: generate, chat, embed, <c>/v1/*</c> completions.</summary>
    Inference,

    /// <summary>Changes the model store (supply chain): pull, push, create, copy, delete, blobs, slot/props writes.</summary>
    Management,

    /// <summary>ollama.com account and cloud tools: me, signout, user keys, experimental.</summary>
    CloudAccount,

    /// <summary>Read-only information: tags, ps, show, version, <c>/</c>, models, props, health.</summary>
    Info,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>The kind of server behind the gateway.</summary>
public enum UpstreamKind
{
    /// <summary>Detect from the upstream's own routes on first use.</summary>
    Auto,

    /// <summary>Ollama (native and OpenAI-compatible routes).</summary>
    Ollama,

    /// <summary>An OpenAI-compatible server: llama-server, LM Studio, vLLM.</summary>
    OpenAi,
}

/// <summary>A classified route.</summary>
/// <param name="Api">API family, for parsing and error shapes.</param>
/// <param name="Class">Route class, for policy.</param>
/// <param name="Operation">Stable operation name used in records and metrics.</param>
/// <param name="HasJsonBody">The request body is JSON the gateway reads (model, stream flag, texts).</param>
public sealed record ApiRoute(ApiFamily Api, RouteClass Class, string Operation, bool HasJsonBody)
{
    /// <summary>Error shape for gateway-made answers: Ollama native routes use Ollama's, the rest OpenAI's or Anthropic's.</summary>
    public ErrorShape ErrorShape => Api switch
    {
        ApiFamily.Ollama => ErrorShape.Ollama,
        ApiFamily.Anthropic => ErrorShape.Anthropic,
        _ => ErrorShape.OpenAi,
    };

    /// <summary>True for the OpenAI routes whose streams carry usage only when asked (gateway.md §1.3).</summary>
    public bool SupportsIncludeUsage => Api == ApiFamily.OpenAi && Operation is "chat.completions" or "completions";
}
