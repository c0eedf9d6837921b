using Lantern.Testing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Tests;

/// <summary>
/// Scores the third-party picklescan corpus (../shared/corpus/picklescan, manifest.tsv) through the
/// full engine, exactly as <c>lantern vet</c> sees each file: every expected verdict must be met.
/// </summary>
public class PicklescanCorpusTests
{
    [SharedFact]
    public void VetFile_EveryManifestEntry_MatchesExpectedVerdict()
    {
        string corpus = Path.Combine(TestPaths.SharedDir!, "corpus", "picklescan");
        var entries = File.ReadLines(Path.Combine(corpus, "manifest.tsv"))
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split('\t'))
            .Where(parts => parts.Length >= 2)
            .ToList();
        var vetter = new ModelVetter();
        var misses = new List<string>();

        foreach (string[] entry in entries)
        {
            string expected = entry[1] == "benign" ? "safe" : entry[1];
            VetResult result = vetter.VetFile(Path.Combine(corpus, entry[0]));
            if (result.Verdict.ToReportId() != expected)
            {
                misses.Add($"{entry[0]}: expected {expected}, got {result.Verdict.ToReportId()} ({result.Format})");
            }
        }

        Assert.True(entries.Count >= 100, $"manifest has only {entries.Count} entries");
        Assert.True(misses.Count == 0, $"{misses.Count} of {entries.Count} corpus files missed:\n" + string.Join('\n', misses));
    }
}
