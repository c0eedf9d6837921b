using Lantern.Core.Findings;
using Lantern.Formats.Keras;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Onnx;

namespace Lantern.Vetting.Rules.Keras;

/// <summary>
/// Judges the objects of a Keras config (formats.md §7, §9.8). Default-deny on modules: only the roots Keras
/// 3.9+ itself allows in safe mode (CVE-2025-1550 fix: keras, tensorflow, tf_keras, tf, numpy, math) pass, and
/// even inside them the known gadgets are malicious.
/// </summary>
internal static class KerasConfigJudge
{
    /// <summary>Module roots Keras' safe_mode accepts after the CVE-2025-1550 fix (keras 3.9 serialization_lib).</summary>
    private static readonly HashSet<string> AllowedRoots = new(StringComparer.Ordinal) { "keras", "tensorflow", "tf_keras", "tf", "numpy", "math" };

    /// <summary>Keras-team packages whose registered objects (<c>keras_hub&gt;GemmaBackbone</c>) are not third-party code.</summary>
    private static readonly HashSet<string> KerasPackages = new(StringComparer.Ordinal) { "keras", "keras_hub", "keras_nlp", "keras_cv", "keras_rs", "tf_keras" };

    /// <summary>Module roots that reach code execution, processes, imports, files or the network (formats.md §9.6 D).</summary>
    private static readonly HashSet<string> DangerousRoots = new(StringComparer.Ordinal)
    {
        "os", "posix", "nt", "subprocess", "builtins", "__builtin__", "importlib", "runpy", "sys", "pty", "shutil", "socket",
        "pickle", "_pickle", "marshal", "ctypes", "code", "codeop", "webbrowser", "urllib", "urllib2", "requests", "http",
        "pathlib", "io", "_io", "tempfile", "multiprocessing", "asyncio", "types", "functools", "operator", "_operator",
        "inspect", "pydoc", "pkgutil", "site", "dill", "cloudpickle", "joblib", "torch", "pdb", "bdb", "profile", "cProfile",
        "timeit", "trace", "platform", "uuid", "logging", "ssl", "smtplib", "ftplib", "telnetlib", "glob", "zipimport",
    };

    /// <summary>
    /// Gadgets inside allowed roots (dotted prefixes): CVE-2025-8747 <c>keras.utils.get_file</c>, CVE-2025-9906
    /// <c>enable_unsafe_deserialization</c>, CVE-2025-49655 TorchModuleWrapper (<c>torch.load</c>), nested model
    /// loads, TF file I/O and Python callbacks, NumPy file and pickle readers.
    /// </summary>
    private static readonly string[] DangerousPrefixes =
    [
        "keras.utils.get_file", "keras.src.utils.file_utils", "keras.utils.file_utils", "tf_keras.utils.get_file",
        "tensorflow.keras.utils.get_file", "tf.keras.utils.get_file", "keras.config.enable_unsafe_deserialization",
        "keras.src.saving.serialization_lib.enable_unsafe_deserialization", "keras.saving.load_model", "keras.models.load_model",
        "keras.src.saving.saving_api.load_model", "keras.src.models.model.load_model", "tensorflow.keras.models.load_model",
        "keras.layers.TorchModuleWrapper", "keras.src.utils.torch_utils", "keras.src.layers.TorchModuleWrapper",
        "tensorflow.io", "tf.io", "tensorflow.python.platform.gfile", "tensorflow.python.lib.io", "tensorflow.python.ops.gen_io_ops",
        "tensorflow.py_function", "tf.py_function", "tensorflow.numpy_function", "tf.numpy_function",
        "tensorflow.compat.v1.py_func", "tf.compat.v1.py_func", "tensorflow.python.ops.script_ops",
        "tensorflow.raw_ops.ReadFile", "tensorflow.raw_ops.WriteFile", "tf.raw_ops.ReadFile", "tf.raw_ops.WriteFile",
        "tensorflow.saved_model.load", "tf.saved_model.load", "tensorflow.keras.utils.get_file",
        "numpy.load", "numpy.fromfile", "numpy.memmap", "numpy.save", "numpy.f2py", "numpy.testing", "numpy.ctypeslib",
        "numpy.lib.npyio", "numpy.distutils", "numpy.loadtxt", "numpy.genfromtxt", "numpy.tofile",
    ];

    /// <summary>TFOpLambda <c>function</c> values (a TF API path without the <c>tf.</c> prefix) that do I/O or call Python.</summary>
    private static readonly string[] DangerousTfOps = ["io.", "py_function", "numpy_function", "compat.v1.py_func", "raw_ops.ReadFile", "raw_ops.WriteFile", "saved_model.", "debugging.experimental"];

    /// <summary>Lambda-family layers (formats.md §9.8: Lambda, TFOpLambda, PyFunc, CallbackLambda).</summary>
    private static readonly HashSet<string> LambdaClasses = new(StringComparer.Ordinal) { "Lambda", "PyFunc", "CallbackLambda" };

    public static void Judge(VetContext context, IReadOnlyList<KerasObject> objects, string source)
    {
        var shared = new Dictionary<string, (string? Class, string? Module, string Path)>(StringComparer.Ordinal);
        foreach (KerasObject o in objects)
        {
            JudgeOne(context, o, source);
            if (o.SharedObjectId is { } id && o.ClassName is not null)
            {
                if (shared.TryGetValue(id, out (string? Class, string? Module, string Path) first))
                {
                    if (first.Class != o.ClassName || first.Module != o.Module)
                    {
                        Add(context, KerasRules.SharedObjectConflict, Verdict.Suspicious, Severity.Medium,
                            $"shared_object_id {id} is defined as {first.Class} at {first.Path} and as {o.ClassName} at {o.JsonPath}; Keras reuses whichever it meets first.", o, source);
                    }
                }
                else
                {
                    shared[id] = (o.ClassName, o.Module, o.JsonPath);
                }
            }
        }
    }

    private static void JudgeOne(VetContext context, KerasObject o, string source)
    {
        if (o.HasBytecode)
        {
            Add(context, KerasRules.Bytecode, Verdict.Malicious, Severity.Critical,
                $"{o.ClassName ?? "Lambda"} at {o.JsonPath} embeds marshalled Python bytecode, which runs when the model loads with safe_mode off (CVE-2024-3660) or through safe_mode bypasses (CVE-2025-1550, CVE-2025-9905 for .h5).", o, source);
            return;
        }
        string? target = o.Module is null ? null : $"{o.Module}.{o.FunctionName ?? o.ClassName}";
        if (o.ClassName == "TorchModuleWrapper")
        {
            Add(context, KerasRules.DangerousReference, Verdict.Malicious, Severity.Critical,
                $"TorchModuleWrapper at {o.JsonPath} restores a PyTorch module with torch.load(weights_only=False) (CVE-2025-49655).", o, source);
            return;
        }
        if (target is not null && IsDangerous(o.Module!, target))
        {
            Add(context, KerasRules.DangerousReference, Verdict.Malicious, Severity.Critical,
                $"{o.JsonPath} references {target}, a known code-execution, file or network gadget (CVE-2025-1550, CVE-2025-8747, CVE-2025-9906).", o, source);
            return;
        }
        if (o.ClassName == "TFOpLambda" && o.FunctionName is { } tfOp && DangerousTfOps.Any(p => tfOp.StartsWith(p, StringComparison.Ordinal)))
        {
            Add(context, KerasRules.DangerousReference, Verdict.Malicious, Severity.High,
                $"TFOpLambda at {o.JsonPath} calls tf.{tfOp}, which does file I/O or calls Python.", o, source);
            return;
        }
        if (o.Module is { Length: > 0 } module && !AllowedRoots.Contains(Root(module)))
        {
            Add(context, KerasRules.CustomModule, Verdict.Suspicious, Severity.High,
                $"{o.JsonPath} loads {target} from module '{module}', outside the Keras/TensorFlow/NumPy roots; that code is not in the file and runs on load.", o, source);
            return;
        }
        if (o.ClassName is { } cls && LambdaClasses.Contains(cls))
        {
            Add(context, KerasRules.LambdaLayer, Verdict.Suspicious, Severity.Medium,
                $"{cls} layer at {o.JsonPath} calls a Python function{(o.FunctionName is null ? string.Empty : $" '{o.FunctionName}'")} when the model loads or runs.", o, source);
            return;
        }
        if (o.RegisteredName is { } registered && registered.Contains('>', StringComparison.Ordinal)
            && !KerasPackages.Contains(registered[..registered.IndexOf('>', StringComparison.Ordinal)]))
        {
            Add(context, KerasRules.CustomObject, Verdict.Suspicious, Severity.Medium,
                $"{o.JsonPath} is the custom object '{registered}'; its code comes from outside the file (custom_objects).", o, source);
            return;
        }
        if (o.Module is null && o.ClassName is { } name && !name.StartsWith("__", StringComparison.Ordinal) && name != "function" && !KerasBuiltins.Names.Contains(name))
        {
            Add(context, KerasRules.CustomObject, Verdict.Suspicious, Severity.Medium,
                $"{o.JsonPath} uses class '{name}', which no Keras build ships; loading needs custom code.", o, source);
        }
    }

    private static bool IsDangerous(string module, string target)
    {
        if (DangerousRoots.Contains(Root(module)))
        {
            return true;
        }
        foreach (string prefix in DangerousPrefixes)
        {
            if (target.StartsWith(prefix, StringComparison.Ordinal) && (target.Length == prefix.Length || target[prefix.Length] == '.'))
            {
                return true;
            }
            if (module.StartsWith(prefix, StringComparison.Ordinal) && (module.Length == prefix.Length || module[prefix.Length] == '.'))
            {
                return true;
            }
        }
        return false;
    }

    private static string Root(string module)
    {
        int dot = module.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? module : module[..dot];
    }

    private static void Add(VetContext context, string rule, Verdict verdict, Severity severity, string message, KerasObject o, string source) =>
        context.Add(new VetFinding
        {
            RuleId = rule,
            Implies = verdict,
            Severity = severity,
            Message = message,
            Evidence = RuleEvidence.Of(("source", source), ("path", o.JsonPath), ("class_name", o.ClassName), ("module", o.Module), ("registered_name", o.RegisteredName), ("function", o.FunctionName)),
        });
}
