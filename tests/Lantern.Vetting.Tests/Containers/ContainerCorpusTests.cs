using Lantern.Testing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Tests.Containers;

public class ContainerCorpusTests
{
    /// <summary>Corpus entries that are containers, not plain pickles (picklescan tests/data; formats.md §13).</summary>
    internal static IEnumerable<(string File, string Expected)> ContainerEntries()
    {
        string manifest = Path.Combine(TestPaths.SharedDir!, "corpus", "picklescan", "manifest.tsv");
        foreach (string line in File.ReadLines(manifest))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }
            string[] cols = line.Split('\t');
            string ext = Path.GetExtension(cols[0]).ToLowerInvariant();
            if (ext is ".zip" or ".7z" or ".npz" or ".npy" or ".pt" or ".bin")
            {
                yield return (cols[0], cols[1]);
            }
        }
    }

    internal static string ToReport(string expected) => expected == "benign" ? "safe" : expected;

    internal static List<string> Mismatches(ModelVetter vetter)
    {
        var wrong = new List<string>();
        foreach ((string file, string expected) in ContainerEntries())
        {
            VetResult r = vetter.VetFile(Path.Combine(TestPaths.SharedDir!, "corpus", "picklescan", file));
            if (r.Verdict.ToReportId() != ToReport(expected))
            {
                wrong.Add($"{file}: expected {expected}, got {r.Verdict.ToReportId()} ({string.Join("; ", r.Findings.Select(f => f.RuleId + " " + f.Message))})");
            }
        }
        return wrong;
    }

    [SharedFact]
    public void VetFile_PicklescanContainers_ExpectedVerdicts()
    {
        Assert.NotEmpty(ContainerEntries());
        List<string> wrong = Mismatches(new ModelVetter());
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>
    /// The same corpus through the stand-in judge: the containers' own part. Every malicious container must hand at
    /// least one member to the pickle judge (whatever the judge then says), and nothing expected incomplete or
    /// not-a-model may come out safe.
    /// </summary>
    [SharedFact]
    public void VetFile_PicklescanContainersWithStandIn_PayloadsReachPickleJudge()
    {
        (ModelVetter vetter, _) = FakePickleVetter.Create();
        var wrong = new List<string>();
        foreach ((string file, string expected) in ContainerEntries())
        {
            VetResult r = vetter.VetFile(Path.Combine(TestPaths.SharedDir!, "corpus", "picklescan", file));
            bool reached = r.Format == "pickle" || r.AllMembers().Any(m => m.Format == "pickle");
            if (expected == "malicious" && !reached)
            {
                wrong.Add($"{file}: no member reached the pickle judge");
            }
            if (expected is "incomplete" or "not-a-model" && r.Verdict.ToReportId() != expected)
            {
                wrong.Add($"{file}: expected {expected}, got {r.Verdict.ToReportId()}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }
}
