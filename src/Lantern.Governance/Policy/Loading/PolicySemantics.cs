using System.Globalization;
using Lantern.Governance.Licenses;

namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// Checks across sections once every value has been read: ids unique, every reference resolves, approved
/// entries pin a digest, no licence in two lists; and the warnings that do not block loading (gaps an
/// auditor would ask about: an approved model without an owner, validation evidence or review date).
/// </summary>
internal sealed class PolicySemantics(string source, List<PolicyDiagnostic> errors, List<PolicyDiagnostic> warnings)
{
    public void Check(LocalAiPolicy policy, PolicyLocations at, DateOnly today)
    {
        var classes = new HashSet<string>(policy.Classifications, StringComparer.OrdinalIgnoreCase);
        foreach (Located reference in at.ClassificationRefs)
        {
            if (!classes.Contains(reference.Value))
            {
                Error(reference, $"classification '{PolicySyntax.Clip(reference.Value)}' is not defined in classifications{EditDistance.DidYouMean(reference.Value, policy.Classifications)}");
            }
        }

        HashSet<string> useCaseIds = Unique(at.UseCaseIds, "use case");
        foreach (Located reference in at.UseCaseRefs)
        {
            if (!useCaseIds.Contains(reference.Value))
            {
                Error(reference, $"use case '{PolicySyntax.Clip(reference.Value)}' is not defined in useCases{EditDistance.DidYouMean(reference.Value, useCaseIds)}");
            }
        }

        Unique(at.GroupIds, "group");
        Unique(at.RuntimeIds, "runtime");
        CheckModels(at);
        CheckLicenseLists(at);

        foreach (Located duplicate in at.DuplicateDigests)
        {
            Warning(duplicate.Node, duplicate.Path, "the same digest is listed twice in this entry");
        }

        if (policy.Metadata.ReviewBy is DateOnly reviewBy && reviewBy < today && at.MetadataReviewBy is not null)
        {
            Warning(at.MetadataReviewBy, "metadata.reviewBy", string.Create(CultureInfo.InvariantCulture,
                $"the policy was due for review on {reviewBy:yyyy-MM-dd}; review it and set the next date ({PolicyRuleIds.PolicyReviewOverdue} fires on every scan until then)"));
        }
    }

    private void CheckModels(PolicyLocations at)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pairs = new Dictionary<(string Name, string Runtime), int>();
        foreach ((RegisteredModel model, MapNode node, string path) in at.Models)
        {
            names.Add(model.Name);
            (string, string) pair = (model.Name.ToUpperInvariant(), model.Runtime?.ToUpperInvariant() ?? "");
            if (pairs.TryGetValue(pair, out int firstLine))
            {
                Error(node, path, string.Create(CultureInfo.InvariantCulture,
                    $"model '{model.Name}'{(model.Runtime is null ? "" : $" for runtime {model.Runtime}")} is registered twice (first at line {firstLine}); keep one entry and list every digest in it"));
            }
            else
            {
                pairs[pair] = node.Line;
            }

            if (model.Status == ModelStatus.Approved)
            {
                if (model.Digests.Count == 0)
                {
                    Error(node, path + ".digests", $"approved model '{model.Name}' pins no digest: approval is of exact weights, so list at least one 'sha256:…' (lantern registry pin records it)");
                }
                if (string.IsNullOrWhiteSpace(model.Owner))
                {
                    Warning(node, path + ".owner", $"approved model '{model.Name}' has no owner ({PolicyRuleIds.ModelWithoutOwner} fires where it is present)");
                }
                if (string.IsNullOrWhiteSpace(model.Validation))
                {
                    Warning(node, path + ".validation", $"approved model '{model.Name}' has no validation evidence reference (ISO/IEC 42001 A.6.2.4)");
                }
                if (model.ReviewBy is null)
                {
                    Warning(node, path + ".reviewBy", $"approved model '{model.Name}' has no reviewBy date; approvals should be reviewed periodically");
                }
            }
        }

        foreach ((Located reference, string? fromName) in at.SupersededBy)
        {
            if (!names.Contains(reference.Value))
            {
                Error(reference, $"supersededBy names '{PolicySyntax.Clip(reference.Value)}', which is not a registry entry{EditDistance.DidYouMean(reference.Value, names)}");
            }
            else if (fromName is not null && string.Equals(fromName, reference.Value, StringComparison.OrdinalIgnoreCase))
            {
                Error(reference, "an entry cannot be superseded by itself");
            }
        }
        foreach (Located reference in at.GroupModelRefs)
        {
            if (!names.Contains(reference.Value))
            {
                Error(reference, $"model '{PolicySyntax.Clip(reference.Value)}' is not a registry entry{EditDistance.DidYouMean(reference.Value, names)}");
            }
        }
    }

    private void CheckLicenseLists(PolicyLocations at)
    {
        var firstList = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        IEnumerable<string> known = LicenseCatalog.All.Select(l => l.Id);
        foreach ((Located entry, string list) in at.LicenseEntries)
        {
            if (firstList.TryGetValue(entry.Value, out string? other))
            {
                Error(entry, other == list
                    ? $"licence '{entry.Value}' is listed twice in licenses.{list}"
                    : $"licence '{entry.Value}' is in both licenses.{other} and licenses.{list}; decide one");
                continue;
            }
            firstList[entry.Value] = list;
            if (!LicenseCatalog.TryGet(entry.Value, out _))
            {
                // Not an error: a company may name a licence Lantern does not know; it then matches only that exact id.
                Warning(entry.Node, entry.Path, $"'{entry.Value}' is not in Lantern's licence catalogue, so it matches only models whose licence id is exactly that{EditDistance.DidYouMean(entry.Value, known)}");
            }
        }
    }

    private HashSet<string> Unique(List<Located> ids, string what)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Located id in ids)
        {
            if (!seen.Add(id.Value))
            {
                Error(id, $"{what} id '{id.Value}' is used twice; ids must be unique");
            }
        }
        return seen;
    }

    private void Error(Located at, string message) => Error(at.Node, at.Path, message);

    private void Error(PolicyNode at, string path, string message) =>
        errors.Add(new PolicyDiagnostic(source, at.Line, at.Column, path, message));

    private void Warning(PolicyNode at, string path, string message) =>
        warnings.Add(new PolicyDiagnostic(source, at.Line, at.Column, path, message));
}
