namespace Lantern.Discovery.Host;

/// <summary>
/// Runtime ids as the detectors use them (discovery.md §1): lowercase, stable, the same string in
/// <c>RuntimeInstall.Id</c>, <c>InferenceServer.Runtime</c> and <c>InferenceProcess.Runtime</c>.
/// </summary>
internal static class RuntimeIds
{
    public const string Ollama = "ollama";
    public const string LlamaCpp = "llama.cpp";
    public const string LmStudio = "lmstudio";
    public const string LlamaCppPython = "llama-cpp-python";
    public const string Vllm = "vllm";
    public const string KoboldCpp = "koboldcpp";
    public const string LocalAi = "localai";
    public const string TextGenerationWebUi = "text-generation-webui";
    public const string OpenWebUi = "open-webui";
    public const string MlxLm = "mlx-lm";
    public const string Gpt4All = "gpt4all";
    public const string Jan = "jan";
    public const string DockerModelRunner = "docker-model-runner";
    public const string FoundryLocal = "foundry-local";
    public const string Llamafile = "llamafile";
    public const string AnythingLlm = "anythingllm";
    public const string Msty = "msty";
    public const string SgLang = "sglang";
    public const string TextGenerationInference = "text-generation-inference";

    /// <summary>A server that speaks the OpenAI API but named no runtime we know.</summary>
    public const string OpenAiCompatible = "openai-compatible";
}
