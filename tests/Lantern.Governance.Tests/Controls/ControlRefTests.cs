using System.Reflection;
using System.Text.RegularExpressions;
using Lantern.Governance.Controls;

namespace Lantern.Governance.Tests.Controls;

public class ControlRefTests
{
    private static IEnumerable<string> AllConstants() =>
        typeof(ControlRef).GetNestedTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void EveryConstant_IsWellFormedAndCatalogued()
    {
        var catalogued = ControlCatalog.All.Select(c => c.Ref).ToHashSet(StringComparer.Ordinal);
        foreach (string c in AllConstants())
        {
            Assert.Matches(new Regex(@"^(ISO27001:A\.[5-8]\.\d+|ISO9001:\d+(\.\d+)*|ISO42001:A\.\d+\.\d+(\.\d+)?)$"), c);
            Assert.Contains(c, catalogued);
        }
        Assert.Equal(catalogued.Count, AllConstants().Distinct().Count());
    }

    [Fact]
    public void NumberingTraps_AreAvoided()
    {
        // compliance.md §0: asset inventory is A.5.9 in the 2022 edition; A.8.1 is user end point devices.
        Assert.Equal("ISO27001:A.5.9", ControlRef.Iso27001.AssetInventory);
        Assert.Equal("ISO27001:A.8.1", ControlRef.Iso27001.UserEndpointDevices);
        Assert.Equal("ISO27001:A.8.8", ControlRef.Iso27001.TechnicalVulnerabilities);
        // ISO 42001 Annex A has no A.4.1 or A.8.3 "human oversight" control.
        Assert.DoesNotContain(AllConstants(), c => c is "ISO42001:A.4.1");
    }
}
