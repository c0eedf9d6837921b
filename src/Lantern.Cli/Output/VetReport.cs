using System.Reflection;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Cli.Output;

/// <summary>What <c>lantern vet</c> reports: one result per model, the counts, the worst verdict.</summary>
internal sealed record VetReport
{
    /// <summary>Bumped on any breaking change to the JSON shape; see docs/schema/vet.schema.json.</summary>
    public const string CurrentSchemaVersion = "1.0";

    public const string InformationUri = "https://github.com/lantern-ai/lantern/blob/main/docs/vet.md";

    public required IReadOnlyList<VetResult> Results { get; init; }

    public long Files { get; init; }

    public required IReadOnlyDictionary<Verdict, long> Counts { get; init; }

    public Verdict Worst { get; init; }

    /// <summary>Paths in SARIF are made relative to this directory (the working directory, i.e. the repository in CI).</summary>
    public required string BaseDirectory { get; init; }

    public string ToolVersion { get; init; } = DefaultToolVersion();

    public static VetReport From(PathVettingResult run, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(run);
        var counts = Enum.GetValues<Verdict>().ToDictionary(v => v, _ => 0L);
        foreach (VetResult r in run.Results)
        {
            counts[r.Verdict]++;
        }
        counts[Verdict.NotAModel] += run.NotAModel;
        return new VetReport { Results = run.Results, Files = run.FilesExamined, Counts = counts, Worst = run.Worst, BaseDirectory = baseDirectory };
    }

    private static string DefaultToolVersion() =>
        typeof(VetReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";
}
