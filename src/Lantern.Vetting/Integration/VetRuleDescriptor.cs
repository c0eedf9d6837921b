using Lantern.Core.Findings;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Integration;

/// <summary>
/// What a vetting rule is, for reports that list rules (SARIF <c>tool.driver.rules</c>) and for docs:
/// its id, the verdict and severity it implies, a title, a description and tags (CVE, CWE).
/// </summary>
public sealed record VetRuleDescriptor(string Id, Verdict Verdict, Severity Severity, string Title, string Description, IReadOnlyList<string> Tags);

/// <summary>
/// Every rule this assembly can describe. Format folders contribute their own list; rules from a
/// vetter not listed here still appear in reports, described by their first finding.
/// </summary>
public static class VetRuleCatalog
{
    private static readonly Lazy<Dictionary<string, VetRuleDescriptor>> ById = new(Build);

    /// <summary>Engine rules (LNT-VET-00x, <see cref="VetRules"/>).</summary>
    public static IReadOnlyList<VetRuleDescriptor> EngineRules { get; } =
    [
        new(VetRules.Malformed, Verdict.Malformed, Severity.Medium, "Malformed content", "The content breaks its format's rules and a reader stopped on it; loaders may misbehave.", ["malformed"]),
        new(VetRules.Unreadable, Verdict.Incomplete, Severity.Low, "Unreadable", "The file could not be read; it was not judged.", ["incomplete"]),
        new(VetRules.UnsupportedFormat, Verdict.Incomplete, Severity.Low, "No vetter for the format", "A model format Lantern recognises but cannot judge yet; never reported as safe.", ["incomplete"]),
        new(VetRules.NestingLimit, Verdict.Incomplete, Severity.Low, "Containers nested too deep", "Archives nested past the limit; the innermost content was not judged.", ["incomplete"]),
        new(VetRules.TimeLimit, Verdict.Incomplete, Severity.Low, "Time limit", "Vetting ran past the per-file time budget.", ["incomplete"]),
        new(VetRules.SizeLimit, Verdict.Incomplete, Severity.Low, "Size limit", "Content larger than a vetting limit; not judged completely.", ["incomplete"]),
        new(VetRules.FormatMismatch, Verdict.Suspicious, Severity.Medium, "Format mismatch", "The content is not the format its container or name claims.", ["suspicious"]),
    ];

    public static VetRuleDescriptor? Find(string ruleId) => ById.Value.GetValueOrDefault(ruleId);

    public static IEnumerable<VetRuleDescriptor> All => ById.Value.Values;

    private static Dictionary<string, VetRuleDescriptor> Build()
    {
        var all = new Dictionary<string, VetRuleDescriptor>(StringComparer.Ordinal);
        foreach (VetRuleDescriptor rule in EngineRules.Concat(Rules.Gguf.GgufRules.All).Concat(Rules.Safetensors.SafetensorsRules.All))
        {
            all.TryAdd(rule.Id, rule);
        }
        return all;
    }
}
