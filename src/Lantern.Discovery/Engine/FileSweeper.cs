using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Enumeration;
using Lantern.Core.Model;
using Lantern.Formats.Sniffing;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Walks roots and sniffs every regular file's first bytes for a model signature. Iterative
/// (explicit stack), never follows directory symlinks (so loops cannot form), skips
/// pseudo-filesystems, and stops at the time budget with a problem saying so.
/// </summary>
internal sealed class FileSweeper
{
    /// <summary>Files smaller than this cannot hold any model header we recognise.</summary>
    internal const long MinCandidateBytes = 8;

    private readonly IReadOnlySet<string> _skipMounts;
    private readonly Func<string, bool> _isInterestingDirectoryName;
    private readonly Stopwatch _clock;
    private readonly TimeSpan _budget;

    private readonly bool _native;

    /// <param name="native">Use the libc walk; null picks it wherever it is supported (tests force either).</param>
    public FileSweeper(IReadOnlySet<string> skipMounts, Func<string, bool> isInterestingDirectoryName, Stopwatch clock, TimeSpan budget, bool? native = null)
    {
        _native = native ?? NativeTreeWalker.Supported;
        _skipMounts = skipMounts;
        _isInterestingDirectoryName = isInterestingDirectoryName;
        _clock = clock;
        _budget = budget;
    }

    public SweepResult Sweep(IEnumerable<string> roots, CancellationToken cancellation)
    {
        var result = new SweepResult();
        (List<string> directories, List<string> files) = DistinctRoots(roots);
        if (_native)
        {
            byte[] head = new byte[FormatSniffer.HeadLength];
            foreach (string file in files)
            {
                Interlocked.Increment(ref result.FilesSeenCounter);
                SniffFile(file, new FileInfo(file).Length, head, result);
            }
            NativeTreeWalker.Sweep(directories, result, _skipMounts, _isInterestingDirectoryName, _clock, _budget, cancellation);
            return result;
        }
        // The walk runs inside the enumerator that Parallel.ForEach pulls from (under its lock),
        // so directory listing and the per-file open/read/close overlap on all cores.
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellation };
        Parallel.ForEach(
            Partitioner.Create(Walk(directories, files, result, cancellation), EnumerablePartitionerOptions.None),
            options,
            () => new byte[FormatSniffer.HeadLength],
            (file, _, head) =>
            {
                Interlocked.Increment(ref result.FilesSeenCounter);
                if (file.IsLink)
                {
                    SniffLink(file.Path, result, head);
                    return head;
                }
                SniffFile(file.Path, file.Length, head, result);
                return head;
            },
            _ => { });
        return result;
    }

    /// <summary>Roots as real paths, each once; a root inside an earlier one is dropped (the engine passes them shortest first).</summary>
    private static (List<string> Directories, List<string> Files) DistinctRoots(IEnumerable<string> roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var directories = new List<string>();
        var files = new List<string>();
        foreach (string root in roots)
        {
            string start = RealPath(root);
            if (!seen.Add(start) || IsUnder(start, seen, exceptSelf: true))
            {
                continue;
            }
            if (Directory.Exists(start))
            {
                directories.Add(start);
            }
            else if (File.Exists(start))
            {
                files.Add(start);
            }
        }
        return (directories, files);
    }

    private IEnumerable<(string Path, long Length, bool IsLink)> Walk(List<string> roots, List<string> rootFiles, SweepResult result, CancellationToken cancellation)
    {
        foreach (string file in rootFiles)
        {
            yield return (file, new FileInfo(file).Length, false);
        }
        var pending = new Stack<string>();
        var files = new List<(string Path, long Length, bool IsLink)>();
        foreach (string start in roots)
        {
            pending.Push(start);
            while (pending.Count > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                if (_clock.Elapsed > _budget)
                {
                    result.Problems.Enqueue(new ScanProblem
                    {
                        Subject = pending.Peek(),
                        Code = ProblemCodes.TimeBudget,
                        Message = $"Time budget of {_budget.TotalSeconds:0} s spent; {pending.Count} directories were not swept. Raise --time-budget to finish.",
                        Source = "sweep",
                    });
                    pending.Clear();
                    break;
                }
                string dir = pending.Pop();
                Interlocked.Increment(ref result.DirectoriesSeenCounter);
                files.Clear();
                ListDirectory(dir, pending, files, result);
                foreach (var file in files)
                {
                    yield return file;
                }
            }
        }
    }

    private void ListDirectory(string dir, Stack<string> pending, List<(string Path, long Length, bool IsLink)> files, SweepResult result)
    {
        try
        {
            // Only what getdents' d_type tells: asking for Length here would cost an lstat per file,
            // and the sweep's speed is set by syscalls per file. Candidates are stat'ed later.
            var entries = new FileSystemEnumerable<(string Path, bool IsDir, bool IsLink)>(
                dir,
                (ref FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
                new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false });
            foreach (var entry in entries)
            {
                if (entry.IsDir)
                {
                    if (entry.IsLink || _skipMounts.Contains(entry.Path))
                    {
                        continue;
                    }
                    if (_isInterestingDirectoryName(Path.GetFileName(entry.Path)))
                    {
                        result.InterestingDirectories.Add(entry.Path);
                    }
                    pending.Push(entry.Path);
                }
                else
                {
                    files.Add((entry.Path, -1, entry.IsLink));
                }
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            result.Problems.Enqueue(new ScanProblem { Subject = dir, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "sweep" });
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while we walked: normal churn, not a gap in coverage.
        }
        catch (IOException ex)
        {
            result.Problems.Enqueue(new ScanProblem { Subject = dir, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "sweep" });
        }
    }

    /// <summary>A symlinked file is looked at through its target; duplicates are merged by real path later.</summary>
    internal static void SniffLink(string path, SweepResult result, byte[] head)
    {
        string? target = ResolveFileLink(path);
        if (target is not null && TryLength(target) is { } targetLength)
        {
            SniffFile(target, targetLength, head, result, linkedFrom: path);
        }
    }

    private static long? TryLength(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void SniffFile(string path, long length, byte[] head, SweepResult result, string? linkedFrom = null)
    {
        if (length >= 0 && length < MinCandidateBytes)
        {
            return;
        }
        int read = HeadReader.Read(path, head);
        if (read < 0)
        {
            int errno = -read;
            if (Errno.MeansNotAFile(errno))
            {
                return;
            }
            result.Problems.Enqueue(errno == Errno.NoEnt
                ? new ScanProblem { Subject = path, Code = ProblemCodes.Vanished, Message = "File disappeared during the scan.", Source = "sweep" }
                : new ScanProblem { Subject = path, Code = ProblemCodes.Unreadable, Message = errno is Errno.Acces or Errno.Perm ? "Permission denied." : $"Read failed (errno {errno}).", Source = "sweep" });
            return;
        }
        if (read < MinCandidateBytes)
        {
            return;
        }
        ModelFormatId format = FormatSniffer.Sniff(head.AsSpan(0, read), length);
        if (format == ModelFormatId.Unknown)
        {
            return;
        }
        if (length < 0)
        {
            // Few files get here: now the size is worth a stat, and the plausibility checks that use it.
            if (TryLength(path) is not { } known)
            {
                return;
            }
            length = known;
            format = FormatSniffer.Sniff(head.AsSpan(0, read), length);
            if (format == ModelFormatId.Unknown)
            {
                return;
            }
        }
        result.Candidates.Add(new SweptFile(path, length, format, linkedFrom));
    }

    private static string? ResolveFileLink(string path)
    {
        try
        {
            FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target is FileInfo { Exists: true } file ? file.FullName : null;
        }
        catch (IOException)
        {
            // Dangling links and link loops (ELOOP) resolve to nothing.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var info = new DirectoryInfo(full);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                return target.FullName;
            }
        }
        catch (IOException)
        {
        }
        return full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar) : full;
    }

    private static bool IsUnder(string path, HashSet<string> roots, bool exceptSelf)
    {
        foreach (string root in roots)
        {
            if (exceptSelf && root == path)
            {
                continue;
            }
            if (path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A file whose first bytes carry a model (or container) signature.</summary>
internal sealed record SweptFile(string Path, long Length, ModelFormatId Format, string? LinkedFrom);

internal sealed class SweepResult
{
#pragma warning disable CA1051 // Interlocked needs a field.
    public long FilesSeenCounter;
#pragma warning restore CA1051

    /// <summary>Added to from the sniffing threads.</summary>
    public ConcurrentBag<SweptFile> Candidates { get; } = [];

    /// <summary>Written by the walk (locked by writers that run in parallel).</summary>
    public List<string> InterestingDirectories { get; } = [];

    public ConcurrentQueue<ScanProblem> Problems { get; } = new();

    public long DirectoriesSeenCounter;

    public long FilesSeen => Interlocked.Read(ref FilesSeenCounter);

    public long DirectoriesSeen => Interlocked.Read(ref DirectoriesSeenCounter);
}
