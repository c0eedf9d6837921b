using System.Globalization;
using Lantern.Governance.Licenses;

namespace Lantern.Governance.Policy.Rendering;

/// <summary>
/// Decides what the human "Local AI Use Policy" document says: the same facts as the policy file, in the
/// words a reader (employee, auditor) needs. Order follows the file, so output is deterministic.
/// </summary>
internal static class PolicyDocumentBuilder
{
    private const string NotSet = "not set";

    public static List<DocumentBlock> Build(LocalAiPolicy policy, DateOnly today)
    {
        var blocks = new List<DocumentBlock>
        {
            new HeadingBlock(1, policy.Metadata.Name),
            new ParagraphBlock("Local AI Use Policy"),
            new HeadingBlock(2, "Document control"),
            new TableBlock(["Field", "Value"],
            [
                ["Version", policy.Metadata.Version],
                ["Owner", policy.Metadata.Owner],
                ["Approved by", policy.Metadata.ApprovedBy ?? NotSet],
                ["Approved on", Date(policy.Metadata.ApprovedOn)],
                ["Review by", Date(policy.Metadata.ReviewBy)],
                ["Generated on", Date(today)],
            ]),
            new HeadingBlock(2, "1. Purpose and scope"),
            new ParagraphBlock(
                "This policy governs AI models that run locally on company endpoints and servers (for example Ollama, "
                + "LM Studio, llama.cpp and Hugging Face model caches). It states which models are approved, for which "
                + "purposes and up to which data classification, how their outputs must be handled, where models and "
                + "runtimes may come from, and when approvals are reviewed. A model that is not listed as approved in "
                + "section 4 must not be used. The policy is kept as a versioned file and checked on endpoints "
                + "automatically; the file in version control is authoritative."),
        };

        AddClassifications(blocks, policy);
        AddUseCases(blocks, policy);
        AddApprovedModels(blocks, policy);
        AddOtherEntries(blocks, policy);
        AddSources(blocks, policy);
        AddLicences(blocks, policy);
        AddRuntimes(blocks, policy);
        AddExposure(blocks, policy);
        AddGroups(blocks, policy);
        AddReviewSchedule(blocks, policy, today);
        return blocks;
    }

    private static void AddClassifications(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "2. Data classifications"));
        blocks.Add(new ParagraphBlock("Data classes, from lowest to highest. Data may be given to a model only when its class is at or below both the use case's and the model's maximum classification."));
        var items = new List<string>(policy.Classifications.Count);
        for (int i = 0; i < policy.Classifications.Count; i++)
        {
            string rank = policy.Classifications.Count == 1 ? "" : i == 0 ? " (lowest)" : i == policy.Classifications.Count - 1 ? " (highest)" : "";
            items.Add(policy.Classifications[i] + rank);
        }
        blocks.Add(new ListBlock(items, Ordered: true));
    }

    private static void AddUseCases(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "3. Approved use cases"));
        if (policy.UseCases.Count == 0)
        {
            blocks.Add(new ParagraphBlock("No use case is approved yet; local AI may not be used for work until one is."));
            return;
        }
        blocks.Add(new TableBlock(["Use case", "Description", "Highest data class", "Output handling"],
            [.. policy.UseCases.Select(u => (IReadOnlyList<string>)[u.Id, u.Description, u.MaxClassification, Describe(u.OutputHandling)])]));
    }

    private static void AddApprovedModels(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "4. Approved models"));
        RegisteredModel[] approved = [.. policy.Models.Where(m => m.Status == ModelStatus.Approved)];
        if (approved.Length == 0)
        {
            blocks.Add(new ParagraphBlock("No model is approved yet."));
            return;
        }
        blocks.Add(new ParagraphBlock("Approval is of exact model files: each entry pins the SHA-256 digests of the approved weights, so a file with the same name but different content is not approved."));
        blocks.Add(new TableBlock(["Model", "Version", "Runtime", "Owner", "Use cases", "Highest data class", "Licence", "Review by"],
            [.. approved.Select(m => (IReadOnlyList<string>)
            [
                m.Name,
                m.Version ?? "",
                m.Runtime ?? "any",
                m.Owner ?? NotSet,
                m.UseCases.Count == 0 ? "all approved use cases" : string.Join(", ", m.UseCases),
                m.MaxClassification ?? "as the use case allows",
                m.License ?? NotSet,
                Date(m.ReviewBy),
            ])]));
    }

    private static void AddOtherEntries(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "5. Models not approved for use"));
        RegisteredModel[] others = [.. policy.Models.Where(m => m.Status != ModelStatus.Approved)];
        if (others.Length == 0)
        {
            blocks.Add(new ParagraphBlock("The registry holds no proposed, deprecated or retired entries."));
            return;
        }
        blocks.Add(new ParagraphBlock("Proposed models await approval and must not be used yet. Deprecated models must be replaced by their successor. Retired models must be removed from every endpoint."));
        blocks.Add(new TableBlock(["Model", "Runtime", "Status", "Replaced by", "Owner"],
            [.. others.Select(m => (IReadOnlyList<string>)
            [
                m.Name,
                m.Runtime ?? "any",
                Describe(m.Status),
                m.SupersededBy ?? "",
                m.Owner ?? NotSet,
            ])]));
    }

    private static void AddSources(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "6. Allowed model sources"));
        blocks.Add(new ParagraphBlock(policy.Sources.Allow.Count == 0
            ? "Models may come from any source not denied below."
            : "Models may be obtained only from these sources:"));
        if (policy.Sources.Allow.Count > 0)
        {
            blocks.Add(new ListBlock(policy.Sources.Allow, Ordered: false));
        }
        if (policy.Sources.Deny.Count > 0)
        {
            blocks.Add(new ParagraphBlock("Models from these sources are refused even where an allowed source matches:"));
            blocks.Add(new ListBlock(policy.Sources.Deny, Ordered: false));
        }
        blocks.Add(new ParagraphBlock("Sources are written as host/path; '*' stands for any text within one path segment and '**' for any number of segments."));
    }

    private static void AddLicences(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "7. Licence rules"));
        var rows = new List<IReadOnlyList<string>>();
        foreach ((IReadOnlyList<string> ids, string decision) in new[]
        {
            (policy.Licenses.Allow, "Allowed"),
            (policy.Licenses.Review, "Needs legal review before use"),
            (policy.Licenses.Deny, "Not allowed"),
        })
        {
            foreach (string id in ids)
            {
                rows.Add([id, LicenseCatalog.TryGet(id, out LicenseInfo info) ? info.Name : "", decision]);
            }
        }
        if (rows.Count > 0)
        {
            blocks.Add(new TableBlock(["Licence", "Name", "Decision"], rows));
        }
        blocks.Add(new ParagraphBlock("A licence not listed here: " + policy.Licenses.Unlisted switch
        {
            LicenseDecision.Allow => "allowed.",
            LicenseDecision.Deny => "not allowed.",
            _ => "needs legal review before use.",
        } + " A model whose licence is unknown needs legal review; non-commercial and research-only licences are never assumed to permit business use."));
    }

    private static void AddRuntimes(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "8. Runtime requirements"));
        if (policy.Runtimes.Allowed.Count > 0)
        {
            blocks.Add(new TableBlock(["Runtime", "Minimum version"],
                [.. policy.Runtimes.Allowed.Select(r => (IReadOnlyList<string>)[r.Id, r.MinVersion ?? "any"])]));
        }
        blocks.Add(new ParagraphBlock(policy.Runtimes.AllowUnlisted
            ? "Runtimes not listed here may be used."
            : "Runtimes not listed here must not be installed."));
        blocks.Add(new ParagraphBlock($"A runtime with a published security advisory of severity {policy.Runtimes.FailOnAdvisory} or above must be updated or removed."));
    }

    private static void AddExposure(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "9. Network exposure"));
        blocks.Add(new ParagraphBlock(policy.Exposure.AllowNonLoopback
            ? "Inference servers may listen on network interfaces beyond loopback; such servers must be protected by authentication and network controls."
            : "Inference servers (for example Ollama on port 11434) must listen on the loopback interface only (127.0.0.1 or ::1). A model server reachable from the network is an unauthenticated API and is not allowed."));
    }

    private static void AddGroups(List<DocumentBlock> blocks, LocalAiPolicy policy)
    {
        blocks.Add(new HeadingBlock(2, "10. User groups"));
        if (policy.Groups.Count == 0)
        {
            blocks.Add(new ParagraphBlock("No group restrictions are defined: every user may use every approved model for every approved use case."));
            return;
        }
        blocks.Add(new ParagraphBlock("Members of these groups may use only the models, use cases and data classes listed for their group."));
        blocks.Add(new TableBlock(["Group", "Members", "Models", "Use cases", "Highest data class"],
            [.. policy.Groups.Select(g => (IReadOnlyList<string>)
            [
                g.Id,
                string.Join(", ", g.Members),
                g.Models.Count == 0 ? "all approved models" : string.Join(", ", g.Models),
                g.UseCases.Count == 0 ? "all approved use cases" : string.Join(", ", g.UseCases),
                g.MaxClassification ?? "no further limit",
            ])]));
    }

    private static void AddReviewSchedule(List<DocumentBlock> blocks, LocalAiPolicy policy, DateOnly today)
    {
        blocks.Add(new HeadingBlock(2, "11. Review schedule"));
        blocks.Add(new ParagraphBlock($"This policy is reviewed by {Date(policy.Metadata.ReviewBy)}{Overdue(policy.Metadata.ReviewBy, today)}, and whenever a model, use case or data class is added. Each approved model is reviewed by its own date:"));
        RegisteredModel[] approved = [.. policy.Models
            .Where(m => m.Status == ModelStatus.Approved)
            .OrderBy(m => m.ReviewBy ?? DateOnly.MaxValue)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Runtime ?? "", StringComparer.Ordinal)];
        if (approved.Length == 0)
        {
            blocks.Add(new ParagraphBlock("No model is approved yet."));
            return;
        }
        blocks.Add(new TableBlock(["Model", "Runtime", "Owner", "Review by", "State"],
            [.. approved.Select(m => (IReadOnlyList<string>)
            [
                m.Name,
                m.Runtime ?? "any",
                m.Owner ?? NotSet,
                Date(m.ReviewBy),
                m.ReviewBy is null ? "no date set" : m.ReviewBy < today ? "overdue" : "due",
            ])]));
    }

    private static string Overdue(DateOnly? date, DateOnly today) => date < today ? " (overdue)" : "";

    internal static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? NotSet;

    internal static string Describe(OutputHandling handling) => handling switch
    {
        OutputHandling.Label => "Outputs are labelled as AI-assisted.",
        OutputHandling.HumanReview => "A competent person reviews outputs before they are used.",
        OutputHandling.Approval => "A named approver releases outputs before they are used.",
        _ => "No specific requirement.",
    };

    private static string Describe(ModelStatus status) => status switch
    {
        ModelStatus.Proposed => "proposed: awaiting approval",
        ModelStatus.Deprecated => "deprecated: replace",
        ModelStatus.Retired => "retired: remove",
        _ => "approved",
    };
}
