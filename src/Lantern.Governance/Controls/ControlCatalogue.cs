namespace Lantern.Governance.Controls;

/// <summary>
/// Every control Lantern bears on, as data: ISO/IEC 27001:2022 (Annex A rows and clauses of compliance.md §1),
/// ISO 9001:2015 (§2), ISO/IEC 42001:2023 (all 38 Annex A controls and the clauses of §3), NIST AI RMF 1.0
/// subcategories (§4) and EU AI Act articles for deployers (§5). Numbers are exact and titles paraphrased.
/// Numbering traps (compliance.md §0): A.8.1 is user end point devices and asset inventory is A.5.9; ISO/IEC 42001
/// Annex A has 38 controls in A.2–A.10, the "A.x.1" entries are objectives and not listed.
/// </summary>
public static class ControlCatalogue
{
    private const string Annex3 = "Annex III high-risk systems (Art. 6(2)); Art. 6(1) systems (Annex I products) from the later date";

    private const string OmnibusHighRisk =
        "Digital Omnibus on AI (2025/0359(COD)), approved June 2026 but not yet published in the Official Journal: " +
        "would move Annex III high-risk duties to 2027-12-02 and Annex I to 2028-08-02. Check its status before relying on either date.";

    private static readonly RegulatoryDate HighRiskDeployer = new(new DateOnly(2026, 8, 2), Annex3, new DateOnly(2027, 8, 2), OmnibusHighRisk);

    /// <summary>All controls, grouped by framework in <see cref="ControlFramework.All"/> order, numbers ascending.</summary>
    public static IReadOnlyList<ControlDefinition> All { get; } =
    [
        // ISO/IEC 27001:2022 Annex A (compliance.md §1). 93 controls in all; these are the ones on-device AI touches.
        Iso27001("A.5.1", "Policies for information security", "AI / on-device AI topic-specific policy"),
        Iso27001("A.5.2", "Information security roles and responsibilities", "model owner, approver, reviewer"),
        Iso27001("A.5.9", "Inventory of information and other associated assets", "local model and runtime inventory"),
        Iso27001("A.5.10", "Acceptable use of information and other associated assets", "acceptable use of local AI and outputs"),
        Iso27001("A.5.12", "Classification of information", "which data classes may go to which model"),
        Iso27001("A.5.14", "Information transfer", "prompts and outputs leaving the device"),
        Iso27001("A.5.15", "Access control", "who may call the gateway and the models"),
        Iso27001("A.5.19", "Information security in supplier relationships", "model publishers and hubs as suppliers"),
        Iso27001("A.5.20", "Addressing information security within supplier agreements", "model licences, terms of use"),
        Iso27001("A.5.21", "Managing information security in the ICT supply chain", "provenance, hashes, signed artefacts"),
        Iso27001("A.5.22", "Monitoring, review and change management of supplier services", "model version updates"),
        Iso27001("A.5.23", "Information security for use of cloud services", "hub downloads, cloud offload"),
        Iso27001("A.5.24", "Incident planning", "AI incidents"),
        Iso27001("A.5.25", "Assessment and decision on events", "AI incidents"),
        Iso27001("A.5.26", "Response to incidents", "AI incidents"),
        Iso27001("A.5.27", "Learning from incidents", "AI incidents"),
        Iso27001("A.5.28", "Collection of evidence", "forensic-grade inference logs"),
        Iso27001("A.5.31", "Legal, statutory, regulatory and contractual requirements", "EU AI Act, GDPR"),
        Iso27001("A.5.32", "Intellectual property rights", "model licences (Llama, Gemma, CC-BY-NC …)"),
        Iso27001("A.5.33", "Protection of records", "retention and integrity of audit logs"),
        Iso27001("A.5.34", "Privacy and protection of PII", "PII in prompts and outputs"),
        Iso27001("A.5.35", "Independent review of information security", "quarterly / independent reviews"),
        Iso27001("A.5.36", "Compliance with policies, rules and standards for information security", "unapproved-model findings"),
        Iso27001("A.5.37", "Documented operating procedures", "model approval SOP"),
        Iso27001("A.6.3", "Information security awareness, education and training", "AI literacy (AI Act Art. 4)"),
        Iso27001("A.6.8", "Information security event reporting", "users reporting AI issues"),
        Iso27001("A.8.1", "User end point devices", "controls on endpoints running models"),
        Iso27001("A.8.2", "Privileged access rights", "who may install runtimes and models"),
        Iso27001("A.8.5", "Secure authentication", "gateway authentication"),
        Iso27001("A.8.7", "Protection against malware", "malicious model files, trojaned runtimes"),
        Iso27001("A.8.8", "Management of technical vulnerabilities", "runtime CVEs; exposed :11434"),
        Iso27001("A.8.9", "Configuration management", "bind address, OLLAMA_HOST"),
        Iso27001("A.8.10", "Information deletion", "model decommissioning; prompt/output caches"),
        Iso27001("A.8.11", "Data masking", "DLP redaction"),
        Iso27001("A.8.12", "Data leakage prevention", "prompt/output DLP"),
        Iso27001("A.8.15", "Logging", "inference audit log"),
        Iso27001("A.8.16", "Monitoring activities", "proxy-log analysis for downloads"),
        Iso27001("A.8.17", "Clock synchronization", "correlating proxy and endpoint logs"),
        Iso27001("A.8.19", "Installation of software on operational systems", "installing runtimes and models"),
        Iso27001("A.8.20", "Networks security", "exposed inference ports"),
        Iso27001("A.8.23", "Web filtering", "hub allow/block at the proxy"),
        Iso27001("A.8.24", "Use of cryptography", "model hashing, log signing"),
        Iso27001("A.8.25", "Secure development life cycle", "models embedded in in-house apps"),
        Iso27001("A.8.26", "Application security requirements", "models embedded in in-house apps"),
        Iso27001("A.8.28", "Secure coding", "models embedded in in-house apps"),
        Iso27001("A.8.29", "Security testing in development and acceptance", "models embedded in in-house apps"),
        Iso27001("A.8.32", "Change management", "model version changes via approval"),

        // ISO/IEC 27001:2022 management-system clauses Lantern's reports feed (compliance.md §1, last paragraph).
        Iso27001("6.1.2", "Information security risk assessment", "AI risk register rows"),
        Iso27001("6.1.3", "Information security risk treatment (incl. d) Statement of Applicability)", "treatment of AI risks; SoA"),
        Iso27001("7.5", "Documented information", "policy, registry and evidence as documented information"),
        Iso27001("9.1", "Monitoring, measurement, analysis and evaluation", "scan results over time"),
        Iso27001("9.2", "Internal audit", "evidence reports for audits"),
        Iso27001("9.3", "Management review", "quarterly review pack"),
        Iso27001("10.2", "Nonconformity and corrective action", "findings → corrective action"),

        // ISO 9001:2015 (compliance.md §2).
        Iso9001("4.1", "Understanding the organization and its context", "AI as an issue"),
        Iso9001("4.2", "Needs and expectations of interested parties", "AI as an issue"),
        Iso9001("6.1", "Actions to address risks and opportunities", "AI risk register"),
        Iso9001("6.3", "Planning of changes", "rolling out new models"),
        Iso9001("7.1.5", "Monitoring and measuring resources", "models as resources"),
        Iso9001("7.1.6", "Organizational knowledge", "models as resources"),
        Iso9001("7.2", "Competence", "user training"),
        Iso9001("7.3", "Awareness", "user training"),
        Iso9001("7.5", "Documented information", "register, approvals, logs as controlled records"),
        Iso9001("7.5.3", "Control of documented information", "retention, disposition and integrity of records and logs"),
        Iso9001("8.1", "Operational planning and control", "planned, controlled AI use"),
        Iso9001("8.4", "Control of externally provided processes, products and services", "third-party models"),
        Iso9001("8.5.1", "Control of production and service provision", "AI use under controlled conditions"),
        Iso9001("8.5.2", "Identification and traceability", "output → model and version"),
        Iso9001("8.5.6", "Control of changes", "model changes"),
        Iso9001("8.6", "Release of products and services", "human review before release"),
        Iso9001("8.7", "Control of nonconforming outputs", "output disposition (reject / rework / concession)"),
        Iso9001("9.1", "Monitoring, measurement, analysis and evaluation", "AI usage KPIs"),
        Iso9001("9.2", "Internal audit", "evidence reports for audits"),
        Iso9001("9.3", "Management review", "quarterly review pack"),
        Iso9001("10.2", "Nonconformity and corrective action", "unapproved model → CAPA"),
        Iso9001("10.3", "Continual improvement", "trend of findings"),

        // ISO/IEC 42001:2023 clauses (compliance.md §3).
        Iso42001("5.2", "AI policy", "the Local AI Use Policy"),
        Iso42001("6.1.2", "AI risk assessment", "AI risk register rows"),
        Iso42001("6.1.3", "AI risk treatment (incl. Statement of Applicability)", "treatment of AI risks; SoA"),
        Iso42001("6.1.4", "AI system impact assessment", "impact of local AI use"),
        Iso42001("9.2", "Internal audit", "evidence reports for audits"),
        Iso42001("9.3", "Management review", "quarterly review pack"),
        Iso42001("10.2", "Nonconformity and corrective action", "findings → corrective action"),

        // ISO/IEC 42001:2023 Annex A: the 38 controls (compliance.md §3; "A.x.1" entries are objectives).
        Iso42001("A.2.2", "Documented policy for developing or using AI systems", "the Local AI Use Policy"),
        Iso42001("A.2.3", "AI policy aligned with other organisational policies", "alignment with security and quality policies"),
        Iso42001("A.2.4", "AI policy reviewed at planned intervals", "policy reviewBy date"),
        Iso42001("A.3.2", "AI roles and responsibilities defined and assigned", "policy and model owners"),
        Iso42001("A.3.3", "Way for people to raise concerns about AI", "reporting channel"),
        Iso42001("A.4.2", "Documenting the resources an AI system needs", "model inventory and registry"),
        Iso42001("A.4.3", "Documenting data resources", "data classes per use case"),
        Iso42001("A.4.4", "Documenting tooling resources", "runtime inventory"),
        Iso42001("A.4.5", "Documenting system and computing resources", "hosts, GPUs, servers"),
        Iso42001("A.4.6", "Documenting human resources and competences", "owners and reviewers"),
        Iso42001("A.5.2", "Process for assessing AI system impacts", "impact assessment of use cases"),
        Iso42001("A.5.3", "Recording impact assessment results", "impact assessment records"),
        Iso42001("A.5.4", "Impact on individuals and groups", "impact assessment"),
        Iso42001("A.5.5", "Impact on society", "impact assessment"),
        Iso42001("A.6.1.2", "Objectives for responsible development", "in-house AI development"),
        Iso42001("A.6.1.3", "Processes for responsible design and development", "in-house AI development"),
        Iso42001("A.6.2.2", "Requirements and specification", "model requirements"),
        Iso42001("A.6.2.3", "Design and development records", "model records"),
        Iso42001("A.6.2.4", "Verification and validation", "validation evidence per registry entry"),
        Iso42001("A.6.2.5", "Deploying the AI system (release plan, criteria)", "approval before deployment"),
        Iso42001("A.6.2.6", "Operating and monitoring the AI system in use", "runtime versions, exposure, advisories"),
        Iso42001("A.6.2.7", "Technical documentation for those who need it", "rendered policy and registry"),
        Iso42001("A.6.2.8", "Deciding on and keeping event logs", "inference audit log"),
        Iso42001("A.7.2", "Data management for development and improvement", "training and fine-tuning data"),
        Iso42001("A.7.3", "How data is acquired", "model and data acquisition"),
        Iso42001("A.7.4", "Data quality requirements", "input data quality"),
        Iso42001("A.7.5", "Recording data provenance", "where models and data came from"),
        Iso42001("A.7.6", "Data preparation methods", "data preparation"),
        Iso42001("A.8.2", "Documentation and information for users", "published Local AI Use Policy"),
        Iso42001("A.8.3", "Channel for external reports of adverse impacts", "external reporting"),
        Iso42001("A.8.4", "Plan for communicating incidents", "AI incident communication"),
        Iso42001("A.8.5", "Information owed to interested parties", "disclosures"),
        Iso42001("A.9.2", "Processes for responsible use", "use cases and groups"),
        Iso42001("A.9.3", "Objectives for responsible use", "human oversight of outputs (B.9.3)"),
        Iso42001("A.9.4", "Use according to the intended use", "approved use cases and data classes"),
        Iso42001("A.10.2", "Responsibilities split with third parties", "model publishers and hubs"),
        Iso42001("A.10.3", "Suppliers aligned with the responsible-AI approach", "licences and sources of models"),
        Iso42001("A.10.4", "Customer needs and expectations considered", "customer requirements on AI use"),

        // NIST AI RMF 1.0 subcategories Lantern evidences (compliance.md §4).
        Nist("GOVERN", "1.4", "Risk management process and outcomes set through transparent policies and controls", "the Local AI Use Policy"),
        Nist("GOVERN", "1.5", "Ongoing monitoring and periodic review of risk management", "review dates"),
        Nist("GOVERN", "1.6", "Inventory of AI systems", "model and runtime inventory"),
        Nist("GOVERN", "2.2", "AI risk management training", "user training"),
        Nist("GOVERN", "3.2", "Roles for human-AI configurations and oversight", "owners, reviewers, output handling"),
        Nist("GOVERN", "6.1", "Policies for third-party AI risks, including intellectual property", "licences and sources"),
        Nist("GOVERN", "6.2", "Contingency processes for third-party failures", "fallback when a model is withdrawn"),
        Nist("MAP", "3.5", "Human oversight processes defined and documented", "output handling per use case"),
        Nist("MAP", "4.1", "Legal and technology risks of components, including third-party, mapped", "third-party models and runtimes"),
        Nist("MAP", "4.2", "Internal risk controls for components identified", "registry and vetting"),
        Nist("MEASURE", "2.4", "Functionality and behaviour monitored in production", "gateway logs"),
        Nist("MEASURE", "3.1", "Existing, unanticipated and emergent risks tracked", "advisories, new findings"),
        Nist("MANAGE", "3.1", "Third-party AI risks monitored and controls applied", "licences, sources, advisories"),
        Nist("MANAGE", "3.2", "Pre-trained models monitored as part of regular maintenance", "digest pinning, vetting, drift"),
        Nist("MANAGE", "4.1", "Post-deployment monitoring, including override and decommissioning", "deprecated and retired models"),
        Nist("MANAGE", "4.3", "Incidents and errors communicated", "incident reporting"),

        // EU AI Act (Regulation (EU) 2024/1689), deployer view (compliance.md §5). Dates as published; see Applies.
        EuAiAct("Art.4", "Art. 4", "AI literacy of staff operating AI", "training for users of local AI",
            new(new DateOnly(2025, 2, 2), "all providers and deployers", null,
                "Digital Omnibus (unpublished) would soften Art. 4; sources differ (an effort obligation, or a duty shifted to the Commission and Member States).")),
        EuAiAct("Art.12", "Art. 12", "High-risk systems log events automatically (provider design duty)", "logs a deployer can keep", HighRiskDeployer),
        EuAiAct("Art.19", "Art. 19", "Providers keep automatic logs for at least six months", "log retention", HighRiskDeployer),
        EuAiAct("Art.26(1)", "Art. 26(1)", "Deployers use high-risk systems per the instructions for use", "approved use cases", HighRiskDeployer),
        EuAiAct("Art.26(2)", "Art. 26(2)", "Human oversight by competent, trained people with authority", "output handling, reviewers", HighRiskDeployer),
        EuAiAct("Art.26(4)", "Art. 26(4)", "Relevant, representative input data where the deployer controls it", "data classes per use case", HighRiskDeployer),
        EuAiAct("Art.26(5)", "Art. 26(5)", "Monitor operation, inform provider or authority, suspend use", "monitoring and incident handling", HighRiskDeployer),
        EuAiAct("Art.26(6)", "Art. 26(6)", "Keep logs under the deployer's control for at least six months", "gateway audit log retention", HighRiskDeployer),
        EuAiAct("Art.26(7)", "Art. 26(7)", "Inform workers' representatives before workplace use", "workplace roll-out", HighRiskDeployer),
        EuAiAct("Art.26(11)", "Art. 26(11)", "Inform affected persons", "disclosure", HighRiskDeployer),
        EuAiAct("Art.27", "Art. 27", "Fundamental-rights impact assessment (public bodies, credit, insurance)", "impact assessment", HighRiskDeployer),
        EuAiAct("Art.50(4)", "Art. 50(4)", "Disclose deep fakes and AI-generated public-interest text unless human-reviewed", "labelling outputs",
            new(new DateOnly(2026, 8, 2), "deployers generating such content", null, null)),
    ];

    // Declared after All: static initialisers run in textual order.
    private static readonly Dictionary<string, int> IndexById = All
        .Select((c, i) => (c.Id, i))
        .ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);

    /// <summary>The control with this id, or null.</summary>
    public static ControlDefinition? Find(string id) => IndexById.TryGetValue(id, out int i) ? All[i] : null;

    /// <summary>True when <paramref name="id"/> is in the catalogue.</summary>
    public static bool Contains(string id) => IndexById.ContainsKey(id);

    /// <summary>Position of a control in <see cref="All"/> (for catalogue ordering), or -1.</summary>
    public static int IndexOf(string id) => IndexById.TryGetValue(id, out int i) ? i : -1;

    private static ControlDefinition Iso27001(string number, string title, string relevance) =>
        new($"{ControlFramework.Iso27001}:{number}", ControlFramework.Iso27001, number, title, relevance);

    private static ControlDefinition Iso9001(string number, string title, string relevance) =>
        new($"{ControlFramework.Iso9001}:{number}", ControlFramework.Iso9001, number, title, relevance);

    private static ControlDefinition Iso42001(string number, string title, string relevance) =>
        new($"{ControlFramework.Iso42001}:{number}", ControlFramework.Iso42001, number, title, relevance);

    private static ControlDefinition Nist(string function, string number, string title, string relevance) =>
        new($"{ControlFramework.NistAiRmf}:{function}-{number}", ControlFramework.NistAiRmf, $"{function} {number}", title, relevance);

    private static ControlDefinition EuAiAct(string idPart, string number, string title, string relevance, RegulatoryDate applies) =>
        new($"{ControlFramework.EuAiAct}:{idPart}", ControlFramework.EuAiAct, number, title, relevance, applies);
}
