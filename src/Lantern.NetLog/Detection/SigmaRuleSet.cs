namespace Lantern.NetLog.Detection;

/// <summary>
/// Lantern's Sigma rules (model and runtime downloads seen by a proxy, local-LLM runtime processes,
/// connections to local inference ports, DNS queries for model hubs) as Sigma YAML, valid against the
/// Sigma detection rule schema v2.0.0 and laid out per the SigmaHQ rule convention.
/// </summary>
public static class SigmaRuleSet
{
    /// <summary>Every rule as (file name, YAML text), in a stable order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Rules { get; } =
        LanternDetectionRules.All.Select(rule => KeyValuePair.Create(rule.FileName, SigmaYamlWriter.Write(rule))).ToArray();

    /// <summary>
    /// Writes one <c>.yml</c> file per rule into <paramref name="directory"/> (created if missing; existing
    /// files of the same name are replaced) and returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>(Rules.Count);
        foreach ((string fileName, string yaml) in Rules)
        {
            string path = Path.Combine(directory, fileName);
            // UTF-8 without BOM and LF line ends, as SigmaHQ's yamllint configuration expects.
            File.WriteAllText(path, yaml, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            written.Add(path);
        }
        return written;
    }
}
