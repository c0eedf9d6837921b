using System.Globalization;
using Lantern.Core.Model;

namespace Lantern.Discovery.Host;

/// <summary>
/// Decides which inference runtime a process belongs to, from its name, executable, command line and
/// ancestry (discovery.md §2). Pure: reads nothing but the snapshot.
/// </summary>
internal static class InferenceProcessClassifier
{
    // Ancestry is followed iteratively and only this far: pid loops in a crafted table must not hang us.
    internal const int MaxAncestorDepth = 8;

    internal const int MaxModelPaths = 16;
    internal const int MaxCommandLineLength = 4096;

    /// <summary>Runtimes that launch a bundled llama.cpp server, so a child <c>llama-server</c> is theirs (discovery.md §2.1, §2.2, §2.6, §2.15).</summary>
    private static readonly HashSet<string> LlamaCppHosts = new(StringComparer.Ordinal)
    {
        RuntimeIds.Ollama, RuntimeIds.LmStudio, RuntimeIds.Jan, RuntimeIds.DockerModelRunner,
        RuntimeIds.Gpt4All, RuntimeIds.AnythingLlm, RuntimeIds.Msty,
    };

    private static readonly HashSet<string> LlamaCppNames = new(StringComparer.Ordinal)
    {
        "llama-server", "llama-cli", "llama", "llama-run", "llama-mtmd-cli", "llama-embedding",
        "llama-bench", "llama-perplexity", "rpc-server", "ggml-rpc-server",
    };

    private static readonly Dictionary<string, string> ExactNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ollama"] = RuntimeIds.Ollama,
        ["ollama app"] = RuntimeIds.Ollama,
        ["lms"] = RuntimeIds.LmStudio,
        ["llmster"] = RuntimeIds.LmStudio,
        ["lm studio"] = RuntimeIds.LmStudio,
        ["lm-studio"] = RuntimeIds.LmStudio,
        ["local-ai"] = RuntimeIds.LocalAi,
        ["localai"] = RuntimeIds.LocalAi,
        ["open-webui"] = RuntimeIds.OpenWebUi,
        ["gpt4all"] = RuntimeIds.Gpt4All,
        ["jan"] = RuntimeIds.Jan,
        ["jan-desktop"] = RuntimeIds.Jan,
        ["com.docker.llama-server"] = RuntimeIds.DockerModelRunner,
        ["model-runner"] = RuntimeIds.DockerModelRunner,
        ["com.docker.model-runner"] = RuntimeIds.DockerModelRunner,
        ["foundry"] = RuntimeIds.FoundryLocal,
        ["foundrylocald"] = RuntimeIds.FoundryLocal,
        ["inference.service.agent"] = RuntimeIds.FoundryLocal,
        ["llamafile"] = RuntimeIds.Llamafile,
        ["anythingllm"] = RuntimeIds.AnythingLlm,
        ["anythingllmdesktop"] = RuntimeIds.AnythingLlm,
        ["anythingllm-desktop"] = RuntimeIds.AnythingLlm,
        ["msty"] = RuntimeIds.Msty,
        ["mstystudio"] = RuntimeIds.Msty,
        ["msty studio"] = RuntimeIds.Msty,
        ["vllm"] = RuntimeIds.Vllm,
        ["mlx_lm.server"] = RuntimeIds.MlxLm,
        ["text-generation-launcher"] = RuntimeIds.TextGenerationInference,
        ["text-generation-router"] = RuntimeIds.TextGenerationInference,
    };

    /// <summary>Python modules run with <c>-m</c> (prefix match on the dotted name).</summary>
    private static readonly (string Module, string Runtime)[] PythonModules =
    [
        ("llama_cpp.server", RuntimeIds.LlamaCppPython),
        ("vllm", RuntimeIds.Vllm),
        ("mlx_lm", RuntimeIds.MlxLm),
        ("open_webui", RuntimeIds.OpenWebUi),
        ("sglang", RuntimeIds.SgLang),
        ("koboldcpp", RuntimeIds.KoboldCpp),
    ];

    /// <summary>The runtime id, or null when the process is not (recognisably) an inference runtime.</summary>
    public static string? Classify(ProcessInfo process, ProcessTableSnapshot all)
    {
        string? own = ClassifyAlone(process);
        if (own != RuntimeIds.LlamaCpp)
        {
            return own;
        }
        // A llama.cpp binary launched by a runtime that bundles it belongs to that runtime.
        int? parentPid = process.ParentPid;
        var visited = new HashSet<int> { process.Pid };
        for (int depth = 0; depth < MaxAncestorDepth && parentPid is int ppid && ppid > 0 && visited.Add(ppid); depth++)
        {
            ProcessInfo? parent = all.Find(ppid);
            if (parent is null)
            {
                break;
            }
            string? parentRuntime = ClassifyAlone(parent);
            if (parentRuntime is not null && LlamaCppHosts.Contains(parentRuntime))
            {
                return parentRuntime;
            }
            parentPid = parent.ParentPid;
        }
        return own;
    }

    /// <summary>Classification from the process's own name, path and arguments, without ancestry.</summary>
    internal static string? ClassifyAlone(ProcessInfo process)
    {
        string? exe = process.Executable;
        string? argv0 = process.Argv.Count > 0 ? process.Argv[0] : null;

        // Where the binary lives says more than its name: a llama-server under Ollama's lib folder, LM Studio's home…
        string? byPath = ClassifyByInstallPath(exe);

        foreach (string? candidate in (ReadOnlySpan<string?>)[BaseName(exe), BaseName(argv0), process.Name])
        {
            if (string.IsNullOrEmpty(candidate))
            {
                continue;
            }
            string? runtime = ClassifyName(candidate, process);
            if (runtime is not null)
            {
                return runtime == RuntimeIds.LlamaCpp && byPath is not null ? byPath : runtime;
            }
        }
        foreach (string? candidate in (ReadOnlySpan<string?>)[BaseName(exe), BaseName(argv0), process.Name])
        {
            if (candidate is not null && IsPython(candidate))
            {
                string? runtime = ClassifyPython(process);
                if (runtime is not null)
                {
                    return runtime;
                }
                break;
            }
        }
        return byPath;
    }

    private static string? ClassifyName(string name, ProcessInfo process)
    {
        string bare = StripWindowsExe(name);
        if (ExactNames.TryGetValue(bare, out string? runtime))
        {
            return runtime;
        }
        if (LlamaCppNames.Contains(bare.ToLowerInvariant()))
        {
            return RuntimeIds.LlamaCpp;
        }
        string lower = bare.ToLowerInvariant();
        if (lower.StartsWith("koboldcpp", StringComparison.Ordinal))
        {
            return RuntimeIds.KoboldCpp;
        }
        if (lower.EndsWith(".llamafile", StringComparison.Ordinal))
        {
            return RuntimeIds.Llamafile;
        }
        if (lower.StartsWith("mlx_lm.", StringComparison.Ordinal))
        {
            return RuntimeIds.MlxLm;
        }
        // GPT4All's desktop binary is called just "chat": only trust it inside a gpt4all install (discovery.md §2.5).
        if (lower == "chat" && ContainsIgnoreCase(process.Executable ?? (process.Argv.Count > 0 ? process.Argv[0] : null), "gpt4all"))
        {
            return RuntimeIds.Gpt4All;
        }
        return null;
    }

    private static string? ClassifyPython(ProcessInfo process)
    {
        IReadOnlyList<string> argv = process.Argv;
        for (int i = 1; i < argv.Count; i++)
        {
            string arg = argv[i];
            if (arg == "-m" && i + 1 < argv.Count)
            {
                string module = argv[i + 1];
                foreach ((string prefix, string runtime) in PythonModules)
                {
                    if (module == prefix || module.StartsWith(prefix + ".", StringComparison.Ordinal))
                    {
                        return runtime;
                    }
                }
                return null;
            }
            if (arg.StartsWith('-'))
            {
                continue;
            }
            // The first non-option argument is the script: a console entry point (…/bin/vllm) or a .py file.
            string script = BaseName(arg) ?? arg;
            string scriptLower = script.ToLowerInvariant();
            if (ExactNames.TryGetValue(StripWindowsExe(script), out string? byScript))
            {
                return byScript;
            }
            if (scriptLower.StartsWith("koboldcpp", StringComparison.Ordinal))
            {
                return RuntimeIds.KoboldCpp;
            }
            if (scriptLower == "one_click.py")
            {
                return RuntimeIds.TextGenerationWebUi;
            }
            if (scriptLower == "server.py"
                && (ContainsIgnoreCase(arg, "text-generation-webui") || ContainsIgnoreCase(process.WorkingDirectory, "text-generation-webui")))
            {
                return RuntimeIds.TextGenerationWebUi;
            }
            if (scriptLower is "uvicorn" && i + 1 < argv.Count && argv[i + 1].StartsWith("open_webui", StringComparison.Ordinal))
            {
                return RuntimeIds.OpenWebUi;
            }
            return null;
        }
        return null;
    }

    private static string? ClassifyByInstallPath(string? exe)
    {
        if (exe is null)
        {
            return null;
        }
        string normal = exe.Replace('\\', '/');
        if (ContainsIgnoreCase(normal, "/lib/ollama/") || ContainsIgnoreCase(normal, "/Ollama.app/") || ContainsIgnoreCase(normal, "/Programs/Ollama/"))
        {
            return RuntimeIds.Ollama;
        }
        if (ContainsIgnoreCase(normal, "/.lmstudio/") || ContainsIgnoreCase(normal, "/LM Studio.app/") || ContainsIgnoreCase(normal, "/LM Studio/"))
        {
            return RuntimeIds.LmStudio;
        }
        if (ContainsIgnoreCase(normal, "/Docker.app/Contents/Resources/") && ContainsIgnoreCase(normal, "llama"))
        {
            return RuntimeIds.DockerModelRunner;
        }
        return null;
    }

    /// <summary>Model references on a command line (discovery.md §2.4, §2.8): <c>-m</c>, <c>--model</c>, <c>--model-path</c>, <c>-hf</c>, <c>vllm serve &lt;model&gt;</c>.</summary>
    public static IReadOnlyList<string> ExtractModelPaths(IReadOnlyList<string> argv)
    {
        var models = new List<string>();
        for (int i = 1; i < argv.Count && models.Count < MaxModelPaths; i++)
        {
            string arg = argv[i];
            string? value = null;
            if (arg is "-m" or "--model" or "--model-path" or "-hf" or "--hf-repo" or "-mu" or "--model-url")
            {
                if (i + 1 < argv.Count)
                {
                    value = argv[++i];
                }
            }
            else
            {
                foreach (string option in (ReadOnlySpan<string>)["--model=", "--model-path=", "--hf-repo=", "--model-url="])
                {
                    if (arg.StartsWith(option, StringComparison.Ordinal))
                    {
                        value = arg[option.Length..];
                        break;
                    }
                }
                // "vllm serve <model>" (possibly after python and the entry-point script).
                if (value is null && arg == "serve" && BaseName(argv[i - 1]) is string previous
                    && StripWindowsExe(previous).Equals("vllm", StringComparison.OrdinalIgnoreCase)
                    && i + 1 < argv.Count && !argv[i + 1].StartsWith('-'))
                {
                    value = argv[++i];
                }
            }
            if (!string.IsNullOrEmpty(value) && !models.Contains(value, StringComparer.Ordinal))
            {
                models.Add(value);
            }
        }
        return models;
    }

    /// <summary>Options whose value is a secret: redacted from the command line we report (gateway.md §2.1, §2.3).</summary>
    private static readonly HashSet<string> SecretOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "--api-key", "--password", "--token", "--hf-token", "-hft", "--admin-key", "--auth-token", "--secret",
    };

    /// <summary>The command line for the report: argv joined, secret option values replaced, bounded.</summary>
    public static string FormatCommandLine(IReadOnlyList<string> argv)
    {
        var parts = new List<string>(argv.Count);
        for (int i = 0; i < argv.Count; i++)
        {
            string arg = argv[i];
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && SecretOptions.Contains(arg[..eq]))
            {
                parts.Add(arg[..(eq + 1)] + "<redacted>");
                continue;
            }
            parts.Add(arg);
            if (SecretOptions.Contains(arg) && i + 1 < argv.Count)
            {
                parts.Add("<redacted>");
                i++;
            }
        }
        return BoundedText.Clip(string.Join(' ', parts), MaxCommandLineLength);
    }

    /// <summary>The Core record for a classified process.</summary>
    public static InferenceProcess ToInferenceProcess(ProcessInfo process, string runtime, IReadOnlyList<GpuUse> gpu) => new()
    {
        Pid = process.Pid,
        ParentPid = process.ParentPid,
        User = process.User ?? process.Uid?.ToString(CultureInfo.InvariantCulture),
        Name = process.Name,
        Executable = process.Executable,
        CommandLine = process.Argv.Count > 0 ? FormatCommandLine(process.Argv) : null,
        Runtime = runtime,
        ModelPaths = ExtractModelPaths(process.Argv),
        Gpu = gpu,
    };

    internal static string? BaseName(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }
        // " (deleted)" is appended by the kernel to exe links of replaced binaries.
        string trimmed = path.EndsWith(" (deleted)", StringComparison.Ordinal) ? path[..^10] : path;
        int slash = trimmed.LastIndexOfAny(['/', '\\']);
        return slash >= 0 ? trimmed[(slash + 1)..] : trimmed;
    }

    private static string StripWindowsExe(string name) =>
        name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;

    private static bool IsPython(string name)
    {
        string lower = StripWindowsExe(name).ToLowerInvariant();
        return lower.StartsWith("python", StringComparison.Ordinal) || lower is "pythonw" or "py";
    }

    private static bool ContainsIgnoreCase(string? haystack, string needle) =>
        haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
}
