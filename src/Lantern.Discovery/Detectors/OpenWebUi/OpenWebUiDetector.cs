using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.OpenWebUi;

/// <summary>Open WebUI: the <c>open_webui</c> Python package and its <c>DATA_DIR</c> (discovery.md §2.13).</summary>
public sealed class OpenWebUiDetector : InstalledRuntimeDetector
{
    public override string Id => "open-webui";

    public override string DisplayName => "Open WebUI";

    public override IReadOnlyList<string> PythonDistributions => ["open_webui"];

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        if (home.Variable("DATA_DIR") is { } data)
        {
            yield return data;
        }
    }
}
