using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.Vllm;

/// <summary>
/// vLLM: a Python package, found by its <c>vllm-X.dist-info</c> during the sweep (running
/// <c>vllm --version</c> imports torch and takes seconds); its cache <c>VLLM_CACHE_ROOT</c> (discovery.md §2.8).
/// </summary>
public sealed class VllmDetector : InstalledRuntimeDetector
{
    public override string Id => "vllm";

    public override string DisplayName => "vLLM";

    public override IReadOnlyList<string> PythonDistributions => ["vllm"];

    protected override IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        yield return home.Variable("VLLM_CACHE_ROOT") ?? Path.Combine(home.Cache, "vllm");
    }
}
