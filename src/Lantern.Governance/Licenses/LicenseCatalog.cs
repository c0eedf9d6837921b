namespace Lantern.Governance.Licenses;

/// <summary>Whether a licence allows commercial use. Policy input only; legal review is still required.</summary>
public enum CommercialUse
{
    Unknown = 0,
    No = 1,
    Limited = 2,
    Yes = 3,
}

/// <summary>One licence Lantern knows: canonical id, name, commercial status and the conditions that come with it.</summary>
public sealed record LicenseInfo(string Id, string Name, CommercialUse Commercial, string Conditions, bool IsSpdx);

/// <summary>
/// The licence catalogue as data: SPDX licences (canonical SPDX case) and the model-specific
/// licences of the Hugging Face hub and model publishers (lowercase hub ids), with the commercial
/// status from discovery.md §6. Statuses marked "(unverified)" there stay unverified here.
/// </summary>
public static class LicenseCatalog
{
    public const string Unknown = "unknown";
    public const string Other = "other";

    private static readonly LicenseInfo[] Entries =
    [
        // --- SPDX (spdx.org/licenses), permissive ---
        Spdx("Apache-2.0", "Apache License 2.0", CommercialUse.Yes, "Keep the licence and NOTICE; state changes; patent grant ends on patent litigation."),
        Spdx("MIT", "MIT License", CommercialUse.Yes, "Keep the copyright and permission notice."),
        Spdx("BSD-2-Clause", "BSD 2-Clause \"Simplified\" License", CommercialUse.Yes, "Keep the copyright notice and disclaimer."),
        Spdx("BSD-3-Clause", "BSD 3-Clause \"New\" or \"Revised\" License", CommercialUse.Yes, "Keep the notice; no endorsement using the authors' names."),
        Spdx("ISC", "ISC License", CommercialUse.Yes, "Keep the copyright and permission notice."),
        Spdx("Zlib", "zlib License", CommercialUse.Yes, "Do not misrepresent origin; mark altered versions."),
        Spdx("BSL-1.0", "Boost Software License 1.0", CommercialUse.Yes, "Keep the licence in source distributions."),
        Spdx("Unlicense", "The Unlicense", CommercialUse.Yes, "Public-domain dedication."),
        Spdx("CC0-1.0", "Creative Commons Zero v1.0 Universal", CommercialUse.Yes, "Public-domain dedication."),
        Spdx("CC-BY-2.0", "Creative Commons Attribution 2.0 Generic", CommercialUse.Yes, "Attribution."),
        Spdx("CC-BY-3.0", "Creative Commons Attribution 3.0 Unported", CommercialUse.Yes, "Attribution."),
        Spdx("CC-BY-4.0", "Creative Commons Attribution 4.0 International", CommercialUse.Yes, "Attribution."),
        Spdx("CC-BY-SA-3.0", "Creative Commons Attribution Share Alike 3.0 Unported", CommercialUse.Yes, "Attribution; adaptations under the same licence."),
        Spdx("CC-BY-SA-4.0", "Creative Commons Attribution Share Alike 4.0 International", CommercialUse.Yes, "Attribution; adaptations under the same licence."),
        Spdx("CC-BY-ND-4.0", "Creative Commons Attribution No Derivatives 4.0 International", CommercialUse.Yes, "Attribution; no adapted material may be shared."),
        // --- SPDX, copyleft ---
        Spdx("MPL-2.0", "Mozilla Public License 2.0", CommercialUse.Yes, "File-level copyleft: modified files stay MPL."),
        Spdx("LGPL-2.1-only", "GNU Lesser General Public License v2.1 only", CommercialUse.Yes, "Library copyleft; allow relinking."),
        Spdx("LGPL-3.0-only", "GNU Lesser General Public License v3.0 only", CommercialUse.Yes, "Library copyleft; allow relinking."),
        Spdx("GPL-2.0-only", "GNU General Public License v2.0 only", CommercialUse.Yes, "Strong copyleft on distribution; source must be offered."),
        Spdx("GPL-3.0-only", "GNU General Public License v3.0 only", CommercialUse.Yes, "Strong copyleft on distribution; source must be offered."),
        Spdx("AGPL-3.0-only", "GNU Affero General Public License v3.0", CommercialUse.Yes, "Strong copyleft including network use: offer source to users of a hosted service."),
        Spdx("EPL-2.0", "Eclipse Public License 2.0", CommercialUse.Yes, "Weak copyleft."),
        // --- SPDX, non-commercial ---
        Spdx("CC-BY-NC-2.0", "Creative Commons Attribution Non Commercial 2.0 Generic", CommercialUse.No, "Non-commercial use only; attribution."),
        Spdx("CC-BY-NC-3.0", "Creative Commons Attribution Non Commercial 3.0 Unported", CommercialUse.No, "Non-commercial use only; attribution."),
        Spdx("CC-BY-NC-4.0", "Creative Commons Attribution Non Commercial 4.0 International", CommercialUse.No, "Non-commercial use only; attribution."),
        Spdx("CC-BY-NC-SA-3.0", "Creative Commons Attribution Non Commercial Share Alike 3.0 Unported", CommercialUse.No, "Non-commercial use only; share alike."),
        Spdx("CC-BY-NC-SA-4.0", "Creative Commons Attribution Non Commercial Share Alike 4.0 International", CommercialUse.No, "Non-commercial use only; share alike."),
        Spdx("CC-BY-NC-ND-3.0", "Creative Commons Attribution Non Commercial No Derivatives 3.0 Unported", CommercialUse.No, "Non-commercial use only; no derivatives."),
        Spdx("CC-BY-NC-ND-4.0", "Creative Commons Attribution Non Commercial No Derivatives 4.0 International", CommercialUse.No, "Non-commercial use only; no derivatives."),
        // --- Model licences (hub ids, huggingface/hub-docs repositories-licenses.md) ---
        Model("llama2", "Llama 2 Community License Agreement", CommercialUse.Yes, "Over 700 M monthly active users needs a licence from Meta; Acceptable Use Policy; outputs may not be used to improve other LLMs."),
        Model("llama3", "Meta Llama 3 Community License Agreement", CommercialUse.Yes, "Over 700 M MAU needs a Meta licence; display \"Built with Meta Llama 3\"; derived model names start with \"Llama 3\"; outputs may not train other LLMs; AUP."),
        Model("llama3.1", "Llama 3.1 Community License Agreement", CommercialUse.Yes, "Over 700 M MAU needs a Meta licence; display \"Built with Llama\"; outputs may train other models with attribution; AUP."),
        Model("llama3.2", "Llama 3.2 Community License Agreement", CommercialUse.Limited, "As Llama 3.1; the AUP withholds rights to the multimodal models from EU-domiciled individuals and companies (wording unverified)."),
        Model("llama3.3", "Llama 3.3 Community License Agreement", CommercialUse.Yes, "Over 700 M MAU needs a Meta licence; display \"Built with Llama\"; AUP."),
        Model("llama4", "Llama 4 Community License Agreement", CommercialUse.Limited, "Over 700 M MAU needs a Meta licence; attribution; EU carve-out for multimodal models as Llama 3.2 (unverified)."),
        Model("gemma", "Gemma Terms of Use", CommercialUse.Yes, "Gemma Prohibited Use Policy flows down; Google may restrict use; the terms pass on with redistribution."),
        Model("grok2-community", "Grok 2 Community License Agreement", CommercialUse.Unknown, "Terms not reviewed in the Lantern reference; resolve manually."),
        Model("mrl", "Mistral AI Research License", CommercialUse.No, "Research use only; commercial use needs a licence from Mistral AI."),
        Model("mnpl", "Mistral AI Non-Production License", CommercialUse.No, "Testing and evaluation only (e.g. Codestral 22B, unverified)."),
        Model("qwen", "Qwen License Agreement", CommercialUse.Yes, "Over 100 M MAU needs a licence from Alibaba Cloud (unverified)."),
        Model("qwen-research", "Qwen Research License Agreement", CommercialUse.No, "Non-commercial research use only (unverified)."),
        Model("deepseek", "DeepSeek License Agreement", CommercialUse.Yes, "OpenRAIL-style use restrictions must pass downstream."),
        Model("tii-falcon-license", "TII Falcon License", CommercialUse.Limited, "Hosting or shared-instance services need a separate licence (Falcon-180B); acceptable use policy (unverified)."),
        Model("openrail", "Open RAIL", CommercialUse.Yes, "Use-based restrictions must pass downstream."),
        Model("openrail++", "Open RAIL++-M", CommercialUse.Yes, "Use-based restrictions must pass downstream."),
        Model("bigscience-openrail-m", "BigScience OpenRAIL-M", CommercialUse.Yes, "Use-based restrictions must pass downstream."),
        Model("creativeml-openrail-m", "CreativeML OpenRAIL-M", CommercialUse.Yes, "Use-based restrictions must pass downstream."),
        Model("bigscience-bloom-rail-1.0", "BigScience BLOOM RAIL 1.0", CommercialUse.Yes, "Use-based restrictions must pass downstream."),
        Model("bigcode-openrail-m", "BigCode OpenRAIL-M", CommercialUse.Yes, "Use-based restrictions must pass downstream."),
        Model("apple-amlr", "Apple Machine Learning Research Model License", CommercialUse.No, "Research use only."),
        Model("apple-ascl", "Apple Sample Code License", CommercialUse.Unknown, "Terms not reviewed in the Lantern reference; resolve manually."),
        Model("h-research", "H Research License", CommercialUse.No, "Research use only."),
        Model("intel-research", "Intel Research Use License", CommercialUse.No, "Research use only."),
        Model("deepfloyd-if-license", "DeepFloyd IF License Agreement", CommercialUse.No, "Research use only."),
        Model(Other, "Other (named by the publisher)", CommercialUse.Unknown, "Resolve manually from license_name / license_link."),
        Model(Unknown, "Unknown or missing", CommercialUse.Unknown, "No licence found; resolve manually."),
    ];

    private static readonly Dictionary<string, LicenseInfo> ById = Entries.ToDictionary(e => e.Id, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<LicenseInfo> All => Entries;

    /// <summary>Looks up a single canonical id (case-insensitive).</summary>
    public static bool TryGet(string? id, out LicenseInfo info)
    {
        if (id is not null && ById.TryGetValue(id, out LicenseInfo? found))
        {
            info = found;
            return true;
        }
        info = null!;
        return false;
    }

    /// <summary>
    /// Commercial status of a normalised id or a simple SPDX expression: <c>AND</c> takes the most
    /// restrictive operand, <c>OR</c> the most permissive (order: no &lt; unknown &lt; limited &lt; yes).
    /// </summary>
    public static CommercialUse CommercialUseOf(string? normalisedId)
    {
        if (string.IsNullOrEmpty(normalisedId))
        {
            return CommercialUse.Unknown;
        }
        if (TryGet(normalisedId, out LicenseInfo single))
        {
            return single.Commercial;
        }
        if (!SpdxExpression.TryParse(normalisedId, out SpdxExpression? expression))
        {
            return CommercialUse.Unknown;
        }
        return expression.Evaluate(id => TryGet(id, out LicenseInfo i) ? Rank(i.Commercial) : Rank(CommercialUse.Unknown)) switch
        {
            0 => CommercialUse.No,
            1 => CommercialUse.Unknown,
            2 => CommercialUse.Limited,
            _ => CommercialUse.Yes,
        };
    }

    /// <summary>Lowercase text form used in reports: <c>yes</c>, <c>no</c>, <c>limited</c>, <c>unknown</c>.</summary>
    public static string ToText(this CommercialUse use) => use switch
    {
        CommercialUse.Yes => "yes",
        CommercialUse.No => "no",
        CommercialUse.Limited => "limited",
        _ => "unknown",
    };

    private static int Rank(CommercialUse use) => use switch
    {
        CommercialUse.No => 0,
        CommercialUse.Unknown => 1,
        CommercialUse.Limited => 2,
        _ => 3,
    };

    private static LicenseInfo Spdx(string id, string name, CommercialUse use, string conditions) => new(id, name, use, conditions, IsSpdx: true);

    private static LicenseInfo Model(string id, string name, CommercialUse use, string conditions) => new(id, name, use, conditions, IsSpdx: false);
}
