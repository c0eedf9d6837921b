using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.KoboldCpp;

/// <summary>
/// KoboldCpp: single-file executables with no fixed model folder. Its version comes from the
/// running server (<c>/api/extra/version</c>); the binary is not run, since it starts a server (discovery.md §2.10).
/// </summary>
public sealed class KoboldCppDetector : InstalledRuntimeDetector
{
    public override string Id => "koboldcpp";

    public override string DisplayName => "KoboldCpp";

    public override IReadOnlyList<string> PythonDistributions => [];

    protected override IReadOnlyList<string> ExecutableNames =>
        ["koboldcpp", "koboldcpp.exe", "koboldcpp_cu12.exe", "koboldcpp-linux-x64", "koboldcpp-linux-x64-cuda1210", "koboldcpp-linux-x64-nocuda", "koboldcpp-mac-arm64", "koboldcpp.py"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return [home.Home, Path.Combine(home.Home, "Downloads"), Path.Combine(home.Home, "koboldcpp")];
    }
}
