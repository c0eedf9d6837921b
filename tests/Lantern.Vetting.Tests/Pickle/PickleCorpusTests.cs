using Lantern.Formats.Pickle;
using Lantern.Formats.Sniffing;
using Lantern.Testing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Pickle;
using Xunit;

namespace Lantern.Vetting.Tests.Pickle;

/// <summary>
/// Runs the third-party picklescan corpus (../shared/corpus/picklescan, MIT, never copied into the repo) through the
/// full engine: every entry that sniffs as a pickle must get the manifest's verdict.
/// </summary>
public class PickleCorpusTests
{
    [SharedFact]
    public void VetFile_PicklescanCorpusPickles_MatchManifestVerdicts()
    {
        string dir = Path.Combine(TestPaths.SharedDir!, "corpus", "picklescan");
        var vetter = new ModelVetter();
        var failures = new List<string>();
        int judged = 0;
        foreach (string line in File.ReadLines(Path.Combine(dir, "manifest.tsv")))
        {
            if (line.StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            string[] cols = line.Split('\t');
            string path = Path.Combine(dir, cols[0]);
            byte[] head = new byte[FormatSniffer.HeadLength];
            int n;
            using (FileStream f = File.OpenRead(path))
            {
                n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            }
            bool sniffsAsPickle = FormatSniffer.Sniff(head.AsSpan(0, n), new FileInfo(path).Length) == ModelFormatId.Pickle;
            bool pickleByName = cols[0].EndsWith(".pkl", StringComparison.Ordinal) || cols[0].EndsWith(".pickle", StringComparison.Ordinal);
            if (!sniffsAsPickle && !pickleByName)
            {
                continue;
            }
            Verdict expected = cols[1] switch
            {
                "malicious" => Verdict.Malicious,
                "benign" => Verdict.Safe,
                "incomplete" => Verdict.Incomplete,
                "not-a-model" => Verdict.NotAModel,
                "suspicious" => Verdict.Suspicious,
                _ => throw new InvalidDataException($"Unknown manifest verdict '{cols[1]}' for {cols[0]}."),
            };
            if (sniffsAsPickle)
            {
                judged++;
                VetResult result = vetter.VetFile(path);
                if (result.Verdict != expected)
                {
                    failures.Add($"{cols[0]}: expected {expected}, got {result.Verdict} [{string.Join("; ", result.Findings.Select(x => $"{x.RuleId} {x.Message}"))}]");
                }
                continue;
            }
            // Named as a pickle but missed by the 16-byte sniffer (protocol-0 openings such as "Vos\n", "S'os'\n", "(S'"):
            // when the content decodes as a pickle, the judge must still give the manifest's verdict.
            using FileStream content = File.OpenRead(path);
            PickleTrace trace = PickleDecoder.Decode(content, PickleJudge.OptionsFrom(vetter.Limits, multipleStreams: true));
            if (trace.Streams.Count == 0)
            {
                continue;
            }
            judged++;
            PickleJudgement judgement = PickleJudge.Evaluate(trace, member: null, profileHint: null, multipleStreams: true);
            if (judgement.Verdict != expected)
            {
                failures.Add($"{cols[0]} (unsniffed): expected {expected}, got {judgement.Verdict} [{string.Join("; ", judgement.Findings.Select(x => $"{x.RuleId} {x.Message}"))}]");
            }
        }
        Assert.True(judged >= 85, $"Only {judged} corpus files sniffed as pickle.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SharedFact]
    public void Judge_LegacyPyTorchCheckpointFromCorpus_SafeAsStackedPickles()
    {
        // pytorch_model.bin sniffs as PyTorchLegacy (the containers' job); its five pickles and storages must judge safe here.
        string path = Path.Combine(TestPaths.SharedDir!, "corpus", "picklescan", "pytorch_model.bin");
        using FileStream content = File.OpenRead(path);
        PickleTrace trace = PickleDecoder.Decode(content, PickleJudge.OptionsFrom(new VettingLimits(), multipleStreams: true));
        PickleJudgement judgement = PickleJudge.Evaluate(trace, member: null, profileHint: null, multipleStreams: true);
        Assert.True(judgement.Verdict == Verdict.Safe, string.Join("; ", judgement.Findings.Select(f => $"{f.RuleId} {f.Message}")));
        Assert.Equal(5, trace.Streams.Count(s => s.Completed));
        Assert.Equal("pytorch", judgement.Profile);
    }
}
