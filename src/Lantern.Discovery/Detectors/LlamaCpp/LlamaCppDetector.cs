using System.Text.Json;
using System.Text.RegularExpressions;
using Lantern.Core.Model;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.LlamaCpp;

/// <summary>
/// llama.cpp binaries (<c>llama-server</c>, <c>llama-cli</c>, <c>llama</c>, <c>rpc-server</c>) with their
/// build number, and the legacy <c>-hf</c> download cache with its <c>manifest=owner=repo=tag.json</c>
/// files; the newer hub-layout cache is read by the Hugging Face detector (discovery.md §2.4).
/// </summary>
public sealed partial class LlamaCppDetector : InstalledRuntimeDetector
{
    public override string Id => "llama.cpp";

    public override string DisplayName => "llama.cpp";

    protected override IReadOnlyList<string> ExecutableNames =>
        ["llama-server", "llama-cli", "llama", "rpc-server", "ggml-rpc-server", "llama-server.exe", "llama-cli.exe", "llama.exe", "rpc-server.exe"];

    // `llama-server --version` prints "version: 4321 (abcdef12)" then "built with …".
    protected override IReadOnlyList<string> VersionArguments => ["--version"];

    protected override Regex? VersionPattern => BuildLine();

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        ScanEnvironment env = context.Environment;
        return env.Os switch
        {
            HostOs.Windows => [Path.Combine(home.LocalData, "Microsoft", "WinGet", "Links"), Path.Combine(home.Home, "scoop", "shims")],
            HostOs.MacOS => [env.SystemPath("/opt/homebrew/bin"), env.SystemPath("/usr/local/bin")],
            _ => [env.SystemPath("/usr/local/bin"), env.SystemPath("/usr/bin"), Path.Combine(home.Home, ".local", "bin"), Path.Combine(home.Home, "llama.cpp", "build", "bin")],
        };
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        if (home.Variable("LLAMA_CACHE") is { } moved)
        {
            yield return moved;
        }
        yield return context.Environment.Os switch
        {
            HostOs.Windows => Path.Combine(home.LocalData, "llama.cpp"),
            HostOs.MacOS => Path.Combine(home.Home, "Library", "Caches", "llama.cpp"),
            _ => Path.Combine(home.Cache, "llama.cpp"),
        };
    }

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        yield return Path.Combine(home.Config, "llama.cpp");
    }

    protected override (string? Version, string? Source) ReadVersion(DetectorContext context, string executable)
    {
        (string? build, string? source) = base.ReadVersion(context, executable);
        return (build is null ? null : "b" + build, source);
    }

    public override void Detect(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        base.Detect(context);
        foreach (KnownFolders home in context.HomeFolders)
        {
            foreach (string cache in ModelDirectories(context, home).Where(context.DirectoryExists))
            {
                ReadLegacyManifests(context, cache);
            }
        }
    }

    /// <summary>
    /// Legacy cache: <c>manifest=&lt;owner&gt;=&lt;repo&gt;=&lt;tag&gt;.json</c> names the GGUF it downloaded as
    /// <c>&lt;owner&gt;_&lt;repo&gt;_&lt;file&gt;</c> (ggml-org/llama.cpp: common/common.cpp).
    /// </summary>
    private void ReadLegacyManifests(DetectorContext context, string cache)
    {
        foreach (string file in context.Files(cache))
        {
            string name = Path.GetFileName(file);
            if (!name.StartsWith("manifest=", StringComparison.Ordinal) || !name.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }
            string[] parts = name["manifest=".Length..^".json".Length].Split('=');
            if (parts.Length != 3)
            {
                continue;
            }
            string repoId = $"{parts[0]}/{parts[1]}";
            foreach (string rfilename in GgufFiles(context, file))
            {
                string local = Path.Combine(cache, $"{parts[0]}_{parts[1]}_{Path.GetFileName(rfilename)}");
                if (context.FileExists(local))
                {
                    context.Claim(new ArtifactClaim
                    {
                        Path = local,
                        Runtime = Id,
                        ModelName = $"{repoId}:{parts[2]}",
                        Metadata = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["hf.file"] = rfilename, ["llama.cpp.manifest"] = file },
                        ExpectedFormat = "gguf",
                        AssertsModel = true,
                    });
                }
            }
        }
    }

    private static List<string> GgufFiles(DetectorContext context, string manifest)
    {
        byte[]? bytes = context.ReadBytes(manifest, 1024 * 1024);
        if (bytes is null)
        {
            return [];
        }
        List<string> result = [];
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            foreach (string key in new[] { "ggufFile", "mmprojFile" })
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(key, out JsonElement entry)
                    && entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("rfilename", out JsonElement rf) && rf.ValueKind == JsonValueKind.String
                    && rf.GetString() is { Length: > 0 and < 1024 } value)
                {
                    result.Add(value);
                }
            }
        }
        catch (JsonException ex)
        {
            context.AddProblem(manifest, ProblemCodes.Malformed, $"llama.cpp cache manifest is not valid JSON: {ex.Message}");
        }
        return result;
    }

    [GeneratedRegex(@"version:\s*(?<version>\d{1,7})\s*\((?<commit>[0-9a-f]{6,40})\)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex BuildLine();
}
