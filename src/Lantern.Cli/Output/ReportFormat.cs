namespace Lantern.Cli.Output;

/// <summary>The outputs of <c>lantern scan --format</c> (ARCHITECTURE.md, "Contracts every command keeps").</summary>
internal enum ReportFormat
{
    /// <summary>Tables for people (Spectre.Console).</summary>
    Table,

    /// <summary>The versioned inventory JSON (docs/schema/inventory.schema.json).</summary>
    Json,

    /// <summary>CycloneDX 1.6 ML-BOM, JSON.</summary>
    CycloneDx,
}
