namespace Lantern.Vetting.Engine;

/// <summary>
/// Engine-level rule ids. Format rules live beside their vetters (<c>Rules/&lt;Format&gt;/</c>) with
/// prefixes LNT-PKL (pickle), LNT-PTH (PyTorch containers), LNT-ZIP, LNT-NPY, LNT-KRS (Keras/HDF5),
/// LNT-TFS (TF SavedModel), LNT-ONX (ONNX), LNT-GGF (GGUF), LNT-SFT (safetensors). Documented in docs/vetting-rules.md.
/// </summary>
public static class VetRules
{
    public const string Malformed = "LNT-VET-001";
    public const string Unreadable = "LNT-VET-002";
    public const string UnsupportedFormat = "LNT-VET-003";
    public const string NestingLimit = "LNT-VET-004";
    public const string TimeLimit = "LNT-VET-005";
    public const string SizeLimit = "LNT-VET-006";
    public const string FormatMismatch = "LNT-VET-007";
}
