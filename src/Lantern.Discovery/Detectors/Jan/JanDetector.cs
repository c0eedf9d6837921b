using System.Text.Json;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.Jan;

/// <summary>
/// Jan (Tauri): data folder from <c>JAN_DATA_FOLDER</c>, the <c>data_folder</c> setting, or
/// <c>&lt;data_dir&gt;/Jan/data</c>; models under <c>models/</c> and <c>llamacpp/</c> (janhq/jan; discovery.md §2.6).
/// </summary>
public sealed class JanDetector : InstalledRuntimeDetector
{
    public override string Id => "jan";

    public override string DisplayName => "Jan";

    protected override IReadOnlyList<string> ExecutableNames => ["jan", "Jan", "Jan-Desktop", "Jan.exe"];

    protected override IReadOnlyList<string> MacAppBundles => ["/Applications/Jan.app"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return [Path.Combine(home.LocalData, "jan"), Path.Combine(home.WindowsPrograms, "Jan")];
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        foreach (string data in DataFolders(context, home))
        {
            yield return Path.Combine(data, "models");
            yield return Path.Combine(data, "llamacpp");
            yield return Path.Combine(data, "mlx");
        }
    }

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home) => DataFolders(context, home);

    protected override string? ModelNameOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        string[] parts = relativePath.Replace('\\', '/').Split('/');
        return parts.Length >= 2 ? parts[^2] : null;
    }

    private static IEnumerable<string> DataFolders(DetectorContext context, KnownFolders home)
    {
        if (home.Variable("JAN_DATA_FOLDER") is { } env)
        {
            yield return env;
        }
        foreach (string settings in new[]
        {
            Path.Combine(home.Data, "jan.ai.app", "settings.json"),
            Path.Combine(home.Data, "Jan", "settings.json"),
            Path.Combine(home.Config, "Jan", "settings.json"),
        })
        {
            byte[]? bytes = context.ReadBytes(settings, 256 * 1024);
            if (bytes is null)
            {
                continue;
            }
            string? folder = null;
            try
            {
                using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("data_folder", out JsonElement value) && value.ValueKind == JsonValueKind.String)
                {
                    folder = value.GetString();
                }
            }
            catch (JsonException ex)
            {
                context.AddProblem(settings, Core.Model.ProblemCodes.Malformed, $"Jan settings are not valid JSON: {ex.Message}");
            }
            if (!string.IsNullOrEmpty(folder))
            {
                yield return folder;
            }
        }
        yield return Path.Combine(home.Data, "Jan", "data");
        yield return Path.Combine(home.Home, "jan");
    }
}
