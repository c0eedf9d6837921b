using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Lantern.Cli.Output;

/// <summary>
/// The SPDX ids CycloneDX 1.6 accepts in <c>license.id</c>. Anything else must go in
/// <c>license.name</c>, or the BOM fails schema validation (bom-1.6.schema.json, definitions/license).
/// </summary>
internal static partial class SpdxLicenseIds
{
    // SPDX ids are matched case-insensitively (SPDX spec 2.3, Annex D.2), and hub ids are lowercase
    // ("apache-2.0"), so the lookup ignores case and hands back the schema's spelling ("Apache-2.0").
    // In a holder class because static initialisers of partial-class files run in no defined order,
    // and this one needs All (the generated file) to be set first.
    private static class Lookup
    {
        public static readonly FrozenDictionary<string, string> Canonical =
            All.ToFrozenDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The schema's spelling of <paramref name="id"/> when it is a known SPDX id.</summary>
    public static bool TryNormalize(string? id, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }
        return Lookup.Canonical.TryGetValue(id.Trim(), out canonical);
    }
}
