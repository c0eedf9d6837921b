using System.Globalization;
using Lantern.Formats;
using Lantern.Formats.Safetensors;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Vetting.Rules.Safetensors;

/// <summary>
/// Judges a safetensors file from its length prefix and JSON header (formats.md §3). The format carries
/// no code, so a file is safe exactly when its header is well-formed and its byte ranges tile the file;
/// every violation is a finding. Cost is O(header): tensor bytes are never read.
/// </summary>
internal sealed class SafetensorsVetter : IFormatVetter
{
    public string Id => "safetensors";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.Safetensors };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SafetensorsHeader header;
        try
        {
            header = SafetensorsReader.Read(context.Content, context.Length);
        }
        catch (ModelFormatException ex)
        {
            context.Add(Finding(SafetensorsRules.ForCode(ex.Code), ex.Message, ex.Code, ex.Offset));
            return Verdict.Malformed;
        }
        foreach (FormatIssue issue in header.Issues)
        {
            context.Add(Finding(SafetensorsRules.ForCode(issue.Code), issue.Message, issue.Code, issue.Offset));
        }
        return Verdict.Safe;
    }

    private static VetFinding Finding(string ruleId, string message, string code, long offset)
    {
        VetRuleDescriptor rule = SafetensorsRules.Describe(ruleId);
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["code"] = code };
        if (offset >= 0)
        {
            evidence["offset"] = offset.ToString(CultureInfo.InvariantCulture);
        }
        return new VetFinding { RuleId = ruleId, Implies = rule.Verdict, Severity = rule.Severity, Message = message, Evidence = evidence };
    }
}
