namespace Lantern.Formats.Sniffing;

/// <summary>What a file's first bytes (and, for zips, its central directory) say it is (formats.md §1).</summary>
public enum ModelFormatId
{
    Unknown,
    Gguf,
    GgmlLegacy,
    Safetensors,
    Zip,
    PyTorchZip,
    TorchScript,
    PyTorchLegacy,
    PyTorchTar,
    Pickle,
    CompressedStream,
    Numpy,
    Npz,
    Keras,
    Hdf5,
    Onnx,
    Ort,
    TfLite,
    ExecuTorch,
    CoreMl,
    Llamafile,
    SevenZip,
}
