using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.AnythingLlm;

/// <summary>
/// AnythingLLM desktop: its storage folder (models, vector DB) and executables; its built-in LLM
/// is a bundled Ollama, which the Ollama detector reports (discovery.md §2.12).
/// </summary>
public sealed class AnythingLlmDetector : InstalledRuntimeDetector
{
    public override string Id => "anythingllm";

    public override string DisplayName => "AnythingLLM";

    protected override IReadOnlyList<string> MacAppBundles => ["/Applications/AnythingLLM.app"];

    protected override IReadOnlyList<string> ExecutableNames => ["AnythingLLMDesktop.exe", "AnythingLLMDesktop.AppImage"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return [Path.Combine(home.WindowsPrograms, "anythingllm-desktop"), Path.Combine(home.Home, ".config", "anythingllm-desktop")];
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        yield return Path.Combine(home.Config, "anythingllm-desktop", "storage", "models");
        yield return Path.Combine(home.Data, "anythingllm-desktop", "storage", "models");
    }

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        yield return Path.Combine(home.Config, "anythingllm-desktop", "storage");
        yield return Path.Combine(home.Data, "anythingllm-desktop", "storage");
    }
}
