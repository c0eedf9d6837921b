using Lantern.Discovery.Detectors.Common;

namespace Lantern.Discovery.Detectors.LlamaCppPython;

/// <summary>llama-cpp-python: the <c>llama_cpp_python</c> package, which vendors llama.cpp (discovery.md §5.3).</summary>
public sealed class LlamaCppPythonDetector : InstalledRuntimeDetector
{
    public override string Id => "llama-cpp-python";

    public override string DisplayName => "llama-cpp-python";

    public override IReadOnlyList<string> PythonDistributions => ["llama_cpp_python"];
}
