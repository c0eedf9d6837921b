using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.Msty;

/// <summary>Msty and Msty Studio: app bundles and their model folders (discovery.md §2.11, unverified paths).</summary>
public sealed class MstyDetector : InstalledRuntimeDetector
{
    public override string Id => "msty";

    public override string DisplayName => "Msty";

    protected override IReadOnlyList<string> MacAppBundles => ["/Applications/MstyStudio.app", "/Applications/Msty.app"];

    protected override IReadOnlyList<string> ExecutableNames => ["MstyStudio.exe", "Msty.exe"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return [Path.Combine(home.WindowsPrograms, "MstyStudio"), Path.Combine(home.WindowsPrograms, "Msty")];
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        foreach (string app in new[] { "MstyStudio", "Msty", "MstySidecar" })
        {
            yield return Path.Combine(home.Data, app, "models");
            yield return Path.Combine(home.Data, app, "models-mlx");
        }
    }

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return [Path.Combine(home.Data, "MstyStudio"), Path.Combine(home.Data, "Msty")];
    }
}
