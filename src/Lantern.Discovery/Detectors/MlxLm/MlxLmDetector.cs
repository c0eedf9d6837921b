using Lantern.Discovery.Detectors.Common;

namespace Lantern.Discovery.Detectors.MlxLm;

/// <summary>MLX-LM (Apple Silicon): the <c>mlx_lm</c> package; its models live in the HF cache (discovery.md §2.14).</summary>
public sealed class MlxLmDetector : InstalledRuntimeDetector
{
    public override string Id => "mlx-lm";

    public override string DisplayName => "MLX-LM";

    public override IReadOnlyList<string> PythonDistributions => ["mlx_lm"];
}
