namespace Lantern.Vetting.Engine;

/// <summary>Every format vetter, one line each; the first whose formats match wins.</summary>
public static class VetterRegistry
{
    public static IReadOnlyList<IFormatVetter> All { get; } =
    [
        new Rules.Gguf.GgufVetter(),
        new Rules.Safetensors.SafetensorsVetter(),
        new Rules.Pickle.PickleVetter(),
        new Rules.Onnx.OnnxVetter(),
        new Rules.TensorFlow.SavedModelVetter(),
        new Rules.Keras.KerasVetter(),
        new Rules.Containers.ZipVetter(),
        new Rules.Containers.LegacyTorchVetter(),
        new Rules.Containers.TorchTarVetter(),
        new Rules.Containers.NumpyVetter(),
        new Rules.Containers.CompressedStreamVetter(),
        new Rules.Containers.SevenZipVetter(),
    ];
}
