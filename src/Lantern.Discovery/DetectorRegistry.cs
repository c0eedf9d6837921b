using Lantern.Discovery.Detectors.AnythingLlm;
using Lantern.Discovery.Detectors.DockerModelRunner;
using Lantern.Discovery.Detectors.FoundryLocal;
using Lantern.Discovery.Detectors.Gpt4All;
using Lantern.Discovery.Detectors.HuggingFace;
using Lantern.Discovery.Detectors.Jan;
using Lantern.Discovery.Detectors.KoboldCpp;
using Lantern.Discovery.Detectors.LlamaCpp;
using Lantern.Discovery.Detectors.LlamaCppPython;
using Lantern.Discovery.Detectors.Llamafile;
using Lantern.Discovery.Detectors.LmStudio;
using Lantern.Discovery.Detectors.LocalAi;
using Lantern.Discovery.Detectors.MlxLm;
using Lantern.Discovery.Detectors.Msty;
using Lantern.Discovery.Detectors.Ollama;
using Lantern.Discovery.Detectors.OpenWebUi;
using Lantern.Discovery.Detectors.PyTorch;
using Lantern.Discovery.Detectors.TextGenerationWebUi;
using Lantern.Discovery.Detectors.Vllm;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery;

/// <summary>Every detector, one line each. No assembly scanning: what runs is what is listed here.</summary>
public static class DetectorRegistry
{
    public static IReadOnlyList<IRuntimeDetector> All { get; } =
    [
        new OllamaDetector(),
        new LmStudioDetector(),
        new HuggingFaceDetector(),
        new LlamaCppDetector(),
        new LlamaCppPythonDetector(),
        new Gpt4AllDetector(),
        new JanDetector(),
        new LocalAiDetector(),
        new VllmDetector(),
        new TextGenerationWebUiDetector(),
        new KoboldCppDetector(),
        new MstyDetector(),
        new AnythingLlmDetector(),
        new OpenWebUiDetector(),
        new MlxLmDetector(),
        new DockerModelRunnerDetector(),
        new FoundryLocalDetector(),
        new LlamafileDetector(),
        new PyTorchDetector(),
    ];
}
