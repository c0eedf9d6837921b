using System.Diagnostics;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Tests;

/// <summary>Runs the real engine (registry and all) over bytes, optionally forcing the format past the sniffer.</summary>
internal static class VetHarness
{
    public static VetResult Vet(byte[] bytes, ModelFormatId? forced = null, ModelVetter? engine = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return (engine ?? new ModelVetter()).VetNested("fixture", stream, bytes.Length, 0, Stopwatch.StartNew(), CancellationToken.None, forced);
    }

    public static IEnumerable<string> Rules(this VetResult result) => result.Findings.Select(f => f.RuleId);
}
