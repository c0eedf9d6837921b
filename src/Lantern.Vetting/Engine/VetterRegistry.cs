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
    ];
}
