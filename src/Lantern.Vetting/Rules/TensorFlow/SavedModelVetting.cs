using System.Diagnostics;
using Lantern.Core.Findings;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Onnx;

namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>
/// Vets a TF SavedModel directory (formats.md §7): <c>saved_model.pb</c> (every op in the graph and in every
/// library function), and every other file in the tree through the engine (variables, assets, fingerprint,
/// keras_metadata.pb as Keras configs). Links that leave the directory are findings; they are not followed.
/// </summary>
public static class SavedModelVetting
{
    /// <summary>Folders below the SavedModel root we descend (assets/ trees are shallow; this stops link-free loops of deep folders).</summary>
    private const int MaxFolderDepth = 16;

    public const string ReportFormat = "tf-savedmodel";

    /// <summary>True when the directory holds a <c>saved_model.pb</c> (the <c>lantern vet</c> command routes such directories here).</summary>
    public static bool IsSavedModelDirectory(string directory) =>
        File.Exists(Path.Combine(directory, SavedModelLayout.FileName));

    public static VetResult VetDirectory(string directory, ModelVetter engine, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(engine);
        string root = Path.GetFullPath(directory);
        var findings = new List<VetFinding>();
        var members = new List<VetResult>();
        string pb = Path.Combine(root, SavedModelLayout.FileName);
        if (!File.Exists(pb))
        {
            findings.Add(new VetFinding
            {
                RuleId = TensorFlowRules.NotASavedModel,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = File.Exists(Path.Combine(root, "saved_model.pbtxt"))
                    ? "SavedModel in text format (saved_model.pbtxt) is not vetted yet; it cannot be judged safe."
                    : "The directory holds no saved_model.pb.",
                Evidence = RuleEvidence.Of(("path", root)),
            });
            return Fold(root, findings, members);
        }

        var clock = Stopwatch.StartNew();
        int files = 0;
        var folders = new Stack<(string Path, int Depth)>();
        folders.Push((root, 0));
        while (folders.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            (string folder, int depth) = folders.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                findings.Add(new VetFinding { RuleId = VetRules.Unreadable, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = $"Could not list '{folder}': {ex.Message}" });
                continue;
            }
            foreach (FileSystemInfo entry in entries)
            {
                if (entry.LinkTarget is not null && LeavesRoot(root, entry))
                {
                    findings.Add(new VetFinding
                    {
                        RuleId = TensorFlowRules.LinkEscapes,
                        Implies = Verdict.Suspicious,
                        Severity = Severity.High,
                        Message = $"'{Path.GetRelativePath(root, entry.FullName)}' is a link to '{entry.LinkTarget}', outside the SavedModel; loading it reads that file.",
                        Evidence = RuleEvidence.Of(("path", entry.FullName), ("target", entry.LinkTarget)),
                    });
                    continue;
                }
                if (entry is DirectoryInfo)
                {
                    if (entry.LinkTarget is not null)
                    {
                        // A link to a folder inside the model: its files are reached by their real path; do not loop.
                        continue;
                    }
                    if (depth + 1 > MaxFolderDepth)
                    {
                        findings.Add(new VetFinding { RuleId = VetRules.NestingLimit, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = $"Folders nest deeper than {MaxFolderDepth}; '{entry.FullName}' was not vetted." });
                        continue;
                    }
                    folders.Push((entry.FullName, depth + 1));
                    continue;
                }
                files++;
                if (files > engine.Limits.MaxArchiveMembers)
                {
                    findings.Add(new VetFinding { RuleId = VetRules.SizeLimit, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = $"More than {engine.Limits.MaxArchiveMembers} files in the SavedModel; the rest were not vetted." });
                    folders.Clear();
                    break;
                }
                members.Add(VetFile(entry.FullName, root, engine, clock, ct));
            }
        }
        return Fold(root, findings, members);
    }

    private static VetResult VetFile(string path, string root, ModelVetter engine, Stopwatch clock, CancellationToken ct)
    {
        string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        if (relative == SavedModelLayout.FileName)
        {
            // Forced: saved_model.pb has no magic; the vetter trusts the name and walks it as a SavedModel.
            return DirectVetting.Run(path, ReportFormat, ModelFormatId.CoreMl, engine, SavedModelGraph.Vet, ct);
        }
        if (relative == "keras_metadata.pb")
        {
            return Keras.KerasMetadataVetting.VetFile(path, engine, ct);
        }
        return engine.VetFile(path, ct);
    }

    private static bool LeavesRoot(string root, FileSystemInfo link)
    {
        try
        {
            FileSystemInfo? target = link.ResolveLinkTarget(returnFinalTarget: true);
            string resolved = Path.GetFullPath(target?.FullName ?? link.FullName);
            string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
            return !resolved.StartsWith(prefix, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static VetResult Fold(string root, List<VetFinding> findings, List<VetResult> members)
    {
        Verdict verdict = Verdict.Safe;
        foreach (VetFinding finding in findings)
        {
            verdict = VerdictNames.Worst(verdict, finding.Implies);
        }
        foreach (VetResult member in members)
        {
            verdict = VerdictNames.Worst(verdict, member.Verdict == Verdict.NotAModel ? Verdict.Safe : member.Verdict);
        }
        return new VetResult { Path = root, Format = ReportFormat, Verdict = verdict, Findings = findings, Members = members, Profile = "tensorflow" };
    }
}
