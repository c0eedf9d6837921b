using System.Security.Cryptography;
using System.Text;

namespace Lantern.Governance.Licenses;

/// <summary>A licence recognised from its text.</summary>
/// <param name="Id">Canonical licence id.</param>
/// <param name="Confidence">0–1: the weighted share of the licence's characteristic passages found.</param>
/// <param name="TextSha256">Lowercase hex SHA-256 of the text as given (UTF-8).</param>
public sealed record LicenseIdentification(string Id, double Confidence, string TextSha256);

/// <summary>
/// Recognises full licence texts (Ollama licence layers, LICENSE files) by characteristic passages
/// found anywhere in a normalised copy of the text — deliberately not by the first line, so a
/// text headed "MIT License" that is really the Llama licence is identified as Llama.
/// </summary>
public static class LicenseTextIdentifier
{
    /// <summary>Licence texts run to tens of KiB; the characteristic passages are all near the start.</summary>
    internal const int MaxTextChars = 512 * 1024;

    /// <summary>Below this, a match is too weak to name a licence.</summary>
    internal const double MinConfidence = 0.34;

    /// <summary>Titles at least this long are specific enough to identify a text alone.</summary>
    private const int SpecificTitleLength = 20;

    private const int TitleWeight = 3;
    private const int PassageWeight = 2;

    // Each licence: title phrases (weight 3), characteristic passages (weight 2), and phrases whose
    // presence rules it out (a BSD-3 text contains all of BSD-2's passages). Specific model licences
    // have priority over generic ones on equal score. Phrases are in normalised form (see Normalise).
    private static readonly Fingerprint[] Fingerprints =
    [
        new("llama4", 10, ["llama 4 community license agreement"], ["llama 4 version effective date", "built with llama", "700 million monthly active users"]),
        new("llama3.3", 10, ["llama 3.3 community license agreement"], ["llama 3.3 version release date", "built with llama", "700 million monthly active users"]),
        new("llama3.2", 10, ["llama 3.2 community license agreement"], ["llama 3.2 version release date", "built with llama", "700 million monthly active users"]),
        new("llama3.1", 10, ["llama 3.1 community license agreement"], ["llama 3.1 version release date", "built with llama", "700 million monthly active users"]),
        new("llama3", 10, ["meta llama 3 community license agreement"], ["meta llama 3 version release date", "built with meta llama 3", "700 million monthly active users"]),
        new("llama2", 10, ["llama 2 community license agreement"], ["llama 2 version release date", "700 million monthly active users"]),
        new("gemma", 10, ["gemma terms of use"], ["gemma prohibited use policy", "ai google dev gemma terms"]),
        new("mnpl", 10, ["mistral ai non production license"], ["non production"]),
        new("mrl", 10, ["mistral ai research license"], ["research purposes"]),
        new("qwen-research", 11, ["qwen research license agreement", "tongyi qianwen research license agreement"], ["non commercial"]),
        new("qwen", 10, ["qwen license agreement", "tongyi qianwen license agreement"], ["100 million monthly active users"], Excludes: ["research license agreement"]),
        new("deepseek", 10, ["deepseek license agreement"], ["deepseek model", "use restrictions"]),
        new("tii-falcon-license", 10, ["tii falcon license", "falcon 180b tii license"], ["technology innovation institute"]),
        new("creativeml-openrail-m", 9, ["creativeml open rail m"], ["use based restrictions"]),
        new("bigscience-openrail-m", 9, ["bigscience open rail m"], ["use based restrictions"]),
        new("bigcode-openrail-m", 9, ["bigcode open rail m"], ["use based restrictions"]),
        new("apple-amlr", 9, ["apple machine learning research model license"], ["research purposes"]),
        new("deepfloyd-if-license", 9, ["deepfloyd if license agreement"], ["research purposes"]),
        new("CC-BY-NC-ND-4.0", 5, ["attribution noncommercial noderivatives 4.0 international"], ["creative commons", "noncommercial"]),
        new("CC-BY-NC-SA-4.0", 5, ["attribution noncommercial sharealike 4.0 international"], ["creative commons", "noncommercial"]),
        new("CC-BY-NC-4.0", 4, ["attribution noncommercial 4.0 international"], ["creative commons", "noncommercial"]),
        new("CC-BY-SA-4.0", 4, ["attribution sharealike 4.0 international"], ["creative commons"]),
        new("CC-BY-4.0", 3, ["attribution 4.0 international public license"], ["creative commons"]),
        new("Apache-2.0", 2, ["apache license version 2.0 january 2004"], ["terms and conditions for use reproduction and distribution", "grant of patent license", "www apache org licenses"]),
        new("MIT", 1, ["mit license"], ["permission is hereby granted free of charge to any person obtaining a copy", "the software is provided as is without warranty of any kind"]),
        new("BSD-3-Clause", 1, [], ["redistribution and use in source and binary forms with or without modification are permitted", "neither the name of", "this list of conditions and the following disclaimer"]),
        new("BSD-2-Clause", 1, [], ["redistribution and use in source and binary forms with or without modification are permitted", "this list of conditions and the following disclaimer"], Excludes: ["neither the name of"]),
        new("AGPL-3.0-only", 3, ["gnu affero general public license version 3"], ["remote network interaction"]),
        new("LGPL-3.0-only", 3, ["gnu lesser general public license version 3"], ["additional permissions"]),
        new("GPL-3.0-only", 2, ["gnu general public license version 3 29 june 2007"], ["the gnu general public license is a free copyleft license"], Excludes: ["gnu lesser general public license", "gnu affero general public license"]),
        new("GPL-2.0-only", 2, ["gnu general public license version 2 june 1991"], [], Excludes: ["gnu lesser general public license", "gnu library general public license"]),
        new("MPL-2.0", 2, ["mozilla public license version 2.0"], []),
        new("Unlicense", 2, ["this is free and unencumbered software released into the public domain"], []),
    ];

    /// <summary>The best-matching licence, or null when no licence's passages are found strongly enough.</summary>
    public static LicenseIdentification? Identify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        string normalised = Normalise(text.Length > MaxTextChars ? text[..MaxTextChars] : text);

        Fingerprint? best = null;
        double bestConfidence = 0;
        double bestScore = 0;
        foreach (Fingerprint f in Fingerprints)
        {
            if (f.Excludes.Any(p => normalised.Contains(p, StringComparison.Ordinal)))
            {
                continue;
            }
            int titleHits = f.Titles.Count(p => normalised.Contains(p, StringComparison.Ordinal));
            int passageHits = f.Passages.Count(p => normalised.Contains(p, StringComparison.Ordinal));
            // Several titles are alternative spellings: one found counts as the title found.
            int score = (titleHits > 0 ? TitleWeight : 0) + (passageHits * PassageWeight);
            int possible = (f.Titles.Count > 0 ? TitleWeight : 0) + (f.Passages.Count * PassageWeight);
            if (score == 0 || possible == 0)
            {
                continue;
            }
            double confidence = (double)score / possible;
            // A long, specific title ("apache license version 2.0 january 2004") names the licence on
            // its own; a short one ("mit license") needs a passage of the body as well.
            bool specificTitle = f.Titles.Any(p => p.Length >= SpecificTitleLength && normalised.Contains(p, StringComparison.Ordinal));
            if (confidence < MinConfidence && !specificTitle)
            {
                continue;
            }
            // A title hit on a specific licence outranks generic passages elsewhere in the text;
            // among equals the licence whose passages are more completely present wins.
            double rank = (titleHits > 0 ? 1000 : 0) + (f.Priority * 10) + score + confidence;
            if (best is null || rank > bestScore)
            {
                best = f;
                bestScore = rank;
                bestConfidence = confidence;
            }
        }
        return best is null ? null : new LicenseIdentification(best.Id, Math.Round(bestConfidence, 2), sha);
    }

    /// <summary>
    /// Lowercase; markup and punctuation become spaces (a '.' between digits stays, so "3.1" and
    /// "2.0" survive); whitespace collapses to one space.
    /// </summary>
    internal static string Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = char.ToLowerInvariant(text[i]);
            bool keep = char.IsLetterOrDigit(c)
                || (c == '.' && i > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1]));
            if (!keep)
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private sealed record Fingerprint(string Id, int Priority, IReadOnlyList<string> Titles, IReadOnlyList<string> Passages, IReadOnlyList<string>? Excludes = null)
    {
        public IReadOnlyList<string> Excludes { get; } = Excludes ?? [];
    }
}
