namespace Lantern.Governance.Advisories;

/// <summary>
/// The one table that ties a Lantern detector id to the OSV (ecosystem, package) its advisories are
/// filed under, and to the version order that package uses. Ecosystem names are OSV's where one
/// exists (<c>Go</c>, <c>PyPI</c>); <c>GitHub</c> (a GitHub repository's release tags) and
/// <c>Lantern</c> (products with no public package) are Lantern's own — see docs/advisories.md.
/// </summary>
internal static class RuntimePackages
{
    public const string GoEcosystem = "Go";
    public const string PyPIEcosystem = "PyPI";
    public const string GitHubEcosystem = "GitHub";
    public const string LanternEcosystem = "Lantern";

    public const string LlamaCppRuntimeId = "llama.cpp";

    private static readonly Dictionary<string, RuntimePackage> ById = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ollama"] = new(GoEcosystem, "github.com/ollama/ollama"),
        [LlamaCppRuntimeId] = new(GitHubEcosystem, "ggml-org/llama.cpp"),
        ["llama-cpp-python"] = new(PyPIEcosystem, "llama-cpp-python"),
        ["vllm"] = new(PyPIEcosystem, "vllm"),
        ["open-webui"] = new(PyPIEcosystem, "open-webui"),
        ["text-generation-webui"] = new(GitHubEcosystem, "oobabooga/text-generation-webui"),
        ["pytorch"] = new(PyPIEcosystem, "torch"),
        ["mlx-lm"] = new(PyPIEcosystem, "mlx-lm"),
        ["localai"] = new(GoEcosystem, "github.com/mudler/LocalAI"),
        ["gpt4all"] = new(GitHubEcosystem, "nomic-ai/gpt4all"),
        ["jan"] = new(GitHubEcosystem, "janhq/jan"),
        ["koboldcpp"] = new(GitHubEcosystem, "LostRuins/koboldcpp"),
        ["llamafile"] = new(GitHubEcosystem, "Mozilla-Ocho/llamafile"),
        ["docker-model-runner"] = new(GitHubEcosystem, "docker/model-runner"),
        ["foundry-local"] = new(GitHubEcosystem, "microsoft/Foundry-Local"),
        ["anythingllm"] = new(GitHubEcosystem, "Mintplex-Labs/anything-llm"),
        ["lmstudio"] = new(LanternEcosystem, "lmstudio"),
        ["msty"] = new(LanternEcosystem, "msty"),
    };

    public static IReadOnlyCollection<string> RuntimeIds => ById.Keys;

    public static bool TryGet(string? runtimeId, out RuntimePackage package)
    {
        if (runtimeId is not null && ById.TryGetValue(runtimeId, out RuntimePackage? found))
        {
            package = found;
            return true;
        }
        package = default!;
        return false;
    }

    /// <summary>The version order for a package: Go → SemVer, PyPI → PEP 440, llama.cpp → build numbers.</summary>
    public static VersionScheme SchemeFor(string ecosystem, string package)
    {
        if (string.Equals(ecosystem, GoEcosystem, StringComparison.OrdinalIgnoreCase))
        {
            return SemVerScheme.Instance;
        }
        if (string.Equals(ecosystem, GitHubEcosystem, StringComparison.OrdinalIgnoreCase)
            && string.Equals(package, ById[LlamaCppRuntimeId].Name, StringComparison.OrdinalIgnoreCase))
        {
            return BuildNumberScheme.Instance;
        }
        // PyPI, and plain dotted release tags (v2.5, 4.1.1) elsewhere: PEP 440 orders those correctly.
        return Pep440Scheme.Instance;
    }

    /// <summary>True when an OSV affected package names the same thing as <paramref name="package"/>.</summary>
    public static bool SamePackage(RuntimePackage package, string? ecosystem, string? name)
    {
        if (ecosystem is null || name is null)
        {
            return false;
        }
        // OSV ecosystems may carry a suffix ("Debian:12"); ours never do, so compare whole strings.
        if (!string.Equals(package.Ecosystem, ecosystem, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return package.Ecosystem switch
        {
            // PEP 503 normalisation: case-insensitive, runs of -, _ and . are equivalent.
            PyPIEcosystem => string.Equals(NormalisePyPIName(package.Name), NormalisePyPIName(name), StringComparison.Ordinal),
            // Go module paths are case-sensitive.
            GoEcosystem => string.Equals(package.Name, name, StringComparison.Ordinal),
            _ => string.Equals(package.Name, name, StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>True when any advisory package maps to a runtime Lantern detects.</summary>
    public static bool IsRelevant(string? ecosystem, string? name) =>
        ById.Values.Any(p => SamePackage(p, ecosystem, name));

    internal static string NormalisePyPIName(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        bool lastSeparator = false;
        foreach (char c in name)
        {
            if (c is '-' or '_' or '.')
            {
                if (!lastSeparator)
                {
                    sb.Append('-');
                }
                lastSeparator = true;
            }
            else
            {
                sb.Append(char.ToLowerInvariant(c));
                lastSeparator = false;
            }
        }
        return sb.ToString();
    }
}

/// <summary>An OSV package coordinate.</summary>
internal sealed record RuntimePackage(string Ecosystem, string Name);
