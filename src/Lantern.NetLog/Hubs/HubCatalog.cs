namespace Lantern.NetLog.Hubs;

/// <summary>
/// The hub host names (compliance.md §8) and the substrings the reader's prefilter looks for. Every host
/// <see cref="HubClassifier"/> classifies contains one of <see cref="PrefilterNeedles"/>, so a line the
/// prefilter skips can never have been a hub line (HubCatalogTests proves it for every sample URL).
/// </summary>
public static class HubCatalog
{
    /// <summary>Hugging Face domains: the hub, its short domain, the .com/.cn aliases, and the best-known mirror (HF_ENDPOINT).</summary>
    internal static readonly string[] HuggingFaceDomains = ["huggingface.co", "hf.co", "huggingface.com", "huggingface.cn", "hf-mirror.com"];

    /// <summary>The Ollama registry's Cloudflare R2 account host (compliance.md §8, Ollama blob storage).</summary>
    internal const string OllamaR2Host = "dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com";

    internal const string R2Suffix = "r2.cloudflarestorage.com";

    /// <summary>
    /// Lower-case substrings of hub host names. A line that contains none of them is not a hub line.
    /// GitHub is listed because llama.cpp, llamafile and Ollama ship from its releases; the classifier only
    /// keeps the release paths of those repositories, so the extra parsing is the price of catching them.
    /// </summary>
    public static IReadOnlyList<string> PrefilterNeedles { get; } =
    [
        "huggingface.",
        "hf.co",
        "hf-mirror.com",
        "ollama.",
        R2Suffix,
        "lmstudio.ai",
        "modelscope.",
        "civitai.com",
        "kaggle.com",
        "github.com",
        "githubusercontent.com",
    ];

    /// <summary>Which part of a hub a host is, or <see cref="HostRole.None"/>. <paramref name="host"/> is lower-case without port.</summary>
    internal static HostRole RoleOf(string host)
    {
        ReadOnlySpan<char> h = host.AsSpan().TrimEnd('.');
        foreach (string domain in HuggingFaceDomains)
        {
            if (IsSite(h, domain))
            {
                return HostRole.HuggingFaceSite;
            }
            if (IsSubdomainOf(h, domain))
            {
                ReadOnlySpan<char> sub = h[..(h.Length - domain.Length - 1)];
                // cdn-lfs.hf.co, cdn-lfs-us-1.hf.co…; Xet: transfer.xethub.hf.co, cas-bridge.xethub.hf.co…; *.cdn.hf.co.
                bool storage = sub.StartsWith("cdn-lfs", StringComparison.Ordinal)
                    || sub.Contains("xethub", StringComparison.Ordinal)
                    || sub.EndsWith(".cdn", StringComparison.Ordinal)
                    || sub.SequenceEqual("cdn");
                return storage ? HostRole.HuggingFaceStorage : HostRole.HuggingFaceOther;
            }
        }

        if (h.SequenceEqual("registry.ollama.ai") || h.SequenceEqual("registry.ollama.com"))
        {
            return HostRole.OllamaRegistry;
        }
        if (IsSite(h, "ollama.com") || IsSite(h, "ollama.ai"))
        {
            return HostRole.OllamaSite;
        }
        if (IsSubdomainOf(h, R2Suffix))
        {
            if (h.SequenceEqual(OllamaR2Host))
            {
                return HostRole.OllamaBlobStore;
            }
            // civitai-delivery-worker-prod.<account>.r2.cloudflarestorage.com (compliance.md §8, Civitai).
            return h.StartsWith("civitai-delivery-worker", StringComparison.Ordinal) ? HostRole.CivitaiDelivery : HostRole.OtherR2;
        }
        if (IsSite(h, "lmstudio.ai"))
        {
            return HostRole.LmStudioSite;
        }
        if (h.SequenceEqual("installers.lmstudio.ai") || h.SequenceEqual("releases.lmstudio.ai") || h.SequenceEqual("files.lmstudio.ai"))
        {
            return HostRole.LmStudioDownloads;
        }
        if (IsSubdomainOf(h, "lmstudio.ai"))
        {
            return HostRole.LmStudioOther;
        }
        if (IsSite(h, "modelscope.cn") || IsSite(h, "modelscope.ai"))
        {
            return HostRole.ModelScopeSite;
        }
        if (IsSite(h, "civitai.com"))
        {
            return HostRole.CivitaiSite;
        }
        if (IsSite(h, "kaggle.com"))
        {
            return HostRole.KaggleSite;
        }
        if (IsSite(h, "github.com"))
        {
            return HostRole.GitHub;
        }
        if (h.SequenceEqual("objects.githubusercontent.com") || h.SequenceEqual("release-assets.githubusercontent.com"))
        {
            return HostRole.GitHubAssets;
        }
        return HostRole.None;
    }

    /// <summary>The hub a role belongs to; null for <see cref="HostRole.None"/> and <see cref="HostRole.OtherR2"/>.</summary>
    internal static Hub? HubOf(HostRole role) => role switch
    {
        HostRole.HuggingFaceSite or HostRole.HuggingFaceStorage or HostRole.HuggingFaceOther => Hub.HuggingFace,
        HostRole.OllamaRegistry or HostRole.OllamaSite or HostRole.OllamaBlobStore => Hub.Ollama,
        HostRole.LmStudioSite or HostRole.LmStudioDownloads or HostRole.LmStudioOther => Hub.LmStudio,
        HostRole.ModelScopeSite => Hub.ModelScope,
        HostRole.CivitaiSite or HostRole.CivitaiDelivery => Hub.Civitai,
        HostRole.KaggleSite => Hub.Kaggle,
        HostRole.GitHub or HostRole.GitHubAssets => Hub.GitHubRelease,
        _ => null,
    };

    /// <summary>Hosts that serve weights in bulk: a large tunnel to one of them is likely a model download (compliance.md §8, last paragraph).</summary>
    internal static bool IsWeightHost(HostRole role) =>
        role is HostRole.HuggingFaceStorage or HostRole.OllamaBlobStore or HostRole.CivitaiDelivery;

    /// <summary>The apex domain or its www. host.</summary>
    private static bool IsSite(ReadOnlySpan<char> host, string domain) =>
        host.SequenceEqual(domain)
        || (host.Length == domain.Length + 4 && host.StartsWith("www.", StringComparison.Ordinal) && host[4..].SequenceEqual(domain));

    /// <summary>A strict subdomain: <c>x.hf.co</c> is one, <c>nothf.co</c> and <c>hf.co.evil.example</c> are not.</summary>
    private static bool IsSubdomainOf(ReadOnlySpan<char> host, string domain) =>
        host.Length > domain.Length + 1
        && host.EndsWith(domain, StringComparison.Ordinal)
        && host[host.Length - domain.Length - 1] == '.';
}

/// <summary>The part of a hub a host plays.</summary>
internal enum HostRole
{
    None,
    HuggingFaceSite,
    HuggingFaceStorage,
    HuggingFaceOther,
    OllamaRegistry,
    OllamaSite,
    OllamaBlobStore,
    OtherR2,
    LmStudioSite,
    LmStudioDownloads,
    LmStudioOther,
    ModelScopeSite,
    CivitaiSite,
    CivitaiDelivery,
    KaggleSite,
    GitHub,
    GitHubAssets,
}
