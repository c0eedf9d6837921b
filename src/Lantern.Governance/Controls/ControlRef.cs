namespace Lantern.Governance.Controls;

/// <summary>
/// Control references that scan findings bear on, written <c>&lt;STANDARD&gt;:&lt;number&gt;</c>. Numbers follow
/// the 2022 edition of ISO/IEC 27001 Annex A (asset inventory is A.5.9, not the 2013 A.8.1.1),
/// ISO 9001:2015 clauses, and the 38 controls of ISO/IEC 42001:2023 Annex A (reference: compliance.md §1–§3).
/// </summary>
public static class ControlRef
{
    /// <summary>ISO/IEC 27001:2022 Annex A.</summary>
    public static class Iso27001
    {
        public const string Policies = "ISO27001:A.5.1";
        public const string SecurityRoles = "ISO27001:A.5.2";
        public const string AssetInventory = "ISO27001:A.5.9";
        public const string AcceptableUse = "ISO27001:A.5.10";
        public const string Classification = "ISO27001:A.5.12";
        public const string AccessControl = "ISO27001:A.5.15";
        public const string SupplierRelationships = "ISO27001:A.5.19";
        public const string SupplierAgreements = "ISO27001:A.5.20";
        public const string IctSupplyChain = "ISO27001:A.5.21";
        public const string LegalRequirements = "ISO27001:A.5.31";
        public const string IntellectualProperty = "ISO27001:A.5.32";
        public const string PolicyCompliance = "ISO27001:A.5.36";
        public const string OperatingProcedures = "ISO27001:A.5.37";
        public const string UserEndpointDevices = "ISO27001:A.8.1";
        public const string SecureAuthentication = "ISO27001:A.8.5";
        public const string MalwareProtection = "ISO27001:A.8.7";
        public const string TechnicalVulnerabilities = "ISO27001:A.8.8";
        public const string ConfigurationManagement = "ISO27001:A.8.9";
        public const string InformationDeletion = "ISO27001:A.8.10";
        public const string Logging = "ISO27001:A.8.15";
        public const string SoftwareInstallation = "ISO27001:A.8.19";
        public const string NetworkSecurity = "ISO27001:A.8.20";
        public const string Cryptography = "ISO27001:A.8.24";
        public const string ChangeManagement = "ISO27001:A.8.32";
    }

    /// <summary>ISO 9001:2015 clauses.</summary>
    public static class Iso9001
    {
        public const string RisksAndOpportunities = "ISO9001:6.1";
        public const string MonitoringResources = "ISO9001:7.1.5";
        public const string DocumentedInformation = "ISO9001:7.5";
        public const string ExternallyProvided = "ISO9001:8.4";
        public const string ControlledProduction = "ISO9001:8.5.1";
        public const string Traceability = "ISO9001:8.5.2";
        public const string ControlOfChanges = "ISO9001:8.5.6";
        public const string ManagementReview = "ISO9001:9.3";
        public const string NonconformityCorrectiveAction = "ISO9001:10.2";
    }

    /// <summary>ISO/IEC 42001:2023 Annex A.</summary>
    public static class Iso42001
    {
        public const string AiPolicy = "ISO42001:A.2.2";
        public const string AiPolicyReview = "ISO42001:A.2.4";
        public const string AiRoles = "ISO42001:A.3.2";
        public const string SystemResources = "ISO42001:A.4.2";
        public const string ToolingResources = "ISO42001:A.4.4";
        public const string ComputingResources = "ISO42001:A.4.5";
        public const string VerificationAndValidation = "ISO42001:A.6.2.4";
        public const string Deployment = "ISO42001:A.6.2.5";
        public const string OperationAndMonitoring = "ISO42001:A.6.2.6";
        public const string EventLogs = "ISO42001:A.6.2.8";
        public const string DataProvenance = "ISO42001:A.7.5";
        public const string IntendedUse = "ISO42001:A.9.4";
        public const string ThirdPartyResponsibilities = "ISO42001:A.10.2";
        public const string SupplierAlignment = "ISO42001:A.10.3";
    }
}

/// <summary>One control in the catalogue, with its short title (paraphrased, compliance.md).</summary>
public sealed record ControlInfo(string Ref, string Title);

/// <summary>Titles for every <see cref="ControlRef"/> constant, for reports and documentation.</summary>
public static class ControlCatalog
{
    public static IReadOnlyList<ControlInfo> All { get; } =
    [
        new(ControlRef.Iso27001.Policies, "Policies for information security"),
        new(ControlRef.Iso27001.SecurityRoles, "Information security roles and responsibilities"),
        new(ControlRef.Iso27001.AssetInventory, "Inventory of information and other associated assets"),
        new(ControlRef.Iso27001.AcceptableUse, "Acceptable use of information and other associated assets"),
        new(ControlRef.Iso27001.Classification, "Classification of information"),
        new(ControlRef.Iso27001.AccessControl, "Access control"),
        new(ControlRef.Iso27001.SupplierRelationships, "Information security in supplier relationships"),
        new(ControlRef.Iso27001.SupplierAgreements, "Addressing information security within supplier agreements"),
        new(ControlRef.Iso27001.IctSupplyChain, "Managing information security in the ICT supply chain"),
        new(ControlRef.Iso27001.LegalRequirements, "Legal, statutory, regulatory and contractual requirements"),
        new(ControlRef.Iso27001.IntellectualProperty, "Intellectual property rights"),
        new(ControlRef.Iso27001.PolicyCompliance, "Compliance with policies, rules and standards for information security"),
        new(ControlRef.Iso27001.OperatingProcedures, "Documented operating procedures"),
        new(ControlRef.Iso27001.UserEndpointDevices, "User end point devices"),
        new(ControlRef.Iso27001.SecureAuthentication, "Secure authentication"),
        new(ControlRef.Iso27001.MalwareProtection, "Protection against malware"),
        new(ControlRef.Iso27001.TechnicalVulnerabilities, "Management of technical vulnerabilities"),
        new(ControlRef.Iso27001.ConfigurationManagement, "Configuration management"),
        new(ControlRef.Iso27001.InformationDeletion, "Information deletion"),
        new(ControlRef.Iso27001.Logging, "Logging"),
        new(ControlRef.Iso27001.SoftwareInstallation, "Installation of software on operational systems"),
        new(ControlRef.Iso27001.NetworkSecurity, "Networks security"),
        new(ControlRef.Iso27001.Cryptography, "Use of cryptography"),
        new(ControlRef.Iso27001.ChangeManagement, "Change management"),
        new(ControlRef.Iso9001.RisksAndOpportunities, "Actions to address risks and opportunities"),
        new(ControlRef.Iso9001.MonitoringResources, "Monitoring and measuring resources"),
        new(ControlRef.Iso9001.DocumentedInformation, "Documented information"),
        new(ControlRef.Iso9001.ExternallyProvided, "Control of externally provided processes, products and services"),
        new(ControlRef.Iso9001.ControlledProduction, "Control of production and service provision"),
        new(ControlRef.Iso9001.Traceability, "Identification and traceability"),
        new(ControlRef.Iso9001.ControlOfChanges, "Control of changes"),
        new(ControlRef.Iso9001.ManagementReview, "Management review"),
        new(ControlRef.Iso9001.NonconformityCorrectiveAction, "Nonconformity and corrective action"),
        new(ControlRef.Iso42001.AiPolicy, "Documented policy for developing or using AI systems"),
        new(ControlRef.Iso42001.AiPolicyReview, "AI policy reviewed at planned intervals"),
        new(ControlRef.Iso42001.AiRoles, "AI roles and responsibilities defined and assigned"),
        new(ControlRef.Iso42001.SystemResources, "Documenting the resources an AI system needs"),
        new(ControlRef.Iso42001.ToolingResources, "Documenting tooling resources"),
        new(ControlRef.Iso42001.ComputingResources, "Documenting system and computing resources"),
        new(ControlRef.Iso42001.VerificationAndValidation, "Verification and validation"),
        new(ControlRef.Iso42001.Deployment, "Deploying the AI system"),
        new(ControlRef.Iso42001.OperationAndMonitoring, "Operating and monitoring the AI system in use"),
        new(ControlRef.Iso42001.EventLogs, "Deciding on and keeping event logs"),
        new(ControlRef.Iso42001.DataProvenance, "Recording data provenance"),
        new(ControlRef.Iso42001.IntendedUse, "Use according to the intended use"),
        new(ControlRef.Iso42001.ThirdPartyResponsibilities, "Responsibilities split with third parties"),
        new(ControlRef.Iso42001.SupplierAlignment, "Suppliers aligned with the responsible-AI approach"),
    ];
}
