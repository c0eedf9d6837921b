using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lantern.Formats;
using Lantern.Formats.Gguf;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Vetting.Rules.Gguf;

/// <summary>
/// Judges a GGUF file from its header alone (formats.md §2 hardening checklist, §9.7): every reader
/// issue becomes a finding, fatal reader errors become findings with their specific rule, and every
/// <c>tokenizer.chat_template*</c> is analysed statically (<see cref="ChatTemplateAnalyzer"/>). Tensor
/// data is never read, so a 70 GB file costs what its header costs.
/// </summary>
internal sealed class GgufVetter : IFormatVetter
{
    public string Id => "gguf";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.Gguf };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GgufHeader header;
        try
        {
            header = GgufReader.Read(context.Content);
        }
        catch (ModelFormatException ex)
        {
            context.Add(Finding(GgufRules.ForCode(ex.Code), ex.Message, Evidence(("code", ex.Code), ("offset", Invariant(ex.Offset)))));
            return Verdict.Malformed;
        }
        catch (EndOfStreamException)
        {
            context.Add(Finding(GgufRules.Unreadable, "The GGUF header ends early.", Evidence(("code", "gguf.truncated"))));
            return Verdict.Malformed;
        }

        foreach (FormatIssue issue in header.Issues)
        {
            context.Add(Finding(GgufRules.ForCode(issue.Code), issue.Message, Evidence(("code", issue.Code), ("offset", Invariant(issue.Offset)))));
        }

        foreach ((string key, string template) in header.ChatTemplates.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (context.OutOfTime)
            {
                return Verdict.Incomplete;
            }
            string digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template)));
            long kvOffset = header.Find(key)?.Offset ?? -1;
            foreach (TemplateObservation observation in ChatTemplateAnalyzer.Analyze(template))
            {
                context.Add(Finding(observation.RuleId, $"{key}: {observation.Message}", Evidence(
                    ("key", key),
                    ("offset", Invariant(kvOffset)),
                    ("templateOffset", Invariant(observation.Offset)),
                    ("templateSha256", digest),
                    ("detail", observation.Detail))));
            }
        }
        return Verdict.Safe;
    }

    private static VetFinding Finding(string ruleId, string message, SortedDictionary<string, string> evidence)
    {
        VetRuleDescriptor rule = GgufRules.Describe(ruleId);
        return new VetFinding { RuleId = ruleId, Implies = rule.Verdict, Severity = rule.Severity, Message = message, Evidence = evidence };
    }

    private static SortedDictionary<string, string> Evidence(params (string Key, string Value)[] pairs)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in pairs)
        {
            if (!string.IsNullOrEmpty(value) && value != "-1")
            {
                evidence[key] = value;
            }
        }
        return evidence;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
