using Lantern.NetLog.Hubs;
using Lantern.NetLog.Records;

namespace Lantern.NetLog.Tests.Hubs;

public class HubClassifierTests
{
    private const string R2 = "https://dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com";
    private const string Sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Sha2 = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

    /// <summary>url, kind, hub, modelId, file (path), revision, digest.</summary>
    public static TheoryData<string, string, string, string?, string?, string?, string?> Positive => new()
    {
        // Hugging Face resolve, datasets, spaces, legacy ids, mirrors.
        { "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf?download=true", "ModelFile", "HuggingFace", "bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf", "main", null },
        { "https://hf.co/org/repo/resolve/refs%2Fpr%2F1/sub/dir/model-00001-of-00002.safetensors", "ModelFile", "HuggingFace", "org/repo", "sub/dir/model-00001-of-00002.safetensors", "refs/pr/1", null },
        { "https://huggingface.co/org/repo/resolve/main/config.json", "MetadataFile", "HuggingFace", "org/repo", "config.json", "main", null },
        { "https://huggingface.co/org/repo/resolve/main/tokenizer.json", "MetadataFile", "HuggingFace", "org/repo", "tokenizer.json", "main", null },
        { "https://huggingface.co/org/repo/resolve/main/README.md", "MetadataFile", "HuggingFace", "org/repo", "README.md", "main", null },
        { "https://huggingface.co/org/repo/resolve/main/model.safetensors.index.json", "ModelFile", "HuggingFace", "org/repo", "model.safetensors.index.json", "main", null },
        { "https://huggingface.co/org/repo/resolve/main/pytorch_model.bin", "ModelFile", "HuggingFace", "org/repo", "pytorch_model.bin", "main", null },
        { "https://huggingface.co/org/repo/resolve/main/training_args.bin", "MetadataFile", "HuggingFace", "org/repo", "training_args.bin", "main", null },
        { "https://huggingface.co/org/repo/resolve/abc123/model.onnx", "ModelFile", "HuggingFace", "org/repo", "model.onnx", "abc123", null },
        { "https://huggingface.co/gpt2/resolve/main/model.safetensors", "ModelFile", "HuggingFace", "gpt2", "model.safetensors", "main", null },
        { "https://huggingface.co/datasets/org/data/resolve/main/train.parquet", "DatasetFile", "HuggingFace", "datasets/org/data", "train.parquet", "main", null },
        { "https://huggingface.co/spaces/org/app/resolve/main/weights.pt", "SpaceFile", "HuggingFace", "spaces/org/app", "weights.pt", "main", null },
        { "https://hf-mirror.com/org/repo/resolve/main/model.gguf", "ModelFile", "HuggingFace", "org/repo", "model.gguf", "main", null },
        { "https://huggingface.com/org/repo/resolve/main/model.pth", "ModelFile", "HuggingFace", "org/repo", "model.pth", "main", null },
        { "https://www.huggingface.co/org/repo/resolve/main/model.tflite", "ModelFile", "HuggingFace", "org/repo", "model.tflite", "main", null },
        // HF pages and API.
        { "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF", "PageView", "HuggingFace", "bartowski/Llama-3.2-1B-Instruct-GGUF", null, null, null },
        { "https://huggingface.co/org/repo/blob/main/model.gguf", "PageView", "HuggingFace", "org/repo", null, null, null },
        { "https://huggingface.co/org/repo/tree/main", "PageView", "HuggingFace", "org/repo", null, null, null },
        { "https://huggingface.co/models?search=llama", "PageView", "HuggingFace", null, null, null, null },
        { "https://huggingface.co/bartowski", "PageView", "HuggingFace", null, null, null, null },
        { "https://huggingface.co/datasets/org/data", "PageView", "HuggingFace", "datasets/org/data", null, null, null },
        { "https://huggingface.co/api/models/org/repo", "ApiCall", "HuggingFace", "org/repo", null, null, null },
        { "https://huggingface.co/api/models/org/repo/revision/main", "ApiCall", "HuggingFace", "org/repo", null, null, null },
        { "https://huggingface.co/api/models/gpt2/tree/main", "ApiCall", "HuggingFace", "gpt2", null, null, null },
        { "https://huggingface.co/api/datasets/org/data/paths-info/main", "ApiCall", "HuggingFace", "datasets/org/data", null, null, null },
        { "https://huggingface.co/api/models/org/repo/xet-read-token/main", "ApiCall", "HuggingFace", "org/repo", null, null, null },
        // HF LFS CDN and Xet.
        { $"https://cdn-lfs.hf.co/repos/ab/cd/{Sha2}/{Sha}?response-content-disposition=attachment%3B+filename*%3DUTF-8%27%27Llama-3.2-1B-Instruct-Q4_K_M.gguf%3B+filename%3D%22Llama-3.2-1B-Instruct-Q4_K_M.gguf%22%3B&Expires=1767229200", "CdnObject", "HuggingFace", null, "Llama-3.2-1B-Instruct-Q4_K_M.gguf", null, Sha },
        { $"https://cdn-lfs-us-1.hf.co/repos/ab/cd/{Sha2}/{Sha}?response-content-disposition=attachment;filename*=UTF-8''model%20v2.safetensors", "CdnObject", "HuggingFace", null, "model v2.safetensors", null, Sha },
        { $"https://cdn-lfs-eu-1.hf.co/repos/ab/cd/{Sha2}/{Sha}", "CdnObject", "HuggingFace", null, null, null, Sha },
        { $"https://cdn-lfs.huggingface.co/repos/ab/cd/{Sha2}/{Sha}", "CdnObject", "HuggingFace", null, null, null, Sha },
        { $"https://cdn-lfs-us-1.huggingface.co/repos/ab/cd/{Sha2}/{Sha}", "CdnObject", "HuggingFace", null, null, null, Sha },
        { $"https://cas-bridge.xethub.hf.co/xet-bridge-us/{Sha2}/{Sha}?response-content-disposition=inline%3B+filename*%3DUTF-8%27%27q4.gguf", "CdnObject", "HuggingFace", null, "q4.gguf", null, Sha },
        { $"https://transfer.xethub.hf.co/xorbs/default/{Sha}", "CdnObject", "HuggingFace", null, null, null, null },
        { "https://transfer.xethub-eu.hf.co/xorbs/default/x", "CdnObject", "HuggingFace", null, null, null, null },
        { "https://cas-server.xethub.hf.co/reconstruction/x", "CdnObject", "HuggingFace", null, null, null, null },
        { "https://us-east-1.aws.cdn.hf.co/xorbs/x", "CdnObject", "HuggingFace", null, null, null, null },
        { "https://eu.gcp.cdn.hf.co/xorbs/x", "CdnObject", "HuggingFace", null, null, null, null },
        // Ollama registry, blobs, R2 parts, Ollama-from-HF.
        { "https://registry.ollama.ai/v2/library/llama3.2/manifests/1b", "ModelManifest", "Ollama", "llama3.2:1b", null, "1b", null },
        { "https://registry.ollama.com/v2/someuser/mymodel/manifests/latest", "ModelManifest", "Ollama", "someuser/mymodel:latest", null, "latest", null },
        { $"https://registry.ollama.ai/v2/library/llama3.2/blobs/sha256:{Sha}", "ModelBlob", "Ollama", "llama3.2", null, null, Sha },
        { $"{R2}/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", "BlobPart", "Ollama", null, null, null, Sha },
        { $"https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", "BlobPart", "Ollama", null, null, null, Sha },
        { "https://hf.co/v2/bartowski/Llama-3.2-1B-Instruct-GGUF/manifests/Q4_K_M", "ModelManifest", "HuggingFace", "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", null, "Q4_K_M", null },
        { $"https://huggingface.co/v2/bartowski/Llama-3.2-1B-Instruct-GGUF/blobs/sha256:{Sha}", "ModelBlob", "HuggingFace", "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF", null, null, Sha },
        // Ollama site: installers, pages, API.
        { "https://ollama.com/download/OllamaSetup.exe", "RuntimeInstaller", "Ollama", "ollama/ollama", "OllamaSetup.exe", null, null },
        { "https://ollama.com/download/Ollama-darwin.zip", "RuntimeInstaller", "Ollama", "ollama/ollama", "Ollama-darwin.zip", null, null },
        { "https://ollama.com/download/Ollama.dmg", "RuntimeInstaller", "Ollama", "ollama/ollama", "Ollama.dmg", null, null },
        { "https://ollama.com/install.sh", "RuntimeInstaller", "Ollama", "ollama/ollama", "install.sh", null, null },
        { "https://ollama.ai/install.sh", "RuntimeInstaller", "Ollama", "ollama/ollama", "install.sh", null, null },
        { "https://ollama.com/download/windows", "PageView", "Ollama", null, null, null, null },
        { "https://ollama.com/library/llama3.2", "PageView", "Ollama", "llama3.2", null, null, null },
        { "https://ollama.com/library/llama3.2:1b", "PageView", "Ollama", "llama3.2:1b", null, null, null },
        { "https://ollama.com/someuser/mymodel", "PageView", "Ollama", "someuser/mymodel", null, null, null },
        { "https://ollama.com/search?q=qwen", "PageView", "Ollama", null, null, null, null },
        { "https://ollama.com/api/tags", "ApiCall", "Ollama", null, null, null, null },
        // LM Studio.
        { "https://installers.lmstudio.ai/linux/x64/0.3.9-6/LM-Studio-0.3.9-6-x64.AppImage", "RuntimeInstaller", "LmStudio", "lm-studio", "LM-Studio-0.3.9-6-x64.AppImage", "0.3.9-6", null },
        { "https://releases.lmstudio.ai/windows/x86/latest", "RuntimeInstaller", "LmStudio", "lm-studio", "windows-x86-latest", "latest", null },
        { "https://files.lmstudio.ai/LM-Studio-0.3.9-Setup.exe", "RuntimeInstaller", "LmStudio", "lm-studio", "LM-Studio-0.3.9-Setup.exe", null, null },
        { "https://lmstudio.ai/download", "PageView", "LmStudio", null, null, null, null },
        { "https://lmstudio.ai/models/qwen3", "PageView", "LmStudio", "qwen3", null, null, null },
        { "https://models.lmstudio.ai/catalog.json", "ApiCall", "LmStudio", null, null, null, null },
        // ModelScope.
        { "https://www.modelscope.cn/api/v1/models/qwen/Qwen2.5-7B-Instruct/repo?Revision=master&FilePath=model-00001-of-00004.safetensors", "ModelFile", "ModelScope", "qwen/Qwen2.5-7B-Instruct", "model-00001-of-00004.safetensors", "master", null },
        { "https://modelscope.cn/api/v1/models/qwen/Qwen2.5-7B-Instruct/repo?Revision=master&FilePath=config.json", "MetadataFile", "ModelScope", "qwen/Qwen2.5-7B-Instruct", "config.json", "master", null },
        { "https://modelscope.cn/api/v1/models/qwen/Qwen2.5-7B-Instruct/repo/files?Revision=master&Recursive=true", "ApiCall", "ModelScope", "qwen/Qwen2.5-7B-Instruct", null, null, null },
        { "https://www.modelscope.cn/models/qwen/Qwen2.5-7B-Instruct/resolve/master/qwen2.5-7b-instruct-q4_k_m.gguf", "ModelFile", "ModelScope", "qwen/Qwen2.5-7B-Instruct", "qwen2.5-7b-instruct-q4_k_m.gguf", "master", null },
        { "https://www.modelscope.cn/models/qwen/Qwen2.5-7B-Instruct", "PageView", "ModelScope", "qwen/Qwen2.5-7B-Instruct", null, null, null },
        // Civitai.
        { "https://civitai.com/api/download/models/128713?type=Model&format=SafeTensor", "ModelFile", "Civitai", "128713", null, null, null },
        { "https://civitai.com/models/4201/realistic-vision?modelVersionId=130072", "PageView", "Civitai", "130072", null, null, null },
        { "https://civitai.com/models/4201", "PageView", "Civitai", "models/4201", null, null, null },
        { "https://civitai.com/api/v1/models?limit=10", "ApiCall", "Civitai", null, null, null, null },
        { "https://civitai-delivery-worker-prod.5ac0637cfd0766c97916cefa3764fbdf.r2.cloudflarestorage.com/model/26957/realisticVision.safetensors?response-content-disposition=attachment%3B%20filename%3D%22realisticVisionV60B1.safetensors%22", "CdnObject", "Civitai", null, "realisticVisionV60B1.safetensors", null, null },
        // Kaggle.
        { "https://www.kaggle.com/api/v1/models/google/gemma/pyTorch/2b/1/download", "ModelFile", "Kaggle", "google/gemma/pyTorch/2b/1", null, "1", null },
        { "https://www.kaggle.com/models/google/gemma", "PageView", "Kaggle", "google/gemma", null, null, null },
        { "https://kaggle.com/api/v1/models/google/gemma/get", "ApiCall", "Kaggle", "google/gemma", null, null, null },
        // GitHub releases and their asset redirects.
        { "https://github.com/ggml-org/llama.cpp/releases/download/b4000/llama-b4000-bin-win-cuda-cu12.4-x64.zip", "RuntimeInstaller", "GitHubRelease", "ggml-org/llama.cpp", "llama-b4000-bin-win-cuda-cu12.4-x64.zip", "b4000", null },
        { "https://github.com/ggerganov/llama.cpp/releases/download/b3000/llama-b3000-bin-ubuntu-x64.zip", "RuntimeInstaller", "GitHubRelease", "ggml-org/llama.cpp", "llama-b3000-bin-ubuntu-x64.zip", "b3000", null },
        { "https://github.com/Mozilla-Ocho/llamafile/releases/download/0.8.13/llamafile-0.8.13", "RuntimeInstaller", "GitHubRelease", "Mozilla-Ocho/llamafile", "llamafile-0.8.13", "0.8.13", null },
        { "https://github.com/ollama/ollama/releases/download/v0.5.7/ollama-linux-amd64.tgz", "RuntimeInstaller", "GitHubRelease", "ollama/ollama", "ollama-linux-amd64.tgz", "v0.5.7", null },
        { "https://github.com/ollama/ollama/releases/latest/download/OllamaSetup.exe", "RuntimeInstaller", "GitHubRelease", "ollama/ollama", "OllamaSetup.exe", "latest", null },
        { "https://objects.githubusercontent.com/github-production-release-asset-2e65be/612354784/abc?response-content-disposition=attachment%3B%20filename%3Dllama-b4000-bin-win-cuda-cu12.4-x64.zip&response-content-type=application%2Foctet-stream", "RuntimeInstaller", "GitHubRelease", "ggml-org/llama.cpp", "llama-b4000-bin-win-cuda-cu12.4-x64.zip", null, null },
        { "https://release-assets.githubusercontent.com/github-production-release-asset/658928958/uuid?response-content-disposition=attachment%3B%20filename%3Dollama-linux-amd64.tgz", "RuntimeInstaller", "GitHubRelease", "ollama/ollama", "ollama-linux-amd64.tgz", null, null },
        { "https://release-assets.githubusercontent.com/github-production-release-asset/612354784/0f6f2a3c?sp=r&sv=2018-11-09&sr=b&rscd=attachment%3B+filename%3Dllama-b6000-bin-ubuntu-x64.zip&rsct=application%2Foctet-stream&sig=abc", "RuntimeInstaller", "GitHubRelease", "ggml-org/llama.cpp", "llama-b6000-bin-ubuntu-x64.zip", null, null },
    };

    [Theory]
    [MemberData(nameof(Positive))]
    public void Classify_HubUrl_ReturnsExpected(string url, string kind, string hub, string? modelId, string? file, string? revision, string? digest)
    {
        HubClassification? c = HubClassifier.Classify(TestRecords.Get(url));
        Assert.NotNull(c);
        Assert.Equal(kind, c.Kind.ToString());
        Assert.Equal(hub, c.Hub.ToString());
        Assert.Equal(modelId, c.ModelId);
        Assert.Equal(file, c.FilePath);
        Assert.Equal(revision, c.Revision);
        Assert.Equal(digest, c.Digest);
    }

    public static TheoryData<string> Negative => new()
    {
        "https://huggingface.co.evil.example/org/repo/resolve/main/model.gguf",
        "https://nothf.co/org/repo/resolve/main/model.gguf",
        "https://hf.com/org/repo/resolve/main/model.gguf",
        "https://myhuggingface.co/org/repo/resolve/main/model.gguf",
        "https://huggingface.co-mirror.example/org/repo/resolve/main/model.gguf",
        "https://registry.ollama.ai.evil.example/v2/library/llama3.2/manifests/1b",
        "https://notollama.com/install.sh",
        "https://ollama.com.evil.example/install.sh",
        "https://github.com/someone/llama.cpp/releases/download/b1/llama-b1-bin-win-x64.zip",
        "https://github.com/ggml-org/llama.cpp/archive/refs/heads/master.zip",
        "https://github.com/ggml-org/llama.cpp",
        "https://objects.githubusercontent.com/github-production-release-asset-2e65be/1/2?response-content-disposition=attachment%3B%20filename%3Dsetup.exe",
        "https://objects.githubusercontent.com.evil.example/x?response-content-disposition=attachment%3B%20filename%3Dllama-b1-bin-win-x64.zip",
        "https://example.r2.cloudflarestorage.com/other/bucket/file.bin",
        "https://r2.cloudflarestorage.com.evil.example/ollama/docker/registry/v2/blobs/sha256/e3/" + Sha + "/data",
        "https://civitai.com.evil.example/api/download/models/1",
        "https://www.kaggle.com/competitions/titanic",
        "https://notkaggle.com/api/v1/models/a/b/c/d/1/download",
        "https://lmstudio.ai.evil.example/download",
        "https://modelscope.cn.evil.example/models/a/b",
        "https://example.com/huggingface.co/org/repo/resolve/main/model.gguf",
    };

    [Theory]
    [MemberData(nameof(Negative))]
    public void Classify_Lookalike_ReturnsNull(string url)
    {
        Assert.Null(HubClassifier.Classify(TestRecords.Get(url)));
    }

    [Theory]
    [InlineData("cdn-lfs.hf.co", true, "HuggingFace")]
    [InlineData("transfer.xethub.hf.co", true, "HuggingFace")]
    [InlineData("dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com", true, "Ollama")]
    [InlineData("civitai-delivery-worker-prod.5ac0637cfd0766c97916cefa3764fbdf.r2.cloudflarestorage.com", true, "Civitai")]
    [InlineData("huggingface.co", false, "HuggingFace")]
    [InlineData("registry.ollama.ai", false, "Ollama")]
    [InlineData("www.kaggle.com", false, "Kaggle")]
    public void Classify_Connect_IsHubTransferWithHostOnly(string host, bool weightHost, string hub)
    {
        HubClassification? c = HubClassifier.Classify(TestRecords.Connect(host, 5_000_000_000));
        Assert.NotNull(c);
        Assert.Equal(RecordKind.HubTransfer, c.Kind);
        Assert.Equal(hub, c.Hub.ToString());
        Assert.Equal(weightHost, c.WeightHost);
        Assert.Null(c.ModelId);
        Assert.Null(c.FileName);
        Assert.Equal(Confidence.Low, c.Confidence);
    }

    [Theory]
    [InlineData("github.com")]
    [InlineData("objects.githubusercontent.com")]
    [InlineData("example.r2.cloudflarestorage.com")]
    [InlineData("huggingface.co.evil.example")]
    [InlineData("nothf.co")]
    public void Classify_ConnectToGenericOrLookalikeHost_ReturnsNull(string host)
    {
        Assert.Null(HubClassifier.Classify(TestRecords.Connect(host, 5_000_000_000)));
    }

    [Fact]
    public void Classify_ContentDispositionWithPathAndControls_IsSanitised()
    {
        ProxyRecord record = TestRecords.Get($"https://cdn-lfs.hf.co/repos/ab/cd/{Sha2}/{Sha}?response-content-disposition=attachment%3B%20filename*%3DUTF-8%27%27..%2F..%2Fetc%2Fevil%0D%0A%E2%80%AEfgg.gguf");
        HubClassification? c = HubClassifier.Classify(record);
        Assert.NotNull(c);
        Assert.Equal("evilfgg.gguf", c.FileName);
    }

    [Fact]
    public void Classify_HugePathAndQuery_IsBoundedAndDoesNotThrow()
    {
        string deep = string.Concat(Enumerable.Repeat("/a", 100_000));
        string longName = new('x', 100_000);
        HubClassification? page = HubClassifier.Classify(TestRecords.Get("https://huggingface.co" + deep));
        Assert.NotNull(page);
        HubClassification? cdn = HubClassifier.Classify(TestRecords.Get($"https://cdn-lfs.hf.co/repos/ab/cd/{Sha2}/{Sha}?response-content-disposition=attachment%3Bfilename%3D{longName}.gguf"));
        Assert.NotNull(cdn);
        Assert.True(cdn.FileName!.Length <= UrlText.MaxFileNameLength);
    }

    public static TheoryData<string> AllSampleUrls()
    {
        var data = new TheoryData<string>();
        foreach (object[] row in Positive)
        {
            data.Add((string)row[0]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllSampleUrls))]
    public void PrefilterNeedles_EveryClassifiedUrl_ContainsOne(string url)
    {
        ProxyRecord record = TestRecords.Get(url);
        Assert.NotNull(HubClassifier.Classify(record));
        // The reader sees the host in every format (URL in Squid, cs-host in W3C): the host alone must match.
        Assert.Contains(HubCatalog.PrefilterNeedles, n => record.Host.Contains(n, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void PrefilterNeedles_AreLowerCaseAndDistinct()
    {
        Assert.All(HubCatalog.PrefilterNeedles, n => Assert.Equal(n.ToLowerInvariant(), n));
        Assert.Equal(HubCatalog.PrefilterNeedles.Count, HubCatalog.PrefilterNeedles.Distinct().Count());
    }

    [Fact]
    public void PrefilterNeedles_EveryCatalogHost_ContainsOne()
    {
        string[] hosts =
        [
            .. HubCatalog.HuggingFaceDomains, "cdn-lfs-us-1.hf.co", "transfer.xethub.hf.co", "us.aws.cdn.hf.co", HubCatalog.OllamaR2Host,
            "registry.ollama.ai", "registry.ollama.com", "ollama.com", "ollama.ai", "installers.lmstudio.ai", "www.modelscope.cn",
            "modelscope.ai", "civitai.com", "civitai-delivery-worker-prod.x.r2.cloudflarestorage.com", "www.kaggle.com", "github.com",
            "objects.githubusercontent.com", "release-assets.githubusercontent.com",
        ];
        foreach (string host in hosts)
        {
            Assert.NotEqual(HostRole.None, HubCatalog.RoleOf(host));
            Assert.Contains(HubCatalog.PrefilterNeedles, n => host.Contains(n, StringComparison.Ordinal));
        }
    }
}
