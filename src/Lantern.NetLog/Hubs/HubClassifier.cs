using Lantern.NetLog.Records;

namespace Lantern.NetLog.Hubs;

/// <summary>
/// Classifies one proxy record against the hub URL patterns of compliance.md §8. Pure and allocation-light:
/// records that are not hub traffic return null after a host check. No state; joins are the
/// <c>AcquisitionJoiner</c>'s job.
/// </summary>
internal static class HubClassifier
{
    /// <summary>First path segments on huggingface.co that are site sections, not user or organisation names.</summary>
    private static readonly HashSet<string> HuggingFaceReserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "models", "docs", "blog", "settings", "login", "join", "pricing", "papers", "collections", "organizations",
        "tasks", "learn", "posts", "chat", "enterprise", "search", "new", "new-dataset", "new-space", "static-proxy",
        "front", "avatars", "oauth", "notifications", "inference-endpoints", "terms-of-service", "privacy",
        "welcome", "logout", "brand", "changelog", "hf", "js", "assets", "legal", "security", "support",
    };

    /// <summary>First path segments on ollama.com that are site sections, not user namespaces.</summary>
    private static readonly HashSet<string> OllamaReserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "search", "models", "blog", "download", "docs", "public", "signin", "signup", "settings", "pricing",
        "turbo", "cloud", "new", "api", "library", "assets", "connect", "account", "privacy", "terms",
    };

    /// <summary>GitHub repositories whose releases are local-inference runtimes (compliance.md §8); old ggerganov URLs redirect.</summary>
    private static readonly string[] RuntimeRepositories = ["ggml-org/llama.cpp", "ggerganov/llama.cpp", "Mozilla-Ocho/llamafile", "ollama/ollama"];

    public static HubClassification? Classify(ProxyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string host = record.Host.Length <= 253 ? record.Host.ToLowerInvariant() : "";
        HostRole role = HubCatalog.RoleOf(host);
        Hub? hub = HubCatalog.HubOf(role);
        if (IsTunnel(record))
        {
            // A tunnel shows only host and bytes. GitHub hosts serve everything under the sun, and a foreign R2
            // account is not known to be a hub: neither says anything about models.
            if (hub is null || role is HostRole.GitHub or HostRole.GitHubAssets)
            {
                return null;
            }
            return new HubClassification
            {
                Kind = RecordKind.HubTransfer,
                Hub = hub.Value,
                WeightHost = HubCatalog.IsWeightHost(role),
                Confidence = Confidence.Low,
            };
        }

        List<string> segments = UrlText.Segments(record.Path);
        return role switch
        {
            HostRole.HuggingFaceSite => HuggingFaceSite(segments, record.Query),
            HostRole.HuggingFaceStorage => HuggingFaceStorage(segments, record.Query),
            HostRole.HuggingFaceOther => new HubClassification { Kind = RecordKind.ApiCall, Hub = Hub.HuggingFace },
            HostRole.OllamaRegistry => OllamaRegistry(segments, Hub.Ollama, "") ?? Api(Hub.Ollama),
            HostRole.OllamaSite => OllamaSite(segments),
            HostRole.OllamaBlobStore => OllamaBlobPart(segments) ?? new HubClassification { Kind = RecordKind.CdnObject, Hub = Hub.Ollama, WeightHost = true },
            HostRole.OtherR2 => segments.Count > 0 && segments[0] == "ollama" ? OllamaBlobPart(segments) : null,
            HostRole.LmStudioSite => LmStudioSite(segments),
            HostRole.LmStudioDownloads => LmStudioDownloads(segments),
            HostRole.LmStudioOther => Api(Hub.LmStudio),
            HostRole.ModelScopeSite => ModelScope(segments, record.Query),
            HostRole.CivitaiSite => CivitaiSite(segments, record.Query),
            HostRole.CivitaiDelivery => CdnObject(Hub.Civitai, segments, record.Query, weightHost: true),
            HostRole.KaggleSite => Kaggle(segments),
            HostRole.GitHub => GitHubRelease(segments),
            HostRole.GitHubAssets => GitHubAsset(record.Query),
            _ => null,
        };
    }

    /// <summary>CONNECT, or what ELFF/W3C proxies log for one (<c>cs-uri-scheme ssl</c>/<c>tcp</c>, no path).</summary>
    internal static bool IsTunnel(ProxyRecord record) =>
        string.Equals(record.Method, "CONNECT", StringComparison.OrdinalIgnoreCase)
        || string.Equals(record.Scheme, "ssl", StringComparison.OrdinalIgnoreCase)
        || string.Equals(record.Scheme, "tcp", StringComparison.OrdinalIgnoreCase)
        || (record.Path.Length == 0 && record.Query is null && record.Scheme is null);

    private static HubClassification Api(Hub hub, string? modelId = null) =>
        new() { Kind = RecordKind.ApiCall, Hub = hub, ModelId = modelId };

    private static HubClassification Page(Hub hub, string? modelId = null) =>
        new() { Kind = RecordKind.PageView, Hub = hub, ModelId = modelId };

    private static string Join(List<string> segments, int start, int end) => string.Join('/', segments.GetRange(start, end - start));

    // ---- Hugging Face ---------------------------------------------------------------------------

    private static HubClassification HuggingFaceSite(List<string> s, string? query)
    {
        if (s.Count == 0)
        {
            return Page(Hub.HuggingFace);
        }
        string first = s[0];
        if (first.Equals("api", StringComparison.OrdinalIgnoreCase))
        {
            return HuggingFaceApi(s);
        }
        if (first.Equals("v2", StringComparison.Ordinal))
        {
            // Ollama pulling straight from HF: /v2/{user}/{repo}/manifests/{quant} (huggingface.co/docs/hub/ollama).
            return OllamaRegistry(s, Hub.HuggingFace, "hf.co/") ?? Api(Hub.HuggingFace);
        }
        if (first.Equals("datasets", StringComparison.OrdinalIgnoreCase) || first.Equals("spaces", StringComparison.OrdinalIgnoreCase))
        {
            string type = first.ToLowerInvariant();
            if (s.Count < 3)
            {
                return Page(Hub.HuggingFace);
            }
            string repo = $"{type}/{s[1]}/{s[2]}";
            if (s.Count >= 6 && s[3] == "resolve")
            {
                string path = Join(s, 5, s.Count);
                return new HubClassification
                {
                    Kind = type == "datasets" ? RecordKind.DatasetFile : RecordKind.SpaceFile,
                    Hub = Hub.HuggingFace,
                    ModelId = repo,
                    Revision = s[4],
                    FilePath = path,
                    FileName = UrlText.SanitiseFileName(path),
                };
            }
            return Page(Hub.HuggingFace, repo);
        }
        if (HuggingFaceReserved.Contains(first) || first.StartsWith('.'))
        {
            return Page(Hub.HuggingFace);
        }
        // Legacy repo ids without an organisation: /gpt2/resolve/main/config.json.
        if (s.Count >= 4 && s[1] == "resolve" && s[2] != "resolve")
        {
            return HuggingFaceResolve(first, s[2], Join(s, 3, s.Count));
        }
        if (s.Count >= 5 && s[2] == "resolve")
        {
            return HuggingFaceResolve($"{first}/{s[1]}", s[3], Join(s, 4, s.Count));
        }
        _ = query;
        // /{org}/{repo}[/blob|tree|discussions…]: a model page; /{org}: a user or organisation page.
        return s.Count >= 2 ? Page(Hub.HuggingFace, $"{first}/{s[1]}") : Page(Hub.HuggingFace);
    }

    private static HubClassification HuggingFaceResolve(string repo, string revision, string path) => new()
    {
        Kind = ModelFileNames.IsWeightFile(path) ? RecordKind.ModelFile : RecordKind.MetadataFile,
        Hub = Hub.HuggingFace,
        ModelId = repo,
        Revision = revision,
        FilePath = path,
        FileName = UrlText.SanitiseFileName(path),
    };

    /// <summary><c>/api/models/{repo}</c>, <c>/api/{type}s/{repo}/tree|revision|paths-info|xet-read-token/…</c>.</summary>
    private static HubClassification HuggingFaceApi(List<string> s)
    {
        if (s.Count >= 3 && s[1] is "models" or "datasets" or "spaces")
        {
            string prefix = s[1] == "models" ? "" : s[1] + "/";
            bool withOrg = s.Count >= 4 && s[3] is not ("revision" or "tree" or "paths-info" or "xet-read-token" or "discussions" or "commits" or "refs");
            string repo = withOrg ? $"{s[2]}/{s[3]}" : s[2];
            return Api(Hub.HuggingFace, prefix + repo);
        }
        return Api(Hub.HuggingFace);
    }

    /// <summary>
    /// LFS CDN <c>/repos/{aa}/{bb}/{repoSha}/{fileSha}</c> and Xet bridge <c>/xet-bridge-us/…/{fileSha}</c>: name from
    /// <c>response-content-disposition</c>, digest from the last path segment. Xet chunk fetches carry neither.
    /// </summary>
    private static HubClassification HuggingFaceStorage(List<string> s, string? query) => CdnObject(Hub.HuggingFace, s, query, weightHost: true);

    private static HubClassification CdnObject(Hub hub, List<string> s, string? query, bool weightHost)
    {
        string? name = UrlText.ContentDispositionFileName(query);
        // Only LFS (/repos/…/{fileSha}) and Xet bridge (/xet-bridge-*/…/{fileSha}) paths end in the file's SHA-256;
        // Xet chunk fetches end in a xorb hash that names no file, so they carry no digest.
        bool namesFile = s.Count > 1 && (s[0] == "repos" || s[0].StartsWith("xet-bridge", StringComparison.Ordinal));
        string? digest = namesFile && UrlText.IsSha256Hex(s[^1]) ? s[^1].ToLowerInvariant() : null;
        return new HubClassification
        {
            Kind = RecordKind.CdnObject,
            Hub = hub,
            FilePath = name,
            FileName = name,
            Digest = digest,
            WeightHost = weightHost,
        };
    }

    // ---- Ollama ---------------------------------------------------------------------------------

    /// <summary>
    /// <c>/v2/{namespace}/{model}/manifests/{tag}</c> and <c>/v2/{namespace}/{model}/blobs/sha256:{digest}</c>;
    /// <paramref name="idPrefix"/> is <c>hf.co/</c> for Ollama-from-HF. Null for other paths.
    /// </summary>
    private static HubClassification? OllamaRegistry(List<string> s, Hub hub, string idPrefix)
    {
        if (s.Count < 4 || s[0] != "v2")
        {
            return null;
        }
        int marker = -1;
        for (int i = 2; i < s.Count - 1; i++)
        {
            if (s[i] is "manifests" or "blobs")
            {
                marker = i;
                break;
            }
        }
        if (marker < 0 || marker != s.Count - 2)
        {
            return null;
        }
        string name = Join(s, 1, marker);
        if (idPrefix.Length == 0 && name.StartsWith("library/", StringComparison.Ordinal))
        {
            name = name["library/".Length..];
        }
        string repository = idPrefix + name;
        string reference = s[^1];
        if (s[marker] == "manifests")
        {
            return new HubClassification
            {
                Kind = RecordKind.ModelManifest,
                Hub = hub,
                ModelId = $"{repository}:{reference}",
                Revision = reference,
                Repository = repository,
            };
        }
        string? digest = reference.StartsWith("sha256:", StringComparison.Ordinal) && UrlText.IsSha256Hex(reference.AsSpan(7))
            ? reference[7..].ToLowerInvariant()
            : null;
        return new HubClassification { Kind = RecordKind.ModelBlob, Hub = hub, ModelId = repository, Repository = repository, Digest = digest };
    }

    /// <summary>R2: <c>/ollama/docker/registry/v2/blobs/sha256/{aa}/{digest}/data</c>, one request per range part.</summary>
    private static HubClassification? OllamaBlobPart(List<string> s)
    {
        for (int i = 0; i + 3 < s.Count; i++)
        {
            if (s[i] == "blobs" && s[i + 1] == "sha256" && UrlText.IsSha256Hex(s[i + 3]))
            {
                return new HubClassification { Kind = RecordKind.BlobPart, Hub = Hub.Ollama, Digest = s[i + 3].ToLowerInvariant(), WeightHost = true };
            }
        }
        return null;
    }

    private static HubClassification OllamaSite(List<string> s)
    {
        if (s.Count == 0)
        {
            return Page(Hub.Ollama);
        }
        if (s[0] == "v2")
        {
            return OllamaRegistry(s, Hub.Ollama, "") ?? Api(Hub.Ollama);
        }
        if (s[0] == "api")
        {
            return Api(Hub.Ollama);
        }
        string last = s[^1];
        // /install.sh, /download/OllamaSetup.exe, /download/Ollama-darwin.zip, /download/Ollama.dmg (compliance.md §8).
        if (ModelFileNames.IsInstallerFile(last))
        {
            return new HubClassification
            {
                Kind = RecordKind.RuntimeInstaller,
                Hub = Hub.Ollama,
                ModelId = "ollama/ollama",
                FilePath = UrlText.SanitiseFileName(last),
                FileName = UrlText.SanitiseFileName(last),
            };
        }
        if (s[0] == "library")
        {
            return s.Count >= 2 ? Page(Hub.Ollama, s[1]) : Page(Hub.Ollama);
        }
        if (!OllamaReserved.Contains(s[0]) && s.Count >= 2)
        {
            return Page(Hub.Ollama, $"{s[0]}/{s[1]}");
        }
        return Page(Hub.Ollama);
    }

    // ---- LM Studio ------------------------------------------------------------------------------

    private static HubClassification LmStudioSite(List<string> s)
    {
        if (s.Count >= 1 && s[0] == "api")
        {
            return Api(Hub.LmStudio);
        }
        if (s.Count >= 2 && s[0] == "models")
        {
            return Page(Hub.LmStudio, Join(s, 1, Math.Min(s.Count, 3)));
        }
        return Page(Hub.LmStudio);
    }

    /// <summary>
    /// <c>installers.lmstudio.ai/{os}/{arch}/{ver}/LM-Studio-{ver}-{arch}.AppImage</c>,
    /// <c>releases.lmstudio.ai/{os}/{arch}/latest</c>, <c>files.lmstudio.ai/…</c>.
    /// </summary>
    private static HubClassification LmStudioDownloads(List<string> s)
    {
        if (s.Count == 0)
        {
            return Page(Hub.LmStudio);
        }
        string last = s[^1];
        bool latest = last == "latest";
        if (!latest && !ModelFileNames.IsInstallerFile(last))
        {
            return new HubClassification { Kind = RecordKind.CdnObject, Hub = Hub.LmStudio, FileName = UrlText.SanitiseFileName(last), FilePath = UrlText.SanitiseFileName(last) };
        }
        string? version = latest ? "latest" : s.Count >= 4 ? s[^2] : null;
        string file = UrlText.SanitiseFileName(latest ? Join(s, 0, s.Count).Replace('/', '-') : last) ?? "lm-studio";
        return new HubClassification
        {
            Kind = RecordKind.RuntimeInstaller,
            Hub = Hub.LmStudio,
            ModelId = "lm-studio",
            Revision = version,
            FilePath = file,
            FileName = file,
        };
    }

    // ---- ModelScope -----------------------------------------------------------------------------

    /// <summary>
    /// <c>/api/v1/models/{owner}/{name}/repo?Revision=…&amp;FilePath=…</c>, <c>/api/v1/models/{id}/repo/files</c>,
    /// <c>/models/{owner}/{name}/resolve/{rev}/{file}</c> (modelscope/modelscope hub/file_download.py).
    /// </summary>
    private static HubClassification ModelScope(List<string> s, string? query)
    {
        if (s.Count >= 5 && s[0] == "api" && s[1] == "v1" && s[2] == "models")
        {
            string repo = $"{s[3]}/{s[4]}";
            string? filePath = UrlText.QueryValue(query, "FilePath");
            if (s.Count == 6 && s[5] == "repo" && !string.IsNullOrEmpty(filePath))
            {
                return RepoFile(Hub.ModelScope, repo, UrlText.QueryValue(query, "Revision"), filePath);
            }
            return Api(Hub.ModelScope, repo);
        }
        if (s.Count >= 1 && s[0] == "api")
        {
            return Api(Hub.ModelScope);
        }
        if (s.Count >= 3 && s[0] == "models")
        {
            string repo = $"{s[1]}/{s[2]}";
            if (s.Count >= 6 && s[3] == "resolve")
            {
                return RepoFile(Hub.ModelScope, repo, s[4], Join(s, 5, s.Count));
            }
            return Page(Hub.ModelScope, repo);
        }
        return Page(Hub.ModelScope);
    }

    private static HubClassification RepoFile(Hub hub, string repo, string? revision, string path) => new()
    {
        Kind = ModelFileNames.IsWeightFile(path) ? RecordKind.ModelFile : RecordKind.MetadataFile,
        Hub = hub,
        ModelId = repo,
        Revision = revision,
        FilePath = path,
        FileName = UrlText.SanitiseFileName(path),
    };

    // ---- Civitai, Kaggle ------------------------------------------------------------------------

    /// <summary><c>/api/download/models/{modelVersionId}</c>; pages <c>/models/{id}[/{slug}]?modelVersionId=…</c>.</summary>
    private static HubClassification? CivitaiSite(List<string> s, string? query)
    {
        if (s.Count >= 4 && s[0] == "api" && s[1] == "download" && s[2] == "models" && IsDigits(s[3]))
        {
            return new HubClassification { Kind = RecordKind.ModelFile, Hub = Hub.Civitai, ModelId = s[3] };
        }
        if (s.Count >= 1 && s[0] == "api")
        {
            return Api(Hub.Civitai);
        }
        if (s.Count >= 2 && s[0] == "models" && IsDigits(s[1]))
        {
            string? version = UrlText.QueryValue(query, "modelVersionId");
            return Page(Hub.Civitai, version is not null && IsDigits(version) ? version : $"models/{s[1]}");
        }
        return Page(Hub.Civitai);
    }

    /// <summary><c>/api/v1/models/{owner}/{model}/{framework}/{variation}/{version}/download</c>; pages <c>/models/{owner}/{model}</c>.</summary>
    private static HubClassification? Kaggle(List<string> s)
    {
        if (s.Count >= 9 && s[0] == "api" && s[1] == "v1" && s[2] == "models" && s[8] == "download")
        {
            return new HubClassification
            {
                Kind = RecordKind.ModelFile,
                Hub = Hub.Kaggle,
                ModelId = Join(s, 3, 8),
                Revision = s[7],
                FilePath = s.Count > 9 ? Join(s, 9, s.Count) : null,
                FileName = s.Count > 9 ? UrlText.SanitiseFileName(s[^1]) : null,
            };
        }
        if (s.Count >= 4 && s[0] == "api" && s[1] == "v1" && s[2] == "models")
        {
            return Api(Hub.Kaggle, s.Count >= 5 ? $"{s[3]}/{s[4]}" : null);
        }
        if (s.Count >= 3 && s[0] == "models")
        {
            return Page(Hub.Kaggle, $"{s[1]}/{s[2]}");
        }
        // Kaggle's competitions, datasets and notebooks are not model hubs.
        return null;
    }

    // ---- GitHub releases ------------------------------------------------------------------------

    /// <summary><c>/{owner}/{repo}/releases/download/{tag}/{file}</c> and <c>/releases/latest/download/{file}</c> of the runtime repositories.</summary>
    private static HubClassification? GitHubRelease(List<string> s)
    {
        if (s.Count < 6 || s[2] != "releases")
        {
            return null;
        }
        string repo = $"{s[0]}/{s[1]}";
        if (!Array.Exists(RuntimeRepositories, r => r.Equals(repo, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        string? tag;
        if (s.Count == 6 && s[3] == "download")
        {
            tag = s[4];
        }
        else if (s.Count == 6 && s[3] == "latest" && s[4] == "download")
        {
            tag = "latest";
        }
        else
        {
            return null;
        }
        string? file = UrlText.SanitiseFileName(s[5]);
        return new HubClassification
        {
            Kind = RecordKind.RuntimeInstaller,
            Hub = Hub.GitHubRelease,
            ModelId = repo.Equals("ggerganov/llama.cpp", StringComparison.OrdinalIgnoreCase) ? "ggml-org/llama.cpp" : repo,
            Revision = tag,
            FilePath = file,
            FileName = file,
        };
    }

    /// <summary>objects/release-assets.githubusercontent.com: only the asset name in <c>response-content-disposition</c> says what it is.</summary>
    private static HubClassification? GitHubAsset(string? query)
    {
        string? name = UrlText.ContentDispositionFileName(query);
        string? runtime = name is null ? null : ModelFileNames.RuntimeOfAsset(name);
        return runtime is null
            ? null
            : new HubClassification { Kind = RecordKind.RuntimeInstaller, Hub = Hub.GitHubRelease, ModelId = runtime, FilePath = name, FileName = name };
    }

    private static bool IsDigits(string text) => text.Length is > 0 and <= 19 && !text.AsSpan().ContainsAnyExceptInRange('0', '9');
}
