namespace Lantern.Vetting.Rules.Keras;

/// <summary>Rule ids for Keras .keras / HDF5 (docs/vetting/keras.md).</summary>
public static class KerasRules
{
    /// <summary>Marshalled Python bytecode (Lambda / __lambda__): runs on load (CVE-2024-3660; safe_mode bypasses).</summary>
    public const string Bytecode = "LNT-KRS-001";

    /// <summary>Reference to a known gadget: os/subprocess/builtins/importlib…, keras.utils.get_file, tf.io.gfile, TorchModuleWrapper…</summary>
    public const string DangerousReference = "LNT-KRS-002";

    /// <summary>Module outside the Keras/TF/NumPy roots: custom code the file does not carry (CVE-2025-1550 surface).</summary>
    public const string CustomModule = "LNT-KRS-003";

    /// <summary>Custom or unknown class (registered_name of a foreign package, or a class no Keras build ships).</summary>
    public const string CustomObject = "LNT-KRS-004";

    /// <summary>Lambda-family layer without bytecode (named function), PyFunc, CallbackLambda.</summary>
    public const string LambdaLayer = "LNT-KRS-005";

    /// <summary>One shared_object_id defined with different content: loaders and scanners may pick different ones.</summary>
    public const string SharedObjectConflict = "LNT-KRS-006";

    /// <summary>config.json missing, duplicated, or over the size limit; model_config unreadable.</summary>
    public const string ConfigProblem = "LNT-KRS-007";

    /// <summary>HDF5 file PureHDF cannot read.</summary>
    public const string Hdf5Unreadable = "LNT-KRS-008";

    /// <summary>An HDF5 global heap collection or object declares more than the file holds (malformed) or than the config limit allows (incomplete).</summary>
    public const string HeapSizeRefused = "LNT-KRS-009";
}
