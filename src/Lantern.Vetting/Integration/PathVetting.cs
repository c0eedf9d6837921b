using Lantern.Core.Findings;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Integration;

/// <summary>What <see cref="PathVetting.Vet"/> found: one result per model (file, member tree or directory model).</summary>
public sealed record PathVettingResult
{
    /// <summary>Results for model content, plus every file named explicitly on the command line whatever it was.</summary>
    public required IReadOnlyList<VetResult> Results { get; init; }

    /// <summary>Files and directory models examined (not-a-model files included).</summary>
    public long FilesExamined { get; init; }

    /// <summary>Files seen by content and found to be no model; counted, not listed.</summary>
    public long NotAModel { get; init; }

    /// <summary>Worst verdict of all results (<see cref="Verdict.NotAModel"/> when nothing was a model).</summary>
    public Verdict Worst { get; init; }
}

/// <summary>
/// Expands the paths given to <c>lantern vet</c> and vets each file by content (never by extension):
/// directories are walked iteratively (an explicit stack), symbolic links to directories below a root
/// are not followed (no loops), file links are followed and de-duplicated by their target, and a
/// directory that a <see cref="IDirectoryVetter"/> claims (a TF SavedModel) is judged as a whole.
/// </summary>
public static class PathVetting
{
    /// <summary>Files examined per run; past it the run reports an incomplete result instead of walking on.</summary>
    public const long MaxFiles = 1_000_000;

    public static PathVettingResult Vet(IEnumerable<string> paths, ModelVetter engine, IReadOnlyList<IDirectoryVetter> directoryVetters, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(directoryVetters);
        var results = new List<VetResult>();
        var seen = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        long examined = 0;
        long notAModel = 0;
        bool capped = false;

        foreach (string path in paths)
        {
            string full = Path.GetFullPath(path);
            if (File.Exists(full))
            {
                examined++;
                results.Add(engine.VetFile(full, cancellation));
                continue;
            }
            var pending = new Stack<string>();
            pending.Push(full);
            while (pending.Count > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                string directory = pending.Pop();
                if (TryDirectoryModel(directory, engine, directoryVetters, results, cancellation))
                {
                    examined++;
                    continue;
                }
                IEnumerable<FileSystemInfo> entries;
                try
                {
                    entries = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0, RecurseSubdirectories = false })
                        .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
                {
                    results.Add(Unjudged(directory, VetRules.Unreadable, $"Could not list the directory: {ex.Message}"));
                    continue;
                }
                var subdirectories = new List<string>();
                foreach (FileSystemInfo entry in entries)
                {
                    if (entry is DirectoryInfo dir)
                    {
                        // A link to a directory is not followed below a root: that is how walks loop.
                        if (dir.LinkTarget is null)
                        {
                            subdirectories.Add(dir.FullName);
                        }
                        continue;
                    }
                    if (examined >= MaxFiles)
                    {
                        capped = true;
                        break;
                    }
                    string target = ResolveFile(entry.FullName);
                    if (!seen.Add(target) || !File.Exists(target))
                    {
                        continue;
                    }
                    examined++;
                    VetResult result = engine.VetFile(entry.FullName, cancellation);
                    if (result.Verdict == Verdict.NotAModel)
                    {
                        notAModel++;
                    }
                    else
                    {
                        results.Add(result);
                    }
                }
                for (int i = subdirectories.Count - 1; i >= 0; i--)
                {
                    pending.Push(subdirectories[i]);
                }
                if (capped)
                {
                    results.Add(Unjudged(directory, VetRules.SizeLimit, $"More than {MaxFiles} files; the rest were not vetted."));
                    pending.Clear();
                }
            }
        }
        Verdict worst = Verdict.NotAModel;
        foreach (VetResult r in results)
        {
            worst = VerdictNames.Worst(worst, r.Verdict);
        }
        return new PathVettingResult { Results = results, FilesExamined = examined, NotAModel = notAModel, Worst = worst };
    }

    private static bool TryDirectoryModel(string directory, ModelVetter engine, IReadOnlyList<IDirectoryVetter> vetters, List<VetResult> results, CancellationToken cancellation)
    {
        foreach (IDirectoryVetter vetter in vetters)
        {
            if (vetter.Claims(directory))
            {
                results.Add(vetter.Vet(directory, engine, cancellation));
                return true;
            }
        }
        if (SavedModelDirectory.Claims(directory))
        {
            // No SavedModel vetter registered: say so, then still vet its files one by one below.
            results.Add(new VetResult
            {
                Path = directory,
                Format = "tf-savedmodel",
                Verdict = Verdict.Incomplete,
                Findings = [new VetFinding { RuleId = VetRules.UnsupportedFormat, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = "A TensorFlow SavedModel directory; no SavedModel vetter is registered, so it cannot be judged safe." }],
            });
        }
        return false;
    }

    private static string ResolveFile(string path)
    {
        try
        {
            FileSystemInfo? target = File.ResolveLinkTarget(path, returnFinalTarget: true);
            return target?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static VetResult Unjudged(string path, string ruleId, string message) => new()
    {
        Path = path,
        Format = "unknown",
        Verdict = Verdict.Incomplete,
        Findings = [new VetFinding { RuleId = ruleId, Implies = Verdict.Incomplete, Severity = Severity.Low, Message = message }],
    };
}
