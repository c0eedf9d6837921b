using static Lantern.NetLog.Detection.FieldMatch;

namespace Lantern.NetLog.Detection;

/// <summary>
/// Lantern's detection content: model and runtime acquisition seen by a web proxy, local-LLM runtime
/// process creation, connections to local inference ports and DNS queries for model hubs. Host names
/// and URL shapes come from compliance.md §8, ports from discovery.md §1 and §3; field names follow the
/// Sigma taxonomy (compliance.md §9). Ids were generated once (random v4) and must never change: SIEMs
/// key suppressions and tuning on them.
/// </summary>
internal static class LanternDetectionRules
{
    /// <summary>Fixed creation date of the rule set (Sigma <c>date</c>, YYYY-MM-DD).</summary>
    public const string Date = "2026-11-23";

    public const string Author = "Lantern";

    /// <summary>
    /// 100 MiB: one transfer from a weight CDN above this is a strong model-download signal even without
    /// TLS inspection (compliance.md §8, "Volume"). A 7B Q4 GGUF is ~4–5 GB; tokenizers and configs are KBs.
    /// </summary>
    public const long LargeTransferBytes = 100L * 1024 * 1024;

    private const string AttackT1105 = "https://attack.mitre.org/techniques/T1105/";
    private const string HfMeta = "https://huggingface.co/.well-known/meta.json";
    private const string HfConstants = "https://github.com/huggingface/huggingface_hub/blob/main/src/huggingface_hub/constants.py";
    private const string OllamaRepo = "https://github.com/ollama/ollama";
    private const string OllamaFaq = "https://github.com/ollama/ollama/blob/main/docs/faq.mdx";
    private const string SplunkLocalLlmStory = "https://github.com/splunk/security_content/blob/develop/stories/suspicious_local_llm_frameworks.yml";
    private const string SplunkLocalLlmDns = "https://github.com/splunk/security_content/blob/develop/detections/endpoint/local_llm_framework_dns_query.yml";

    private static readonly string[] s_downloadTags = ["attack.command-and-control", "attack.t1105"];
    private static readonly string[] s_huntingTags = ["detection.threat-hunting"];

    /// <summary>Hugging Face front-end hosts (compliance.md §8 "Hugging Face files").</summary>
    private static readonly string[] s_hfHosts = ["huggingface.co", "hf.co", "huggingface.com", "huggingface.cn", "hf-mirror.com"];

    /// <summary>Hugging Face LFS CDN and Xet storage hosts (compliance.md §8, <c>lfsDomains</c>/<c>cdnDomains</c> of meta.json).</summary>
    private static readonly string[] s_hfCdnHosts =
    [
        "cdn-lfs.hf.co", "cdn-lfs-us-1.hf.co", "cdn-lfs-eu-1.hf.co", "cdn-lfs.huggingface.co", "cdn-lfs-us-1.huggingface.co",
        "transfer.xethub.hf.co", "transfer.xethub-eu.hf.co", "cas-bridge.xethub.hf.co", "cas-server.xethub.hf.co",
    ];

    /// <summary>Wildcard CDN families under hf.co matched by suffix (compliance.md §8 "HF Xet storage").</summary>
    private static readonly string[] s_hfCdnSuffixes = [".aws.cdn.hf.co", ".gcp.cdn.hf.co"];

    private static readonly string[] s_ollamaRegistryHosts = ["registry.ollama.ai", "registry.ollama.com"];

    /// <summary>Ollama's Cloudflare R2 bucket host, the 307 target of every blob request (compliance.md §8).</summary>
    public const string OllamaR2Host = "dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com";

    /// <summary>Weight-file extensions that matter in a URL (compliance.md §8 "File signals").</summary>
    private static readonly string[] s_weightExtensions = [".gguf", ".ggml", ".safetensors", ".llamafile", ".onnx", ".pth"];

    public static IReadOnlyList<DetectionRule> All { get; } =
    [
        new DetectionRule
        {
            FileName = "proxy_hf_resolve_model_weight_download.yml",
            Id = Guid.Parse("4f8ab4b4-a555-4713-9125-db8697a85a15"),
            Title = "Model Weight Download From Hugging Face Resolve Endpoint",
            Description = "Detects downloads of GGUF, safetensors, ONNX or llamafile model weights through the Hugging Face resolve endpoint, the URL every hub client and browser download starts with before the redirect to the LFS CDN.",
            References = [HfConstants, HfMeta],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections =
            [
                new RuleSelection("selection_host", [Is("cs-host", s_hfHosts)]),
                new RuleSelection("selection_path", [Contains("c-uri", "/resolve/")]),
                new RuleSelection("selection_ext", [Contains("c-uri", s_weightExtensions)]),
            ],
            FalsePositives = ["Approved ML workstations and build agents pulling registered models"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_hf_cdn_large_transfer.yml",
            Id = Guid.Parse("8b55b2f9-1721-49e9-8e4d-cbf7bc3709c6"),
            Title = "Large Transfer From Hugging Face LFS CDN Or Xet Storage",
            Description = "Detects single responses of 100 MiB or more from the Hugging Face LFS CDN or Xet storage hosts, which carry model weights after the resolve redirect and stay visible by volume even for CONNECT tunnels without TLS inspection.",
            References = [HfMeta],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.Any,
            Selections =
            [
                new RuleSelection("selection_host", [Is("cs-host", s_hfCdnHosts), AtLeast("sc-bytes", LargeTransferBytes)]),
                new RuleSelection("selection_suffix", [EndsWith("cs-host", s_hfCdnSuffixes), AtLeast("sc-bytes", LargeTransferBytes)]),
            ],
            FalsePositives = ["Large dataset downloads from the Hugging Face hub", "Approved ML workstations pulling registered models"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_ollama_registry_model_pull.yml",
            Id = Guid.Parse("dffc80d3-91ec-4cfe-b634-06fd43929653"),
            Title = "Ollama Registry Model Manifest Or Blob Pull",
            Description = "Detects Ollama model pulls from the Ollama registry: the manifest request that names the model and tag, and the blob requests that fetch its layers.",
            References = [OllamaRepo, OllamaFaq],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections =
            [
                new RuleSelection("selection_host", [Is("cs-host", s_ollamaRegistryHosts)]),
                new RuleSelection("selection_path", [Contains("c-uri", "/manifests/", "/blobs/sha256:")]),
            ],
            FalsePositives = ["Approved hosts pulling registered Ollama models"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_ollama_r2_blob_download.yml",
            Id = Guid.Parse("8fbc6fa0-e399-48c3-819a-f1c52f8b6447"),
            Title = "Ollama Model Blob Download From Cloudflare R2 Storage",
            Description = "Detects downloads of Ollama model layers from the registry's Cloudflare R2 bucket, the redirect target of every blob request; Ollama fetches each blob in parallel range parts.",
            References = [OllamaRepo],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections =
            [
                new RuleSelection("selection_host", [Is("cs-host", OllamaR2Host)]),
                new RuleSelection("selection_path", [Contains("c-uri", "/ollama/docker/registry/v2/blobs/")]),
            ],
            FalsePositives = ["Approved hosts pulling registered Ollama models"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_ollama_user_agent.yml",
            Id = Guid.Parse("e427a09f-db73-4a6d-83b2-b0f2e24edfef"),
            Title = "Ollama Client User Agent",
            Description = "Detects HTTP requests made by the Ollama client, whose user agent has the form 'ollama/<version> (<arch> <os>) Go/<version>', whatever host it talks to.",
            References = [OllamaRepo],
            Tags = s_huntingTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections = [new RuleSelection("selection", [StartsWith("c-useragent", "ollama/")])],
            FalsePositives = ["Sanctioned Ollama installations checking for updates or pulling approved models"],
            Level = "low",
        },
        new DetectionRule
        {
            FileName = "proxy_local_llm_runtime_installer_download.yml",
            Id = Guid.Parse("0ee56fbb-566b-467e-a9a6-4b96f146f30c"),
            Title = "Local LLM Runtime Installer Download",
            Description = "Detects downloads of local LLM runtimes: Ollama installers and install script, LM Studio installers, and llama.cpp, llamafile or Ollama release binaries from GitHub.",
            References = ["https://ollama.com/download", "https://github.com/ollama/ollama/blob/main/scripts/install.sh", "https://lmstudio.ai/download", "https://github.com/ggml-org/llama.cpp/releases", "https://github.com/Mozilla-Ocho/llamafile/releases", AttackT1105],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.Any,
            Selections =
            [
                new RuleSelection("selection_ollama", [Is("cs-host", "ollama.com", "www.ollama.com", "ollama.ai"), Contains("c-uri", "/download/", "/install.sh")]),
                new RuleSelection("selection_lmstudio", [Is("cs-host", "installers.lmstudio.ai", "releases.lmstudio.ai", "files.lmstudio.ai")]),
                new RuleSelection("selection_github", [Is("cs-host", "github.com"), Contains("c-uri", "/ggml-org/llama.cpp/releases/download/", "/ggerganov/llama.cpp/releases/download/", "/Mozilla-Ocho/llamafile/releases/download/", "/mozilla-ai/llamafile/releases/download/", "/ollama/ollama/releases/download/")]),
            ],
            FalsePositives = ["Software distribution or packaging teams mirroring approved runtimes"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_modelscope_model_download.yml",
            Id = Guid.Parse("5591297b-2479-4476-a171-2769f6285289"),
            Title = "Model File Download From ModelScope",
            Description = "Detects model file downloads from ModelScope through its repository file API or resolve endpoint.",
            References = ["https://github.com/modelscope/modelscope/blob/master/modelscope/hub/file_download.py"],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections =
            [
                new RuleSelection("selection_host", [Is("cs-host", "modelscope.cn", "www.modelscope.cn")]),
                new RuleSelection("selection_path", [Contains("c-uri", "FilePath=", "/resolve/")]),
            ],
            FalsePositives = ["Approved ML workstations pulling registered models"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_civitai_model_download.yml",
            Id = Guid.Parse("16610226-cb44-4d5e-9243-e1b6d3f3005c"),
            Title = "Model Download From Civitai",
            Description = "Detects model downloads through the Civitai download API, which redirects to its Cloudflare R2 delivery storage.",
            References = ["https://civitai.com/"],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections =
            [
                new RuleSelection("selection_host", [Is("cs-host", "civitai.com", "www.civitai.com")]),
                new RuleSelection("selection_path", [Contains("c-uri", "/api/download/models/")]),
            ],
            FalsePositives = ["Creative teams with an approved use of image generation models"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_kaggle_model_download.yml",
            Id = Guid.Parse("f5d9f970-d488-4c64-ae36-71f6ca90841c"),
            Title = "Model Download From Kaggle Models",
            Description = "Detects model archive downloads through the Kaggle Models API.",
            References = ["https://www.kaggle.com/models"],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections =
            [
                new RuleSelection("selection_host", [Is("cs-host", "www.kaggle.com", "kaggle.com")]),
                new RuleSelection("selection_path", [ContainsAll("c-uri", "/api/v1/models/", "/download")]),
            ],
            FalsePositives = ["Data science teams with an approved use of Kaggle"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proxy_model_weight_host_connect.yml",
            Id = Guid.Parse("d53527c8-aec2-465c-a263-1d891060107d"),
            Title = "CONNECT Tunnel To Model Weight Storage Host",
            Description = "Detects CONNECT tunnels to the hosts that serve model weights (Hugging Face LFS CDN and Xet storage, Ollama registry and its R2 bucket); without TLS inspection only the host and byte count are visible.",
            References = [HfMeta, OllamaRepo],
            Tags = s_downloadTags,
            LogSource = new RuleLogSource("proxy"),
            Combination = SelectionCombination.All,
            Selections =
            [
                new RuleSelection("selection_method", [Is("cs-method", "CONNECT")]),
                new RuleSelection("selection_host", [Is("cs-host", [.. s_hfCdnHosts, .. s_ollamaRegistryHosts, OllamaR2Host])]),
            ],
            FalsePositives = ["Approved ML workstations pulling registered models", "Small metadata transfers that carry no weights"],
            Level = "low",
        },
        new DetectionRule
        {
            FileName = "proc_creation_win_local_llm_runtime.yml",
            Id = Guid.Parse("3b63b1b5-8bc2-4d70-8ede-e90e6d262fd4"),
            Title = "Local LLM Runtime Execution - Windows",
            Description = "Detects execution of local LLM runtimes on Windows: Ollama, llama.cpp server and CLI, LM Studio and its lms CLI, KoboldCpp, llamafile, vLLM and text-generation-webui.",
            References = [SplunkLocalLlmStory, OllamaRepo, "https://github.com/ggml-org/llama.cpp", "https://lmstudio.ai/docs/cli", "https://github.com/LostRuins/koboldcpp"],
            Tags = s_huntingTags,
            LogSource = new RuleLogSource("process_creation", "windows"),
            Combination = SelectionCombination.Any,
            Selections =
            [
                new RuleSelection("selection_image", [EndsWith("Image", @"\ollama.exe", @"\ollama app.exe", @"\llama-server.exe", @"\llama-cli.exe", @"\LM Studio.exe", @"\lms.exe", @"\koboldcpp.exe", @"\llamafile.exe")]),
                new RuleSelection("selection_cli", [Contains("CommandLine", ".llamafile", "vllm serve", "vllm.entrypoints", @"\text-generation-webui\")]),
            ],
            FalsePositives = ["Developers and ML engineers with an approved local LLM runtime"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "proc_creation_lnx_local_llm_runtime.yml",
            Id = Guid.Parse("bbb9e6af-cdde-4a72-9b63-dddc5e60f963"),
            Title = "Local LLM Runtime Execution - Linux",
            Description = "Detects execution of local LLM runtimes on Linux: Ollama, llama.cpp server and CLI, LM Studio and its lms CLI, KoboldCpp, llamafile, vLLM and text-generation-webui.",
            References = [SplunkLocalLlmStory, OllamaRepo, "https://github.com/ggml-org/llama.cpp", "https://github.com/vllm-project/vllm", "https://github.com/oobabooga/text-generation-webui"],
            Tags = s_huntingTags,
            LogSource = new RuleLogSource("process_creation", "linux"),
            Combination = SelectionCombination.Any,
            Selections =
            [
                new RuleSelection("selection_image", [EndsWith("Image", "/ollama", "/llama-server", "/llama-cli", "/lms", "/koboldcpp", "/llamafile")]),
                new RuleSelection("selection_lmstudio", [Contains("Image", "/LM-Studio", "/lm-studio")]),
                new RuleSelection("selection_cli", [Contains("CommandLine", ".llamafile", "vllm serve", "vllm.entrypoints", "/text-generation-webui/")]),
            ],
            FalsePositives = ["Developers and ML engineers with an approved local LLM runtime"],
            Level = "medium",
        },
        new DetectionRule
        {
            FileName = "net_connection_win_local_llm_inference_port.yml",
            Id = Guid.Parse("efa99268-0ff9-4c37-a2aa-228d07db87c6"),
            Title = "Connection To Local LLM Inference Port - Windows",
            Description = "Detects network connections to the default ports of local LLM inference servers: Ollama 11434, LM Studio 1234, KoboldCpp 5001, Jan 1337, GPT4All 4891, Docker Model Runner 12434, and the shared ports 8080, 9931 and 8000 when llama.cpp, llamafile or vLLM own the connection.",
            References = [OllamaFaq, "https://github.com/ggml-org/llama.cpp", "https://github.com/LostRuins/koboldcpp", "https://github.com/vllm-project/vllm"],
            Tags = s_huntingTags,
            LogSource = new RuleLogSource("network_connection", "windows"),
            Combination = SelectionCombination.Any,
            Selections =
            [
                new RuleSelection("selection_dedicated_port", [Is("DestinationPort", 11434, 1234, 5001, 1337, 4891, 12434)]),
                new RuleSelection("selection_llama_server", [Is("DestinationPort", 8080, 9931), EndsWith("Image", @"\llama-server.exe", @"\llamafile.exe")]),
                new RuleSelection("selection_vllm", [Is("DestinationPort", 8000), EndsWith("Image", @"\vllm.exe")]),
            ],
            FalsePositives = ["Other services bound to the same ports, such as development web servers on 1234 or 5001"],
            Level = "low",
        },
        new DetectionRule
        {
            FileName = "net_connection_lnx_local_llm_inference_port.yml",
            Id = Guid.Parse("01a809a2-0ef5-45af-bfb1-9535d3660ad1"),
            Title = "Connection To Local LLM Inference Port - Linux",
            Description = "Detects network connections to the default ports of local LLM inference servers on Linux: Ollama 11434, LM Studio 1234, KoboldCpp 5001, Jan 1337, GPT4All 4891, Docker Model Runner 12434, and the shared ports 8080, 9931 and 8000 when llama.cpp, llamafile or vLLM own the connection.",
            References = [OllamaFaq, "https://github.com/ggml-org/llama.cpp", "https://github.com/LostRuins/koboldcpp", "https://github.com/vllm-project/vllm"],
            Tags = s_huntingTags,
            LogSource = new RuleLogSource("network_connection", "linux"),
            Combination = SelectionCombination.Any,
            Selections =
            [
                new RuleSelection("selection_dedicated_port", [Is("DestinationPort", 11434, 1234, 5001, 1337, 4891, 12434)]),
                new RuleSelection("selection_llama_server", [Is("DestinationPort", 8080, 9931), EndsWith("Image", "/llama-server", "/llamafile")]),
                new RuleSelection("selection_vllm", [Is("DestinationPort", 8000), EndsWith("Image", "/vllm")]),
            ],
            FalsePositives = ["Other services bound to the same ports, such as development web servers on 1234 or 5001"],
            Level = "low",
        },
        new DetectionRule
        {
            FileName = "dns_query_win_model_hub_domains.yml",
            Id = Guid.Parse("d3e24f98-5989-4073-8cf5-ebc250c25748"),
            Title = "DNS Query For AI Model Hub Or Local LLM Runtime Domain",
            Description = "Detects DNS queries for model hubs and local LLM runtime vendors: Hugging Face and its CDN, the Ollama registry and its R2 bucket, LM Studio, ModelScope and Civitai.",
            References = [SplunkLocalLlmDns, HfMeta],
            Tags = s_huntingTags,
            LogSource = new RuleLogSource("dns_query", "windows"),
            Combination = SelectionCombination.Any,
            Selections =
            [
                new RuleSelection("selection_exact", [Is("QueryName", "huggingface.co", "hf.co", "hf-mirror.com", "ollama.com", "ollama.ai", "registry.ollama.ai", OllamaR2Host, "lmstudio.ai", "modelscope.cn", "civitai.com")]),
                new RuleSelection("selection_suffix", [EndsWith("QueryName", ".huggingface.co", ".hf.co", ".ollama.com", ".ollama.ai", ".lmstudio.ai", ".modelscope.cn", ".civitai.com")]),
            ],
            FalsePositives = ["Browsing model pages and documentation without downloading", "Approved ML workstations"],
            Level = "low",
        },
    ];
}
