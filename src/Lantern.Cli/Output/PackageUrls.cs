using System.Text;
using Lantern.Core.Model;

namespace Lantern.Cli.Output;

/// <summary>
/// Package URLs (purl spec, github.com/package-url/purl-spec) for the runtimes Lantern finds, so a
/// vulnerability scanner reading the BOM can key on them. Types per reference/discovery.md §7.
/// </summary>
internal static class PackageUrls
{
    /// <summary>The purl for a runtime; <c>pkg:generic/&lt;id&gt;</c> where no ecosystem is known.</summary>
    public static string ForRuntime(RuntimeInstall runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return For(runtime.Id, runtime.Version);
    }

    /// <summary>The purl for a component id (runtime or embedded component) at a version.</summary>
    public static string For(string id, string? version)
    {
        ArgumentNullException.ThrowIfNull(id);
        string? v = string.IsNullOrWhiteSpace(version) ? null : version.Trim();
        switch (id.ToLowerInvariant())
        {
            case "ollama":
                // Go module versions carry the "v" (go.dev/ref/mod#versions); Ollama reports "0.12.3".
                return Build("pkg:golang/github.com/ollama/ollama", v is null || v.StartsWith('v') ? v : "v" + v);
            case "llama.cpp":
            case "llamacpp":
                // llama.cpp releases are tags "bNNNN" on github.com/ggml-org/llama.cpp.
                return Build("pkg:github/ggml-org/llama.cpp", v);
            case "vllm":
                return Build("pkg:pypi/vllm", v);
            case "llama-cpp-python":
                return Build("pkg:pypi/llama-cpp-python", v);
            case "open-webui":
            case "openwebui":
                return Build("pkg:pypi/open-webui", v);
            default:
                return Build("pkg:generic/" + Encode(id), v);
        }
    }

    private static string Build(string prefix, string? version) =>
        version is null ? prefix : prefix + "@" + Encode(version);

    /// <summary>Percent-encodes everything but the purl-safe characters (purl spec, "Character encoding").</summary>
    internal static string Encode(string segment)
    {
        var builder = new StringBuilder(segment.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(segment))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
