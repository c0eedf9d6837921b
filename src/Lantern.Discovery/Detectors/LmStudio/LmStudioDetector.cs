using System.Text.Json;
using Lantern.Core.Model;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.LmStudio;

/// <summary>
/// LM Studio, its <c>lms</c> CLI and the <c>llmster</c> daemon. The home is resolved the way
/// lmstudio-js does (pointer file, then <c>~/.cache/lm-studio</c>, then <c>~/.lmstudio</c>);
/// models live in <c>models/&lt;publisher&gt;/&lt;model&gt;/</c> or the <c>downloadsFolder</c> setting (discovery.md §2.2).
/// </summary>
public sealed class LmStudioDetector : InstalledRuntimeDetector
{
    public override string Id => "lmstudio";

    public override string DisplayName => "LM Studio";

    protected override IReadOnlyList<string> ExecutableNames => ["lms", "lms.exe", "llmster", "llmster.exe", "lm-studio", "LM Studio.exe"];

    protected override IReadOnlyList<string> MacAppBundles => ["/Applications/LM Studio.app"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        string lmHome = ResolveHome(context, home);
        yield return Path.Combine(lmHome, "bin");
        foreach (string file in new[] { "app-install-location.json", "llmster-install-location.json" })
        {
            if (InstallLocation(context, Path.Combine(lmHome, ".internal", file)) is { } path)
            {
                yield return Path.GetDirectoryName(path) ?? path;
            }
        }
        if (context.Environment.Os == HostOs.Windows)
        {
            yield return Path.Combine(home.WindowsPrograms, "LM Studio");
        }
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        string lmHome = ResolveHome(context, home);
        if (ReadJsonString(context, Path.Combine(lmHome, "settings.json"), "downloadsFolder") is { } custom)
        {
            yield return custom;
        }
        yield return Path.Combine(lmHome, "models");
    }

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        yield return ResolveHome(context, home);
    }

    /// <summary><c>publisher/model/file.gguf</c> → <c>publisher/model</c>.</summary>
    protected override string? ModelNameOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        string[] parts = relativePath.Replace('\\', '/').Split('/');
        return parts.Length >= 3 ? $"{parts[0]}/{parts[1]}" : null;
    }

    protected override IReadOnlyDictionary<string, string> ExtraProperties(DetectorContext context, string executable)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KnownFolders home in context.HomeFolders)
        {
            string serverFile = Path.Combine(ResolveHome(context, home), ".internal", "http-server.json");
            if (ReadJsonNumber(context, serverFile, "port") is { } port)
            {
                properties["server.port"] = port;
            }
        }
        return properties;
    }

    /// <summary>lmstudio-js findLMStudioHome: pointer file, then the pre-0.3 cache folder, then ~/.lmstudio.</summary>
    internal static string ResolveHome(DetectorContext context, KnownFolders home)
    {
        string? pointer = context.ReadText(Path.Combine(home.Home, ".lmstudio-home-pointer"), 4096)?.Trim();
        if (!string.IsNullOrEmpty(pointer) && pointer.IndexOfAny(['\0', '\n']) < 0)
        {
            return pointer;
        }
        string legacy = Path.Combine(home.Home, ".cache", "lm-studio");
        return context.DirectoryExists(legacy) ? legacy : Path.Combine(home.Home, ".lmstudio");
    }

    private static string? InstallLocation(DetectorContext context, string file) => ReadJsonString(context, file, "path");

    private static string? ReadJsonString(DetectorContext context, string file, string property)
    {
        using JsonDocument? doc = Parse(context, file);
        return doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }

    private static string? ReadJsonNumber(DetectorContext context, string file, string property)
    {
        using JsonDocument? doc = Parse(context, file);
        return doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.Number
            ? value.GetRawText()
            : null;
    }

    private static JsonDocument? Parse(DetectorContext context, string file)
    {
        byte[]? bytes = context.ReadBytes(file, 256 * 1024);
        if (bytes is null)
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            context.AddProblem(file, ProblemCodes.Malformed, $"Not valid JSON: {ex.Message}");
            return null;
        }
    }
}
