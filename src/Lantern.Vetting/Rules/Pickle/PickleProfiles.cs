namespace Lantern.Vetting.Rules.Pickle;

/// <summary>How a profile lets a global be used.</summary>
internal enum GlobalUse
{
    /// <summary>Imported as data only (a dtype, a storage marker in a persistent id); calling it is outside the profile.</summary>
    Data,

    /// <summary>May be called (REDUCE/NEWOBJ) and may receive BUILD state.</summary>
    Callable,
}

/// <summary>
/// A framework profile: the exact (module, name) globals a benign file of that framework imports. Default-deny:
/// anything else is at least suspicious (docs/vetting/pickle.md lists each entry with its reason).
/// </summary>
internal sealed class PickleProfile
{
    public PickleProfile(string id, IReadOnlyDictionary<(string Module, string Name), GlobalUse> globals, bool allowsPersistentIds)
    {
        Id = id;
        Globals = globals;
        AllowsPersistentIds = allowsPersistentIds;
    }

    public string Id { get; }

    public IReadOnlyDictionary<(string Module, string Name), GlobalUse> Globals { get; }

    /// <summary>PyTorch's loader resolves <c>('storage', …)</c> persistent ids; plain pickle.load refuses any.</summary>
    public bool AllowsPersistentIds { get; }
}

/// <summary>The profiles as data. Sources are cited per group; see docs/vetting/pickle.md.</summary>
internal static class PickleProfiles
{
    /// <summary>
    /// Globals any data pickle may need: containers CPython cannot write with opcodes alone. From
    /// torch/_weights_only_unpickler.py <c>_get_allowed_globals</c>: OrderedDict, Counter, set, complex, bytearray, and
    /// <c>_codecs.encode</c> (protocol-2 pickles write bytes as <c>_codecs.encode(str, 'latin1')</c>; the judge checks the codec).
    /// </summary>
    private static readonly (string, string, GlobalUse)[] Core =
    [
        ("collections", "OrderedDict", GlobalUse.Callable),
        ("collections", "Counter", GlobalUse.Callable),
        ("builtins", "set", GlobalUse.Callable),
        ("builtins", "frozenset", GlobalUse.Callable),
        ("builtins", "complex", GlobalUse.Callable),
        ("builtins", "bytearray", GlobalUse.Callable),
        ("builtins", "slice", GlobalUse.Callable),
        ("_codecs", "encode", GlobalUse.Callable),
    ];

    /// <summary>
    /// torch/_weights_only_unpickler.py <c>_get_allowed_globals</c> (PyTorch 2.6 default for torch.load): Parameter, Size,
    /// Tensor, device, _get_layout, the <c>torch._utils._rebuild_*</c> tensor rebuild functions,
    /// <c>torch._tensor._rebuild_from_type_v2</c>, dtypes, legacy tensor and storage classes, qschemes.
    /// </summary>
    private static readonly (string, string, GlobalUse)[] PyTorch = BuildPyTorch();

    /// <summary>
    /// NumPy's own pickling (numpy/_core/multiarray <c>_reconstruct</c>, <c>scalar</c>; numpy/_core/numeric
    /// <c>_frombuffer</c> for protocol 5; <c>numpy.dtype</c> and <c>numpy.ndarray</c>) under both the NumPy 1.x
    /// (<c>numpy.core</c>) and 2.x (<c>numpy._core</c>) module names.
    /// </summary>
    private static readonly (string, string, GlobalUse)[] Numpy =
    [
        ("numpy.core.multiarray", "_reconstruct", GlobalUse.Callable),
        ("numpy._core.multiarray", "_reconstruct", GlobalUse.Callable),
        ("numpy.core.multiarray", "scalar", GlobalUse.Callable),
        ("numpy._core.multiarray", "scalar", GlobalUse.Callable),
        ("numpy.core.numeric", "_frombuffer", GlobalUse.Callable),
        ("numpy._core.numeric", "_frombuffer", GlobalUse.Callable),
        ("numpy", "ndarray", GlobalUse.Callable),
        ("numpy", "dtype", GlobalUse.Callable),
    ];

    /// <summary>
    /// A minimal scikit-learn/joblib set: joblib's array wrapper, the copyreg reconstructor CPython uses for
    /// protocol &lt; 2 objects, and common estimators. Chosen only by hint (joblib container, or a policy), never
    /// automatically: an estimator's classes are code, so a bare pickle of one stays suspicious under default-deny.
    /// </summary>
    private static readonly (string, string, GlobalUse)[] Sklearn =
    [
        ("joblib.numpy_pickle", "NumpyArrayWrapper", GlobalUse.Callable),
        ("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper", GlobalUse.Callable),
        ("copyreg", "_reconstructor", GlobalUse.Callable),
        ("builtins", "object", GlobalUse.Data),
        ("sklearn.linear_model._base", "LinearRegression", GlobalUse.Callable),
        ("sklearn.linear_model._logistic", "LogisticRegression", GlobalUse.Callable),
        ("sklearn.linear_model._ridge", "Ridge", GlobalUse.Callable),
        ("sklearn.tree._classes", "DecisionTreeClassifier", GlobalUse.Callable),
        ("sklearn.tree._classes", "DecisionTreeRegressor", GlobalUse.Callable),
        ("sklearn.tree._tree", "Tree", GlobalUse.Callable),
        ("sklearn.ensemble._forest", "RandomForestClassifier", GlobalUse.Callable),
        ("sklearn.ensemble._forest", "RandomForestRegressor", GlobalUse.Callable),
        ("sklearn.preprocessing._data", "StandardScaler", GlobalUse.Callable),
        ("sklearn.preprocessing._data", "MinMaxScaler", GlobalUse.Callable),
        ("sklearn.preprocessing._label", "LabelEncoder", GlobalUse.Callable),
        ("sklearn.pipeline", "Pipeline", GlobalUse.Callable),
        ("sklearn.svm._classes", "SVC", GlobalUse.Callable),
        ("sklearn.neighbors._classification", "KNeighborsClassifier", GlobalUse.Callable),
        ("sklearn.cluster._kmeans", "KMeans", GlobalUse.Callable),
        ("sklearn.decomposition._pca", "PCA", GlobalUse.Callable),
    ];

    public static PickleProfile CoreProfile { get; } = Make("core", false, Core);

    public static PickleProfile NumpyProfile { get; } = Make("numpy", false, Core, Numpy);

    public static PickleProfile PyTorchProfile { get; } = Make("pytorch", true, Core, PyTorch);

    /// <summary>PyTorch checkpoints that also hold NumPy arrays or scalars (training states, optimizer extras).</summary>
    public static PickleProfile PyTorchNumpyProfile { get; } = Make("pytorch+numpy", true, Core, PyTorch, Numpy);

    public static PickleProfile SklearnProfile { get; } = Make("sklearn", false, Core, Numpy, Sklearn);

    /// <summary>The profile for a container's hint (<c>pytorch</c>, <c>numpy</c>, <c>sklearn</c>/<c>joblib</c>, <c>core</c>), or null.</summary>
    public static PickleProfile? FromHint(string? hint) => hint?.ToUpperInvariant() switch
    {
        "PYTORCH" or "TORCH" => PyTorchNumpyProfile,
        "NUMPY" => NumpyProfile,
        "SKLEARN" or "JOBLIB" => SklearnProfile,
        "CORE" => CoreProfile,
        _ => null,
    };

    /// <summary>
    /// Picks the profile from what the file imports: PyTorch when a <c>torch</c> global appears (plus NumPy when a
    /// <c>numpy</c> one does too), NumPy when only NumPy does, otherwise core. Never sklearn (hint only).
    /// </summary>
    public static PickleProfile Choose(IEnumerable<string> modules)
    {
        bool torch = false;
        bool numpy = false;
        foreach (string module in modules)
        {
            torch |= module == "torch" || module.StartsWith("torch.", StringComparison.Ordinal);
            numpy |= module == "numpy" || module.StartsWith("numpy.", StringComparison.Ordinal);
        }
        return (torch, numpy) switch
        {
            (true, true) => PyTorchNumpyProfile,
            (true, false) => PyTorchProfile,
            (false, true) => NumpyProfile,
            _ => CoreProfile,
        };
    }

    private static PickleProfile Make(string id, bool persistentIds, params (string, string, GlobalUse)[][] groups)
    {
        var globals = new Dictionary<(string, string), GlobalUse>();
        foreach ((string module, string name, GlobalUse use)[] group in groups)
        {
            foreach ((string module, string name, GlobalUse use) in group)
            {
                globals[(module, name)] = use;
            }
        }
        return new PickleProfile(id, globals, persistentIds);
    }

    private static (string, string, GlobalUse)[] BuildPyTorch()
    {
        var list = new List<(string, string, GlobalUse)>
        {
            ("torch.nn.parameter", "Parameter", GlobalUse.Callable),
            ("torch.serialization", "_get_layout", GlobalUse.Callable),
            ("torch", "Size", GlobalUse.Callable),
            ("torch", "Tensor", GlobalUse.Callable),
            ("torch", "device", GlobalUse.Callable),
            ("torch._tensor", "_rebuild_from_type_v2", GlobalUse.Callable),
            ("torch.storage", "TypedStorage", GlobalUse.Data),
            ("torch.storage", "UntypedStorage", GlobalUse.Data),
            ("torch", "UntypedStorage", GlobalUse.Data),
        };
        // torch._utils._tensor_rebuild_functions()
        foreach (string f in new[]
        {
            "_rebuild_parameter", "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_tensor", "_rebuild_tensor_v2",
            "_rebuild_tensor_v3", "_rebuild_sparse_tensor", "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor",
            "_rebuild_wrapper_subclass", "_rebuild_device_tensor_from_cpu_tensor", "_rebuild_device_tensor_from_numpy",
        })
        {
            list.Add(("torch._utils", f, GlobalUse.Callable));
        }
        // str(dtype) for torch.storage._dtype_to_storage_type_map() and _new_dtypes().
        foreach (string dtype in new[]
        {
            "float32", "float", "float64", "double", "float16", "half", "bfloat16", "uint8", "int8", "int16", "short", "int32", "int",
            "int64", "long", "bool", "complex32", "chalf", "complex64", "cfloat", "complex128", "cdouble", "quint8", "qint8", "qint32",
            "quint4x2", "quint2x4", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu",
            "float4_e2m1fn_x2", "uint16", "uint32", "uint64", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16",
        })
        {
            list.Add(("torch", dtype, GlobalUse.Data));
        }
        // torch._storage_classes (legacy typed storages; wrapped as StorageType markers) and torch._tensor_classes.
        foreach (string kind in new[] { "Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool", "ComplexFloat", "ComplexDouble", "QUInt8", "QInt8", "QInt32", "QUInt4x2", "QUInt2x4" })
        {
            list.Add(("torch", kind + "Storage", GlobalUse.Data));
            list.Add(("torch.cuda", kind + "Storage", GlobalUse.Data));
            list.Add(("torch", kind + "Tensor", GlobalUse.Callable));
            list.Add(("torch.cuda", kind + "Tensor", GlobalUse.Callable));
        }
        foreach (string scheme in new[] { "per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric", "per_channel_affine_float_qparams" })
        {
            list.Add(("torch", scheme, GlobalUse.Data));
        }
        foreach (string layout in new[] { "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn", "jagged" })
        {
            list.Add(("torch", layout, GlobalUse.Data));
        }
        return [.. list];
    }
}
