using System.Diagnostics;
using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Protobuf;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Onnx;

namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>
/// Runs one vetting routine on a file whose role its folder fixes (saved_model.pb, keras_metadata.pb), with the
/// engine's failure handling: malformed input becomes a finding, a reader limit an incomplete finding.
/// </summary>
internal static class DirectVetting
{
    public static VetResult Run(string path, string format, ModelFormatId formatId, ModelVetter engine, Func<VetContext, Verdict> vet, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.RandomAccess);
            var context = new VetContext(path, stream, stream.Length, formatId, engine.Limits, 0, clock, engine, ct);
            Verdict verdict;
            try
            {
                verdict = vet(context);
            }
            catch (ModelFormatException ex)
            {
                bool limit = ProtobufErrors.IsLimit(ex) || ex.Code.Contains(".limit.", StringComparison.Ordinal);
                verdict = limit ? Verdict.Incomplete : Verdict.Malformed;
                context.Add(new VetFinding
                {
                    RuleId = limit ? VetRules.SizeLimit : VetRules.Malformed,
                    Implies = verdict,
                    Severity = limit ? Severity.Low : Severity.Medium,
                    Message = $"{(limit ? "Not read completely" : "Malformed " + format)}: {ex.Message}",
                    Evidence = RuleEvidence.Of(("offset", ex.Offset), ("code", ex.Code)),
                });
            }
            if (context.OutOfTime)
            {
                context.Add(new VetFinding { RuleId = VetRules.TimeLimit, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = $"Vetting ran past {engine.Limits.TimePerFile.TotalSeconds:0} s; not judged completely." });
            }
            foreach (VetFinding finding in context.Findings)
            {
                verdict = VerdictNames.Worst(verdict, finding.Implies);
            }
            foreach (VetResult member in context.Members)
            {
                verdict = VerdictNames.Worst(verdict, member.Verdict == Verdict.NotAModel ? Verdict.Safe : member.Verdict);
            }
            return new VetResult { Path = path, Format = format, Verdict = verdict, Findings = context.Findings, Members = context.Members, Profile = context.Profile };
        }
        catch (IOException ex)
        {
            return new VetResult
            {
                Path = path,
                Format = format,
                Verdict = Verdict.Incomplete,
                Findings = [new VetFinding { RuleId = VetRules.Unreadable, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = $"Could not read the file: {ex.Message}" }],
            };
        }
    }
}
