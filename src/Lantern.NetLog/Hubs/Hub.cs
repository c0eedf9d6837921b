using System.Text.Json.Serialization;

namespace Lantern.NetLog.Hubs;

/// <summary>A model or runtime source whose traffic the classifier recognises (compliance.md §8).</summary>
public enum Hub
{
    [JsonStringEnumMemberName("huggingface")]
    HuggingFace,

    [JsonStringEnumMemberName("ollama")]
    Ollama,

    [JsonStringEnumMemberName("lmstudio")]
    LmStudio,

    [JsonStringEnumMemberName("modelscope")]
    ModelScope,

    [JsonStringEnumMemberName("civitai")]
    Civitai,

    [JsonStringEnumMemberName("kaggle")]
    Kaggle,

    /// <summary>GitHub releases of llama.cpp, llamafile and Ollama, and their asset redirect targets.</summary>
    [JsonStringEnumMemberName("github-release")]
    GitHubRelease,
}

/// <summary>How sure the report is that an acquisition happened as described.</summary>
public enum Confidence
{
    /// <summary>The URL names the object (resolve path, manifest, blob digest, download id).</summary>
    [JsonStringEnumMemberName("high")]
    High,

    /// <summary>Host and byte count point at a model download, or a download was started but its transfer not seen.</summary>
    [JsonStringEnumMemberName("medium")]
    Medium,

    /// <summary>Only a host and a byte count too small or too generic to say more.</summary>
    [JsonStringEnumMemberName("low")]
    Low,
}

/// <summary>What one log record is, seen from the hub.</summary>
internal enum RecordKind
{
    /// <summary>A weight file by URL (HF resolve, ModelScope file, Civitai/Kaggle download).</summary>
    ModelFile,

    /// <summary>A small repository file (config.json, tokenizer.json, README.md): access, not acquisition.</summary>
    MetadataFile,

    /// <summary>A file of a Hugging Face dataset repository.</summary>
    DatasetFile,

    /// <summary>A file of a Hugging Face Space repository.</summary>
    SpaceFile,

    /// <summary>An OCI manifest of an Ollama model (registry, or Ollama-from-HF).</summary>
    ModelManifest,

    /// <summary>An OCI blob request on the registry (usually answered by a 307 to object storage).</summary>
    ModelBlob,

    /// <summary>A (range) part of a blob from the registry's object storage.</summary>
    BlobPart,

    /// <summary>A runtime installer or release asset (llama.cpp, llamafile, Ollama, LM Studio).</summary>
    RuntimeInstaller,

    /// <summary>An API call that transfers no model (listings, metadata, tree).</summary>
    ApiCall,

    /// <summary>A page a person browsed.</summary>
    PageView,

    /// <summary>A CONNECT tunnel: host and bytes only.</summary>
    HubTransfer,

    /// <summary>An object on a hub CDN or storage host, named by content-disposition or digest when at all.</summary>
    CdnObject,
}
