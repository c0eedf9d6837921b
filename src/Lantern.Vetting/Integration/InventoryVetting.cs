using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Integration;

/// <summary>
/// Vetting inside <c>lantern scan</c>: sets <see cref="ModelArtifact.Verdict"/> for every local artifact
/// and adds a finding per reason for every artifact that is not safe. Each distinct SHA-256 is vetted
/// once per run, and verdicts are cached by (SHA-256, engine version) across runs.
/// </summary>
public static class InventoryVetting
{
    /// <summary>
    /// Controls a non-safe model file bears on (reference compliance.md): ISO 27001:2022 A.8.7 protection
    /// against malware and A.5.21 ICT supply chain; ISO/IEC 42001:2023 A.6.2.4 verification and validation
    /// and A.10.3 suppliers.
    /// </summary>
    public static IReadOnlyList<string> Controls { get; } = ["ISO27001:A.8.7", "ISO27001:A.5.21", "ISO42001:A.6.2.4", "ISO42001:A.10.3"];

    public static Inventory Apply(Inventory inventory, ModelVetter vetter, VerdictCache cache, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(vetter);
        ArgumentNullException.ThrowIfNull(cache);
        var byDigest = new Dictionary<string, CachedVerdict>(StringComparer.OrdinalIgnoreCase);
        var byPath = new Dictionary<string, CachedVerdict>(StringComparer.Ordinal);
        var artifacts = new List<ModelArtifact>(inventory.Artifacts.Count);
        var findings = new List<Finding>(inventory.Findings);
        var problems = new List<ScanProblem>(inventory.Problems);
        foreach (ModelArtifact artifact in inventory.Artifacts)
        {
            ct.ThrowIfCancellationRequested();
            if (artifact.Cloud)
            {
                artifacts.Add(artifact);
                continue;
            }
            CachedVerdict judged = Judge(artifact, vetter, cache, byDigest, byPath, ct);
            artifacts.Add(artifact with { Verdict = judged.Verdict.ToReportId() });
            if (judged.Verdict is Verdict.Safe or Verdict.NotAModel)
            {
                continue;
            }
            if (judged.Verdict == Verdict.Incomplete)
            {
                // A model that could not be judged is a gap in the scan, not a clean bill: exit 3, not 0.
                problems.Add(new ScanProblem
                {
                    Subject = artifact.Path,
                    Code = ProblemCodes.Unsupported,
                    Message = "Vetting could not judge this model completely (see the vetting findings); it is not known to be safe.",
                    Source = "vetting",
                });
            }
            foreach (VetFinding f in judged.Findings)
            {
                findings.Add(ToFinding(artifact, judged, f));
            }
        }
        cache.Save();
        return inventory with { Artifacts = artifacts, Findings = findings, Problems = problems, Complete = inventory.Complete && problems.Count == inventory.Problems.Count };
    }

    /// <summary>Flattens a result's findings over its archive members (explicit stack), each tagged with its member path.</summary>
    public static CachedVerdict Flatten(VetResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var findings = new List<VetFinding>();
        var pending = new Stack<VetResult>();
        pending.Push(result);
        while (pending.Count > 0)
        {
            VetResult r = pending.Pop();
            foreach (VetFinding f in r.Findings)
            {
                if (ReferenceEquals(r, result))
                {
                    findings.Add(f);
                    continue;
                }
                var evidence = new SortedDictionary<string, string>(f.Evidence.ToDictionary(), StringComparer.Ordinal) { ["member"] = r.Path };
                findings.Add(f with { Evidence = evidence });
            }
            for (int i = r.Members.Count - 1; i >= 0; i--)
            {
                pending.Push(r.Members[i]);
            }
        }
        return new CachedVerdict(result.Verdict, result.Format, findings);
    }

    private static CachedVerdict Judge(ModelArtifact artifact, ModelVetter vetter, VerdictCache cache, Dictionary<string, CachedVerdict> byDigest, Dictionary<string, CachedVerdict> byPath, CancellationToken ct)
    {
        string? sha = artifact.Sha256;
        if (sha is not null)
        {
            if (byDigest.TryGetValue(sha, out CachedVerdict? known))
            {
                return known;
            }
            if (cache.TryGet(sha, out CachedVerdict? cached) && cached is not null)
            {
                byDigest[sha] = cached;
                return cached;
            }
        }
        else if (byPath.TryGetValue(artifact.Path, out CachedVerdict? seen))
        {
            return seen;
        }

        CachedVerdict judged = Flatten(vetter.VetFile(artifact.Path, ct));
        if (sha is not null)
        {
            byDigest[sha] = judged;
            cache.Put(sha, judged);
        }
        else
        {
            byPath[artifact.Path] = judged;
        }
        return judged;
    }

    private static Finding ToFinding(ModelArtifact artifact, CachedVerdict judged, VetFinding f)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in f.Evidence)
        {
            evidence[key] = value;
        }
        evidence["path"] = artifact.Path;
        evidence["verdict"] = judged.Verdict.ToReportId();
        evidence["format"] = judged.Format;
        if (artifact.Sha256 is not null)
        {
            evidence["sha256"] = artifact.Sha256;
        }
        return new Finding
        {
            RuleId = f.RuleId,
            Severity = f.Severity,
            Message = $"{f.Message} ({Path.GetFileName(artifact.Path)}: {judged.Verdict.ToReportId()})",
            Evidence = evidence,
            Controls = Controls,
            Remediation = judged.Verdict is Verdict.Malicious or Verdict.Suspicious
                ? "Quarantine the file and do not load it; obtain the model from a trusted source and compare digests."
                : "Re-download or re-convert the file; do not load it with runtimes that trust header offsets.",
        };
    }
}
