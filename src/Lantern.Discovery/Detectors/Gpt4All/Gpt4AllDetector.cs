using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.Gpt4All;

/// <summary>
/// GPT4All (Nomic): models in Qt's AppLocalData for <c>nomic.ai/GPT4All</c>, or the <c>modelPath</c>
/// of its settings file (nomic-ai/gpt4all: gpt4all-chat/src/mysettings.cpp; discovery.md §2.5).
/// </summary>
public sealed class Gpt4AllDetector : InstalledRuntimeDetector
{
    public override string Id => "gpt4all";

    public override string DisplayName => "GPT4All";

    protected override IReadOnlyList<string> ExecutableNames => ["gpt4all", "chat.exe", "gpt4all.exe"];

    protected override IReadOnlyList<string> MacAppBundles => ["/Applications/gpt4all/bin/gpt4all.app"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return [Path.Combine(home.Home, "gpt4all", "bin"), Path.Combine(home.WindowsPrograms, "gpt4all", "bin")];
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        string? ini = context.ReadText(Path.Combine(home.Config, "nomic.ai", "GPT4All.ini"), 256 * 1024);
        if (ini is not null)
        {
            foreach (string line in ini.Split('\n'))
            {
                string trimmed = line.Trim();
                if (trimmed.StartsWith("modelPath=", StringComparison.Ordinal) && trimmed.Length > "modelPath=".Length)
                {
                    yield return trimmed["modelPath=".Length..];
                }
            }
        }
        yield return Path.Combine(home.LocalData, "nomic.ai", "GPT4All");
    }

    protected override string? ModelNameOf(string relativePath) => Path.GetFileNameWithoutExtension(relativePath);
}
