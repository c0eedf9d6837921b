using System.Text.RegularExpressions;
using Lantern.Core.Model;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;
using Lantern.Formats;
using Lantern.Formats.Ollama;

namespace Lantern.Discovery.Detectors.Ollama;

/// <summary>
/// Ollama: binaries and app bundles, the model store (<c>$OLLAMA_MODELS</c>, <c>~/.ollama/models</c>,
/// the Linux service's <c>/usr/share/ollama/.ollama/models</c>), manifests → model names, blobs named
/// by digest, licence layers, and cloud models that have no local weights (discovery.md §2.1).
/// </summary>
public sealed partial class OllamaDetector : InstalledRuntimeDetector
{
    /// <summary>Manifests read per store at most; a real store has tens.</summary>
    private const int MaxManifests = 10_000;

    /// <summary>Licence layers are text; the longest real ones are ~30 KiB.</summary>
    private const int MaxLicenseBytes = 512 * 1024;

    private const string DefaultHost = "registry.ollama.ai";
    private const string DefaultNamespace = "library";

    public override string Id => "ollama";

    public override int Version => 1;

    public override string DisplayName => "Ollama";

    protected override IReadOnlyList<string> ExecutableNames => ["ollama", "ollama.exe"];

    protected override IReadOnlyList<string> VersionArguments => ["-v"];

    // `ollama -v` prints "ollama version is X" (server) or "Warning: client version is X".
    protected override Regex? VersionPattern => VersionLine();

    protected override IReadOnlyList<string> MacAppBundles => ["/Applications/Ollama.app"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        ScanEnvironment env = context.Environment;
        return env.Os switch
        {
            HostOs.Windows => [Path.Combine(home.LocalData, "Programs", "Ollama")],
            HostOs.MacOS => [env.SystemPath("/Applications/Ollama.app/Contents/Resources"), env.SystemPath("/usr/local/bin"), env.SystemPath("/opt/homebrew/bin")],
            _ => [env.SystemPath("/usr/local/bin"), env.SystemPath("/usr/bin"), env.SystemPath("/bin")],
        };
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        if (home.Variable("OLLAMA_MODELS") is { } moved)
        {
            yield return moved;
        }
        yield return Path.Combine(home.Home, ".ollama", "models");
    }

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        yield return Path.Combine(home.Home, ".ollama");
    }

    public override void Detect(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        base.Detect(context);
        var stores = new List<string>();
        foreach (KnownFolders home in context.HomeFolders)
        {
            stores.AddRange(ModelDirectories(context, home));
        }
        if (context.Environment.Os == HostOs.Linux)
        {
            string service = context.Environment.SystemPath("/usr/share/ollama/.ollama/models");
            stores.Add(service);
            if (ServiceModelsOverride(context) is { } overridden)
            {
                stores.Add(overridden);
            }
        }
        foreach (string store in stores.Distinct(StringComparer.Ordinal).Where(context.DirectoryExists))
        {
            context.AddStore(new ModelStore(store, Id));
            ReadStore(context, store);
        }
    }

    /// <summary>The systemd override's <c>Environment="OLLAMA_MODELS=…"</c>, where a service keeps its models.</summary>
    private static string? ServiceModelsOverride(DetectorContext context)
    {
        string? text = context.ReadText(context.Environment.SystemPath("/etc/systemd/system/ollama.service.d/override.conf"), 64 * 1024);
        if (text is null)
        {
            return null;
        }
        Match match = ServiceModels().Match(text);
        return match.Success ? context.Environment.SystemPath(match.Groups["path"].Value.Trim()) : null;
    }

    private void ReadStore(DetectorContext context, string store)
    {
        string manifests = Path.Combine(store, "manifests");
        string blobs = Path.Combine(store, "blobs");
        int count = 0;
        // Layout: manifests/<host>/<namespace>/<model>/<tag> (ollama/ollama: manifest/paths.go).
        foreach (string host in context.Directories(manifests))
        {
            foreach (string ns in context.Directories(host))
            {
                foreach (string model in context.Directories(ns))
                {
                    foreach (string tagFile in context.Files(model))
                    {
                        if (++count > MaxManifests)
                        {
                            context.AddProblem(manifests, ProblemCodes.OverLimit, $"More than {MaxManifests} manifests; the rest were not read.");
                            return;
                        }
                        string name = ModelName(Path.GetFileName(host), Path.GetFileName(ns), Path.GetFileName(model), Path.GetFileName(tagFile));
                        ReadManifest(context, tagFile, blobs, name);
                    }
                }
            }
        }
    }

    /// <summary><c>llama3.2:1b</c> for the default registry and namespace, else the full <c>host/ns/model:tag</c>.</summary>
    internal static string ModelName(string host, string ns, string model, string tag)
    {
        if (host == DefaultHost)
        {
            return ns == DefaultNamespace ? $"{model}:{tag}" : $"{ns}/{model}:{tag}";
        }
        return $"{host}/{ns}/{model}:{tag}";
    }

    private void ReadManifest(DetectorContext context, string manifestPath, string blobs, string name)
    {
        byte[]? bytes = context.ReadBytes(manifestPath, 1024 * 1024);
        if (bytes is null)
        {
            return;
        }
        OllamaManifest manifest;
        try
        {
            manifest = OllamaManifestReader.Parse(bytes);
        }
        catch (ModelFormatException ex)
        {
            context.AddProblem(manifestPath, ProblemCodes.Malformed, $"Manifest for {name} is not a valid Ollama manifest: {ex.Message}");
            return;
        }

        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["ollama.manifest"] = manifestPath };
        OllamaModelConfig? config = null;
        if (manifest.Config is { } configLayer && BlobPath(context, blobs, configLayer.Digest, manifestPath) is { } configPath)
        {
            byte[]? configBytes = context.ReadBytes(configPath, 1024 * 1024);
            if (configBytes is not null)
            {
                try
                {
                    config = OllamaConfigReader.Parse(configBytes);
                }
                catch (ModelFormatException ex)
                {
                    context.AddProblem(configPath, ProblemCodes.Malformed, $"Config blob of {name} is not valid: {ex.Message}");
                }
            }
        }
        if (config is not null)
        {
            AddIfSet(metadata, "ollama.format", config.ModelFormat);
            AddIfSet(metadata, "ollama.family", config.ModelFamily);
            AddIfSet(metadata, "ollama.parameterSize", config.ModelType);
            AddIfSet(metadata, "quantization", config.FileType);
            AddIfSet(metadata, "ollama.requires", config.Requires);
            AddIfSet(metadata, "ollama.remoteHost", config.RemoteHost);
            AddIfSet(metadata, "ollama.remoteModel", config.RemoteModel);
        }

        string? license = ReadLicenses(context, manifest, blobs, manifestPath);
        bool hasWeights = false;
        foreach (OllamaLayer layer in manifest.Layers)
        {
            string kind = LayerKind(layer.MediaType);
            if (kind is not ("model" or "tensor" or "adapter" or "projector" or "draft"))
            {
                continue;
            }
            if (BlobPath(context, blobs, layer.Digest, manifestPath) is not { } blobPath)
            {
                continue;
            }
            hasWeights = true;
            string hex = OllamaDigest.TryParse(layer.Digest, out string parsed) ? parsed : string.Empty;
            var layerMetadata = new SortedDictionary<string, string>(metadata, StringComparer.Ordinal) { ["ollama.layer"] = kind };
            AddIfSet(layerMetadata, "ollama.tensor", layer.Name);
            context.Claim(new ArtifactClaim
            {
                Path = blobPath,
                Runtime = Id,
                ModelName = kind == "model" ? name : $"{name} ({kind})",
                NamedSha256 = hex,
                LicenseRaw = license,
                LicenseSource = license is null ? null : "ollama:license-layer",
                Metadata = layerMetadata,
                ExpectedFormat = kind == "model" ? "gguf" : null,
                AssertsModel = kind is "model" or "adapter" or "projector" or "draft",
            });
        }
        if (!hasWeights && config?.RemoteHost is not null)
        {
            context.Claim(new ArtifactClaim
            {
                Path = manifestPath,
                Runtime = Id,
                ModelName = name,
                Cloud = true,
                LicenseRaw = license,
                LicenseSource = license is null ? null : "ollama:license-layer",
                Metadata = metadata,
            });
        }
    }

    private static string? ReadLicenses(DetectorContext context, OllamaManifest manifest, string blobs, string manifestPath)
    {
        var texts = new List<string>();
        long total = 0;
        foreach (OllamaLayer layer in manifest.Layers.Where(l => LayerKind(l.MediaType) == "license"))
        {
            // A manifest may list many licence layers; together they get the budget one text gets.
            if (total >= MaxLicenseBytes)
            {
                context.AddProblem(manifestPath, ProblemCodes.OverLimit, $"Licence layers exceed {MaxLicenseBytes} bytes together; the rest were not read.");
                break;
            }
            if (BlobPath(context, blobs, layer.Digest, manifestPath) is { } path && context.ReadText(path, MaxLicenseBytes) is { } text)
            {
                texts.Add(text);
                total += text.Length;
            }
        }
        return texts.Count == 0 ? null : string.Join("\n\n", texts);
    }

    /// <summary>The blob file for a digest, after checking the digest's shape (the CVE-2024-37032 lesson).</summary>
    private static string? BlobPath(DetectorContext context, string blobs, string digest, string manifestPath)
    {
        if (!OllamaDigest.TryParse(digest, out string hex))
        {
            context.AddProblem(manifestPath, ProblemCodes.Malformed, $"Manifest names a layer digest '{Shorten(digest)}' that is not sha256:<64 hex>; it was not followed.");
            return null;
        }
        string path = Path.Combine(blobs, "sha256-" + hex);
        if (!context.FileExists(path))
        {
            context.AddProblem(path, ProblemCodes.Vanished, "Manifest references a blob that is not in the store (pull interrupted or blob deleted).");
            return null;
        }
        return path;
    }

    private static string LayerKind(string mediaType)
    {
        const string Prefix = "application/vnd.ollama.image.";
        return mediaType.StartsWith(Prefix, StringComparison.Ordinal) ? mediaType[Prefix.Length..] : mediaType;
    }

    private static void AddIfSet(SortedDictionary<string, string> metadata, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            metadata[key] = value;
        }
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";

    [GeneratedRegex(@"version is (?<version>[0-9][0-9A-Za-z.+-]*)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex VersionLine();

    [GeneratedRegex(@"OLLAMA_MODELS=(?<path>[^""\r\n]+)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex ServiceModels();
}
