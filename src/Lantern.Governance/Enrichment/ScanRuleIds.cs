namespace Lantern.Governance.Enrichment;

/// <summary>Stable ids of the findings <see cref="InventoryEnricher"/> raises; documented in docs/rules.md.</summary>
public static class ScanRuleIds
{
    /// <summary>Prefix shared by every scan rule; enrichment replaces earlier findings with it.</summary>
    public const string Prefix = "LNT-SCN-";

    public const string KnownAdvisory = "LNT-SCN-001";
    public const string VersionUnknown = "LNT-SCN-002";
    public const string ExposedServer = "LNT-SCN-003";
    public const string DigestMismatch = "LNT-SCN-004";
    public const string NonCommercialLicense = "LNT-SCN-005";
    public const string LicenseUnknown = "LNT-SCN-006";
    public const string StrayModelFile = "LNT-SCN-007";
}
