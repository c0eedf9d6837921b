namespace Lantern.NetLog.Hubs;

/// <summary>
/// File-name signals (compliance.md §8, "File signals in path/filename"): weight files are acquisitions,
/// small repository files are hub access, runtime assets are installers.
/// </summary>
internal static class ModelFileNames
{
    private static readonly string[] WeightExtensions =
    [
        ".gguf", ".ggml", ".safetensors", ".pt", ".pth", ".onnx", ".onnx_data", ".llamafile", ".mlmodel",
        ".mlpackage", ".tflite", ".h5", ".keras", ".ckpt", ".msgpack", ".nemo", ".pb", ".engine", ".npz",
    ];

    /// <summary>Index files that only make sense next to sharded weights; fetching one starts a weight download.</summary>
    private static readonly string[] WeightIndexNames =
    [
        "model.safetensors.index.json", "pytorch_model.bin.index.json", "diffusion_pytorch_model.safetensors.index.json",
        "tf_model.h5.index.json", "flax_model.msgpack.index.json",
    ];

    private static readonly string[] InstallerExtensions =
    [
        ".exe", ".msi", ".dmg", ".pkg", ".zip", ".tgz", ".tar.gz", ".tar.zst", ".tar.xz", ".appimage", ".deb", ".rpm",
        ".sh", ".ps1", ".llamafile",
    ];

    /// <summary>A file that carries model weights (or their shard index), by name.</summary>
    public static bool IsWeightFile(string fileName)
    {
        string name = UrlText.BaseName(fileName);
        foreach (string ext in WeightExtensions)
        {
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        foreach (string index in WeightIndexNames)
        {
            if (name.Equals(index, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        // .bin is weights for pytorch_model*.bin, diffusion_pytorch_model*.bin, ggml-*.bin (whisper.cpp),
        // model*.bin; other .bin files (training_args.bin) are small pickles of arguments, not weights.
        if (name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            return !name.Equals("training_args.bin", StringComparison.OrdinalIgnoreCase);
        }
        // llamafile binaries and model llamafiles may carry no extension at all (llamafile-0.8.13).
        return name.StartsWith("llamafile", StringComparison.OrdinalIgnoreCase) && !name.Contains('.', StringComparison.Ordinal);
    }

    /// <summary>An installer or archive extension, for runtime downloads.</summary>
    public static bool IsInstallerFile(string fileName)
    {
        foreach (string ext in InstallerExtensions)
        {
            if (fileName.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The runtime a GitHub release asset name belongs to (the asset CDN only shows the name), or null:
    /// <c>llama-b{build}-bin-{os}-{variant}-{arch}.zip</c>, <c>cudart-llama-bin-…</c>, <c>llamafile-{ver}</c>,
    /// <c>ollama-{os}-{arch}[.tgz]</c>, <c>OllamaSetup.exe</c>, <c>Ollama-darwin.zip</c>, <c>Ollama.dmg</c>.
    /// </summary>
    public static string? RuntimeOfAsset(string fileName)
    {
        if ((fileName.StartsWith("llama-", StringComparison.OrdinalIgnoreCase) && fileName.Contains("-bin-", StringComparison.OrdinalIgnoreCase))
            || fileName.StartsWith("cudart-llama-bin-", StringComparison.OrdinalIgnoreCase))
        {
            return "ggml-org/llama.cpp";
        }
        if (fileName.StartsWith("llamafile", StringComparison.OrdinalIgnoreCase))
        {
            return "Mozilla-Ocho/llamafile";
        }
        if (fileName.StartsWith("ollama", StringComparison.OrdinalIgnoreCase) && (IsInstallerFile(fileName) || fileName.StartsWith("ollama-", StringComparison.OrdinalIgnoreCase)))
        {
            return "ollama/ollama";
        }
        return null;
    }
}
