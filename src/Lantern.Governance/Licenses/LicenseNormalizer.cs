using System.Text;

namespace Lantern.Governance.Licenses;

/// <summary>
/// Turns whatever a model file, manifest or model card says about its licence into one canonical
/// id: SPDX ids in SPDX case (<c>Apache-2.0</c>), hub model-licence ids lowercase (<c>llama3.1</c>),
/// simple SPDX expressions as expressions of canonical ids, <c>other</c> kept, anything else
/// <c>unknown</c>. A full licence text is recognised with <see cref="LicenseTextIdentifier"/>.
/// </summary>
public static class LicenseNormalizer
{
    /// <summary>Longer than this, or multi-line, the raw value is treated as a licence text rather than a name.</summary>
    internal const int MaxNameLength = 256;

    // Names seen in GGUF general.license, hub cards, Ollama and package metadata → canonical id.
    // Keys go through the same Squash as the input, so spacing, case and punctuation do not matter.
    private static readonly (string Name, string Id)[] Aliases =
    [
        ("Apache 2", "Apache-2.0"), ("Apache2", "Apache-2.0"), ("ASL 2.0", "Apache-2.0"), ("Apache Software License", "Apache-2.0"),
        ("Apache Software License 2.0", "Apache-2.0"), ("Apache License", "Apache-2.0"), ("Apache", "Apache-2.0"),
        ("Expat", "MIT"), ("MIT/Expat", "MIT"),
        ("BSD 3", "BSD-3-Clause"), ("New BSD", "BSD-3-Clause"), ("Modified BSD", "BSD-3-Clause"),
        ("BSD 2", "BSD-2-Clause"), ("Simplified BSD", "BSD-2-Clause"), ("FreeBSD", "BSD-2-Clause"),
        ("CC0", "CC0-1.0"), ("CC0 1.0 Universal", "CC0-1.0"),
        ("GPL-3.0", "GPL-3.0-only"), ("GPL 3", "GPL-3.0-only"), ("GPLv3", "GPL-3.0-only"), ("GNU General Public License v3.0", "GPL-3.0-only"),
        ("GPL-2.0", "GPL-2.0-only"), ("GPLv2", "GPL-2.0-only"),
        ("LGPL-3.0", "LGPL-3.0-only"), ("LGPLv3", "LGPL-3.0-only"), ("LGPL-2.1", "LGPL-2.1-only"),
        ("AGPL-3.0", "AGPL-3.0-only"), ("AGPLv3", "AGPL-3.0-only"),
        ("MPL 2", "MPL-2.0"),
        ("Creative Commons Attribution 4.0", "CC-BY-4.0"),
        ("Creative Commons Attribution-NonCommercial 4.0", "CC-BY-NC-4.0"), ("Attribution-NonCommercial 4.0", "CC-BY-NC-4.0"),
        ("CC BY-NC", "CC-BY-NC-4.0"), ("CC-BY-NC", "CC-BY-NC-4.0"),
        ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0", "CC-BY-NC-SA-4.0"), ("Attribution-NonCommercial-ShareAlike 4.0", "CC-BY-NC-SA-4.0"),
        ("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0", "CC-BY-NC-ND-4.0"), ("Attribution-NonCommercial-NoDerivatives 4.0", "CC-BY-NC-ND-4.0"),
        ("Meta Llama 2", "llama2"), ("Llama-2", "llama2"),
        ("Meta Llama 3", "llama3"), ("Meta Llama 3.1", "llama3.1"), ("Meta Llama 3.2", "llama3.2"), ("Meta Llama 3.3", "llama3.3"), ("Meta Llama 4", "llama4"),
        ("Gemma Terms of Use", "gemma"), ("Gemma Terms", "gemma"),
        ("Mistral AI Research", "mrl"), ("Mistral Research", "mrl"), ("MRL-0.1", "mrl"),
        ("Mistral AI Non-Production", "mnpl"), ("Mistral Non-Production", "mnpl"), ("MNPL-0.1", "mnpl"),
        ("Tongyi Qianwen", "qwen"), ("Tongyi Qianwen Research", "qwen-research"),
        ("DeepSeek Model", "deepseek"), ("DeepSeek License", "deepseek"),
        ("TII Falcon", "tii-falcon-license"), ("Falcon-180B TII", "tii-falcon-license"), ("TII Falcon 2.0", "tii-falcon-license"),
        ("Open RAIL", "openrail"), ("Open RAIL-M", "openrail"), ("Open RAIL++-M", "openrail++"),
        ("Apple Machine Learning Research Model", "apple-amlr"), ("AMLR", "apple-amlr"),
        ("DeepFloyd IF", "deepfloyd-if-license"),
        ("Proprietary", LicenseCatalog.Other), ("Custom", LicenseCatalog.Other),
        ("None", LicenseCatalog.Unknown), ("N/A", LicenseCatalog.Unknown), ("NOASSERTION", LicenseCatalog.Unknown), ("Unlicensed", LicenseCatalog.Unknown),
    ];

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "license", "licence", "licensed", "agreement", "version", "v", "community", "international", "public", "generic", "unported",
    };

    // Declared before BySquashedName: static initialisers run in text order and the index uses Squash.
    private static readonly char[] SplitChars = BuildSplitChars();

    private static readonly Dictionary<string, string> BySquashedName = BuildSquashedIndex();

    /// <summary>The canonical licence id for <paramref name="raw"/>; <c>unknown</c> when it cannot be resolved.</summary>
    public static string Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return LicenseCatalog.Unknown;
        }
        string text = raw.Trim();
        if (text.Length > MaxNameLength || text.Contains('\n', StringComparison.Ordinal))
        {
            return LicenseTextIdentifier.Identify(text)?.Id ?? LicenseCatalog.Unknown;
        }
        string single = NormalizeSingle(text);
        if (single != LicenseCatalog.Unknown || !SpdxExpression.LooksLikeExpression(text))
        {
            return single;
        }
        if (!SpdxExpression.TryParse(text, out SpdxExpression? expression))
        {
            return LicenseCatalog.Unknown;
        }
        // An expression is only as known as its parts: one unresolvable id makes the whole unknown.
        if (expression.Ids.Any(id => NormalizeSingle(id) == LicenseCatalog.Unknown))
        {
            return LicenseCatalog.Unknown;
        }
        return expression.Render(NormalizeSingle);
    }

    /// <summary>True when <paramref name="raw"/> reads as a licence text rather than an id or a name.</summary>
    public static bool IsLicenseText(string? raw) =>
        raw is not null && (raw.Trim().Length > MaxNameLength || raw.Trim().Contains('\n', StringComparison.Ordinal));

    private static string NormalizeSingle(string text)
    {
        if (LicenseCatalog.TryGet(text, out LicenseInfo exact))
        {
            return exact.Id;
        }
        if (text.StartsWith("LicenseRef-", StringComparison.OrdinalIgnoreCase))
        {
            // A custom licence the publisher named itself: known to exist, terms not in the catalogue.
            return LicenseCatalog.Other;
        }
        string key = Squash(text);
        return key.Length > 0 && BySquashedName.TryGetValue(key, out string? id) ? id : LicenseCatalog.Unknown;
    }

    /// <summary>Lowercase, split on anything but letters, digits, '.' and '+', drop filler words, join.</summary>
    internal static string Squash(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (string raw in text.ToLowerInvariant().Split(SplitChars, StringSplitOptions.RemoveEmptyEntries))
        {
            string token = raw.Trim('.');
            if (token.Length > 1 && token[0] == 'v' && char.IsAsciiDigit(token[1]))
            {
                token = token[1..];
            }
            if (token.Length == 0 || StopWords.Contains(token))
            {
                continue;
            }
            sb.Append(token);
        }
        return sb.ToString();
    }

    private static char[] BuildSplitChars()
    {
        var chars = new List<char>();
        for (char c = (char)0; c < 128; c++)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '.' and not '+')
            {
                chars.Add(c);
            }
        }
        return [.. chars];
    }

    private static Dictionary<string, string> BuildSquashedIndex()
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (LicenseInfo info in LicenseCatalog.All)
        {
            index.TryAdd(Squash(info.Id), info.Id);
            index.TryAdd(Squash(info.Name), info.Id);
        }
        foreach ((string name, string id) in Aliases)
        {
            index.TryAdd(Squash(name), id);
        }
        return index;
    }
}
