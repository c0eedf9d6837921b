using Lantern.Core.Model;

namespace Lantern.Governance.Policy.Evaluation;

/// <summary>
/// Source locators: where a model comes from, written <c>&lt;host&gt;/&lt;path&gt;</c> without a scheme
/// (<c>registry.ollama.ai/library/llama3.2</c>, <c>huggingface.co/meta-llama/Llama-3.2-1B</c>), and the glob
/// patterns of the policy's <c>sources</c> rules that match them (docs/policy.md).
/// </summary>
public static class SourceLocator
{
    /// <summary>Longest locator derived or matched; hub ids are at most 96 characters per segment, so no real one comes close.</summary>
    public const int MaxLocatorLength = 1024;

    /// <summary>Longest pattern accepted; the matcher's work is pattern length × locator length, so both are bounded.</summary>
    public const int MaxPatternLength = 512;

    public const string OllamaRegistryHost = "registry.ollama.ai";
    public const string HuggingFaceHost = "huggingface.co";

    /// <summary>
    /// The locator for an artifact, from its runtime id and <see cref="ModelArtifact.ModelName"/>; null when the
    /// runtime's names carry no source (GPT4All file names, stray files) or the name is not well formed.
    /// </summary>
    public static string? For(ModelArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        string? name = BaseName(artifact.ModelName);
        if (name is null)
        {
            return null;
        }
        string? locator = artifact.Runtime switch
        {
            "ollama" => ForOllama(name),
            // Hugging Face cache folders (models--org--name) and LM Studio's publisher/model folders are hub repo ids.
            "huggingface" or "lmstudio" => TwoSegments(name) is { } repo ? $"{HuggingFaceHost}/{repo}" : null,
            // llama.cpp -hf downloads: manifest=org=repo=tag.json → org/repo:tag.
            "llama.cpp" => TwoSegments(StripTag(name)) is { } repo ? $"{HuggingFaceHost}/{repo}" : null,
            _ => null,
        };
        return locator is null || locator.Length > MaxLocatorLength ? null : locator;
    }

    /// <summary>
    /// The model name without the layer suffix Ollama puts on non-weight layers (<c>llava:7b (projector)</c>),
    /// so every layer of one model answers to the model's name.
    /// </summary>
    internal static string? BaseName(string? modelName)
    {
        if (string.IsNullOrWhiteSpace(modelName))
        {
            return null;
        }
        string name = modelName.Trim();
        int space = name.IndexOf(" (", StringComparison.Ordinal);
        if (space > 0 && name.EndsWith(')'))
        {
            name = name[..space];
        }
        return name;
    }

    /// <summary>Ollama names (ollama/ollama types/model/name.go): <c>model:tag</c>, <c>ns/model:tag</c>, <c>host/ns/model:tag</c>.</summary>
    private static string? ForOllama(string name)
    {
        string[] parts = StripTag(name).Split('/');
        if (parts.Any(p => !IsSegment(p)))
        {
            return null;
        }
        return parts.Length switch
        {
            1 => $"{OllamaRegistryHost}/library/{parts[0]}",
            2 => $"{OllamaRegistryHost}/{parts[0]}/{parts[1]}",
            // hf.co/org/repo:quant is Ollama's pull-from-Hugging-Face form; the weights come from the hub.
            _ when parts[0].Equals("hf.co", StringComparison.OrdinalIgnoreCase) || parts[0].Equals(HuggingFaceHost, StringComparison.OrdinalIgnoreCase)
                => $"{HuggingFaceHost}/{string.Join('/', parts[1..])}",
            _ => string.Join('/', parts),
        };
    }

    /// <summary>Drops a <c>:tag</c> from the last path segment (a port in a host segment is not a tag).</summary>
    private static string StripTag(string name)
    {
        int slash = name.LastIndexOf('/');
        int colon = name.LastIndexOf(':');
        return colon > slash ? name[..colon] : name;
    }

    private static string? TwoSegments(string name)
    {
        string[] parts = name.Split('/');
        return parts.Length == 2 && IsSegment(parts[0]) && IsSegment(parts[1]) ? name : null;
    }

    private static bool IsSegment(string segment) =>
        segment.Length > 0 && segment != "." && segment != ".." && !segment.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\');

    /// <summary>
    /// True when <paramref name="locator"/> matches <paramref name="pattern"/>: <c>*</c> matches any run of characters
    /// within one path segment, <c>**</c> any run across segments (<c>a/**/b</c> also matches <c>a/b</c>), everything
    /// else literally, case-insensitively. A dynamic-programming match over pattern × locator, so no input can make
    /// it backtrack exponentially. Throws for a pattern over <see cref="MaxPatternLength"/>; a locator over
    /// <see cref="MaxLocatorLength"/> matches nothing.
    /// </summary>
    public static bool Matches(string pattern, string locator)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(locator);
        if (pattern.Length > MaxPatternLength)
        {
            throw new ArgumentException($"Source pattern is longer than {MaxPatternLength} characters.", nameof(pattern));
        }
        if (locator.Length > MaxLocatorLength)
        {
            return false;
        }
        List<GlobToken> tokens = Tokenize(pattern);
        int n = locator.Length;
        // row[j]: the tokens so far match locator[..j].
        var row = new bool[n + 1];
        var next = new bool[n + 1];
        row[0] = true;
        foreach (GlobToken token in tokens)
        {
            Array.Clear(next);
            bool anyBefore = false; // OR of row[0..j], kept running so every token costs O(n)
            for (int j = 0; j <= n; j++)
            {
                bool anyStrictlyBefore = anyBefore;
                anyBefore |= row[j];
                switch (token.Kind)
                {
                    case GlobKind.Literal:
                        if (j > 0 && row[j - 1] && char.ToLowerInvariant(locator[j - 1]) == token.Char)
                        {
                            next[j] = true;
                        }
                        break;
                    case GlobKind.Star:
                        next[j] = row[j] || (j > 0 && next[j - 1] && locator[j - 1] != '/');
                        break;
                    case GlobKind.DoubleStar:
                        next[j] = anyBefore;
                        break;
                    case GlobKind.DoubleStarSlash:
                        // Nothing, or anything that ends at a segment boundary ("**/" swallows whole segments).
                        next[j] = row[j] || (j > 0 && locator[j - 1] == '/' && anyStrictlyBefore);
                        break;
                }
            }
            (row, next) = (next, row);
        }
        return row[n];
    }

    private static List<GlobToken> Tokenize(string pattern)
    {
        var tokens = new List<GlobToken>(pattern.Length);
        int i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] != '*')
            {
                tokens.Add(new GlobToken(GlobKind.Literal, char.ToLowerInvariant(pattern[i])));
                i++;
                continue;
            }
            int run = 0;
            while (i + run < pattern.Length && pattern[i + run] == '*')
            {
                run++;
            }
            bool atSegmentStart = i == 0 || pattern[i - 1] == '/';
            i += run;
            if (run == 1)
            {
                tokens.Add(new GlobToken(GlobKind.Star, '\0'));
            }
            else if (atSegmentStart && i < pattern.Length && pattern[i] == '/')
            {
                tokens.Add(new GlobToken(GlobKind.DoubleStarSlash, '\0'));
                i++; // the slash is part of the token
            }
            else
            {
                tokens.Add(new GlobToken(GlobKind.DoubleStar, '\0'));
            }
        }
        return tokens;
    }

    private enum GlobKind
    {
        Literal,
        Star,
        DoubleStar,
        DoubleStarSlash,
    }

    private readonly record struct GlobToken(GlobKind Kind, char Char);
}
