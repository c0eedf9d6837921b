namespace Lantern.Governance.Controls;

/// <summary>Framework prefixes of control ids (<c>&lt;FRAMEWORK&gt;:&lt;number&gt;</c>).</summary>
public static class ControlFramework
{
    /// <summary>ISO/IEC 27001:2022 (Annex A controls and management-system clauses).</summary>
    public const string Iso27001 = "ISO27001";

    /// <summary>ISO 9001:2015 clauses.</summary>
    public const string Iso9001 = "ISO9001";

    /// <summary>ISO/IEC 42001:2023 (Annex A controls and management-system clauses).</summary>
    public const string Iso42001 = "ISO42001";

    /// <summary>NIST AI RMF 1.0 (NIST AI 100-1) subcategories.</summary>
    public const string NistAiRmf = "NIST-AI-RMF";

    /// <summary>EU AI Act, Regulation (EU) 2024/1689 (deployer view).</summary>
    public const string EuAiAct = "EU-AI-ACT";

    /// <summary>Frameworks in the order reports list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Iso27001, Iso9001, Iso42001, NistAiRmf, EuAiAct];

    /// <summary>Name and edition for headings (<c>ISO/IEC 27001:2022</c>); the id itself for an unknown framework.</summary>
    public static string DisplayName(string framework) => framework switch
    {
        Iso27001 => "ISO/IEC 27001:2022",
        Iso9001 => "ISO 9001:2015",
        Iso42001 => "ISO/IEC 42001:2023",
        NistAiRmf => "NIST AI RMF 1.0",
        EuAiAct => "EU AI Act (Regulation (EU) 2024/1689)",
        _ => framework,
    };
}

/// <summary>
/// When an EU AI Act obligation applies, kept as data because the dates move (compliance.md §5: the Digital
/// Omnibus on AI, 2025/0359(COD), was approved by Parliament and Council in June 2026 but not yet in the Official
/// Journal when this catalogue was written; until publication the text as published applies).
/// </summary>
/// <param name="AppliesFrom">Date of application in Regulation (EU) 2024/1689 as published.</param>
/// <param name="Scope">Which systems that date covers (e.g. "Annex III high-risk systems").</param>
/// <param name="LaterAppliesFrom">A second published date for another class of systems (Art. 6(1) systems: 2 Aug 2027), if any.</param>
/// <param name="Uncertainty">What the Digital Omnibus would change, or null when it leaves the article as is.</param>
public sealed record RegulatoryDate(DateOnly AppliesFrom, string Scope, DateOnly? LaterAppliesFrom, string? Uncertainty);

/// <summary>
/// One control (or clause, subcategory, article) that Lantern produces evidence for.
/// </summary>
/// <param name="Id">Stable id, <c>&lt;FRAMEWORK&gt;:&lt;number&gt;</c>: <c>ISO27001:A.5.9</c>, <c>ISO9001:7.5</c>,
/// <c>ISO42001:A.6.2.8</c>, <c>NIST-AI-RMF:GOVERN-1.6</c>, <c>EU-AI-ACT:Art.26(6)</c>.</param>
/// <param name="Framework">One of <see cref="ControlFramework"/>.</param>
/// <param name="Number">The number within the framework (<c>A.5.9</c>, <c>GOVERN 1.6</c>, <c>Art. 26(6)</c>).</param>
/// <param name="Title">Short title; standards' texts are paraphrased, never quoted (copyright, compliance.md header).</param>
/// <param name="Relevance">What the control means for on-device AI.</param>
/// <param name="Applies">For EU AI Act entries, when the obligation applies; null for standards.</param>
public sealed record ControlDefinition(string Id, string Framework, string Number, string Title, string Relevance, RegulatoryDate? Applies = null)
{
    /// <summary>True for ISO/IEC 27001 and 42001 Annex A controls (numbers starting <c>A.</c>), false for clauses.</summary>
    public bool IsAnnexA => Number.StartsWith("A.", StringComparison.Ordinal);
}
