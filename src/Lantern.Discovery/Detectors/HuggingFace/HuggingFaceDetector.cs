using Lantern.Core.Model;
using Lantern.Discovery.Engine;
using Lantern.Formats.HuggingFace;

namespace Lantern.Discovery.Detectors.HuggingFace;

/// <summary>
/// The Hugging Face hub cache (used by transformers, vLLM, MLX-LM, TGI and llama.cpp ≥ Mar 2026):
/// <c>models--org--name/{refs,blobs,snapshots}</c>; LFS blobs are named by SHA-256, snapshots
/// link to them, README front matter carries the licence (discovery.md §2.3).
/// </summary>
public sealed class HuggingFaceDetector : IRuntimeDetector
{
    /// <summary>Files per snapshot examined at most (a sharded 405B model has a few hundred).</summary>
    private const int MaxFilesPerSnapshot = 20_000;

    /// <summary>Snapshot subfolder depth followed at most (repos nest a few levels: onnx/, gguf/…).</summary>
    private const int MaxSnapshotDepth = 8;

    public string Id => "huggingface";

    public int Version => 1;

    public string DisplayName => "Hugging Face hub cache";

    public IReadOnlyList<string> PythonDistributions => ["huggingface_hub"];

    public void Detect(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (KnownFolders home in context.HomeFolders)
        {
            string hfHome = home.Variable("HF_HOME") ?? Path.Combine(home.Variable("XDG_CACHE_HOME") ?? Path.Combine(home.Home, ".cache"), "huggingface");
            var caches = new List<string>();
            if (home.Variable("HF_HUB_CACHE") is { } hub)
            {
                caches.Add(hub);
            }
            if (home.Variable("HUGGINGFACE_HUB_CACHE") is { } legacy)
            {
                caches.Add(legacy);
            }
            caches.Add(Path.Combine(hfHome, "hub"));
            caches.Add(Path.Combine(home.Home, ".cache", "huggingface", "hub"));
            // llama.cpp ≥ March 2026 keeps -hf downloads in the hub layout under $LLAMA_CACHE.
            if (home.Variable("LLAMA_CACHE") is { } llamaCache)
            {
                caches.Add(llamaCache);
            }
            foreach (string cache in caches.Distinct(StringComparer.Ordinal).Where(context.DirectoryExists))
            {
                ReadCache(context, cache);
            }
        }
    }

    private void ReadCache(DetectorContext context, string cache)
    {
        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string hfHome = Path.GetDirectoryName(cache) ?? cache;
        if (context.FileExists(Path.Combine(hfHome, "token")))
        {
            // A credential: record that it exists, never read it.
            properties["token"] = "present";
        }
        int repos = 0;
        foreach (string repo in context.Directories(cache))
        {
            string folder = Path.GetFileName(repo);
            if (!folder.StartsWith("models--", StringComparison.Ordinal))
            {
                continue;
            }
            repos++;
            string repoId = string.Join('/', folder["models--".Length..].Split("--"));
            context.AddStore(new ModelStore(repo, Id, _ => repoId));
            ReadRepo(context, repo, repoId);
        }
        context.AddRuntime(new RuntimeInstall
        {
            Id = Id,
            Name = DisplayName,
            Paths = [new RuntimePath("models", cache)],
            Properties = new SortedDictionary<string, string>(properties, StringComparer.Ordinal) { ["repositories"] = repos.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
    }

    private void ReadRepo(DetectorContext context, string repo, string repoId)
    {
        string blobs = Path.Combine(repo, "blobs");
        foreach (string snapshot in context.Directories(Path.Combine(repo, "snapshots")))
        {
            string revision = Path.GetFileName(snapshot);
            (string? license, string? licenseSource) = ReadLicense(context, snapshot);
            int files = 0;
            var pending = new Stack<(string Dir, int Depth)>();
            pending.Push((snapshot, 0));
            while (pending.Count > 0)
            {
                var (dir, depth) = pending.Pop();
                foreach (string file in context.Files(dir))
                {
                    if (++files > MaxFilesPerSnapshot)
                    {
                        context.AddProblem(snapshot, ProblemCodes.OverLimit, $"More than {MaxFilesPerSnapshot} files in one snapshot; the rest were not attributed.");
                        pending.Clear();
                        break;
                    }
                    ClaimFile(context, file, snapshot, blobs, repoId, revision, license, licenseSource);
                }
                if (depth < MaxSnapshotDepth)
                {
                    // Snapshot subfolders are real folders; links to folders are not followed (loops).
                    foreach (string sub in context.Directories(dir))
                    {
                        pending.Push((sub, depth + 1));
                    }
                }
            }
        }
    }

    private void ClaimFile(DetectorContext context, string file, string snapshot, string blobs, string repoId, string revision, string? license, string? licenseSource)
    {
        string relative = Path.GetRelativePath(snapshot, file).Replace('\\', '/');
        string target = file;
        string? named = null;
        try
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null)
            {
                if (info.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo { Exists: true } resolved)
                {
                    return;
                }
                target = resolved.FullName;
                string blobName = Path.GetFileName(target);
                // LFS blobs (the weights) are named by their SHA-256; small git files by git-sha1 (40 hex).
                if (blobName.Length == 64 && blobName.All(char.IsAsciiHexDigitLower) && Path.GetDirectoryName(target) == Path.GetFullPath(blobs))
                {
                    named = blobName;
                }
            }
        }
        catch (IOException ex)
        {
            context.AddProblem(file, ProblemCodes.SymlinkLoop, $"Snapshot link could not be resolved: {ex.Message}");
            return;
        }
        context.Claim(new ArtifactClaim
        {
            Path = target,
            Runtime = Id,
            ModelName = repoId,
            Revision = revision,
            NamedSha256 = named,
            LicenseRaw = license,
            LicenseSource = licenseSource,
            Metadata = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["hf.file"] = relative },
        });
    }

    private static (string? License, string? Source) ReadLicense(DetectorContext context, string snapshot)
    {
        if (context.ReadText(Path.Combine(snapshot, "README.md"), 256 * 1024) is { } readme)
        {
            ModelCard card = ModelCardReader.Parse(readme);
            string? id = card.License is "other" && card.LicenseName is { } named ? named : card.License;
            if (id is not null)
            {
                return (id, "hf:readme");
            }
        }
        foreach (string name in new[] { "LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE" })
        {
            if (context.ReadText(Path.Combine(snapshot, name), 512 * 1024) is { } text)
            {
                return (text, "file:" + name);
            }
        }
        return (null, null);
    }
}
