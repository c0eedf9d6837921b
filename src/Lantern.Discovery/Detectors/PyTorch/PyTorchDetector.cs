using Lantern.Discovery.Detectors.Common;

namespace Lantern.Discovery.Detectors.PyTorch;

/// <summary>
/// PyTorch: the <c>torch</c> package. Not a server, but <c>torch.load</c> is where pickled model
/// files execute, and its version decides whether <c>weights_only</c> can be bypassed (CVE-2025-32434).
/// </summary>
public sealed class PyTorchDetector : InstalledRuntimeDetector
{
    public override string Id => "pytorch";

    public override string DisplayName => "PyTorch";

    public override IReadOnlyList<string> PythonDistributions => ["torch"];
}
