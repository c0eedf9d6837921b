using System.Diagnostics;
using System.IO.Enumeration;
using Lantern.Core.Model;
using Lantern.Formats.Sniffing;
using Microsoft.Win32.SafeHandles;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Walks roots and sniffs every regular file's first bytes for a model signature. Iterative
/// (explicit stack), never follows directory symlinks (so loops cannot form), skips
/// pseudo-filesystems, and stops at the time budget with a problem saying so.
/// </summary>
internal sealed class FileSweeper
{
    /// <summary>Files smaller than this cannot hold any model header we recognise.</summary>
    private const long MinCandidateBytes = 8;

    private readonly IReadOnlySet<string> _skipMounts;
    private readonly Func<string, bool> _isInterestingDirectoryName;
    private readonly Stopwatch _clock;
    private readonly TimeSpan _budget;

    public FileSweeper(IReadOnlySet<string> skipMounts, Func<string, bool> isInterestingDirectoryName, Stopwatch clock, TimeSpan budget)
    {
        _skipMounts = skipMounts;
        _isInterestingDirectoryName = isInterestingDirectoryName;
        _clock = clock;
        _budget = budget;
    }

    public SweepResult Sweep(IEnumerable<string> roots, CancellationToken cancellation)
    {
        var result = new SweepResult();
        var visitedRoots = new HashSet<string>(StringComparer.Ordinal);
        Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
        var pending = new Stack<string>();
        foreach (string root in roots)
        {
            string start = RealPath(root);
            if (!visitedRoots.Add(start) || IsUnder(start, visitedRoots, exceptSelf: true))
            {
                continue;
            }
            if (!Directory.Exists(start))
            {
                if (File.Exists(start))
                {
                    SniffFile(start, new FileInfo(start).Length, head, result);
                }
                continue;
            }
            pending.Push(start);
            while (pending.Count > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                if (_clock.Elapsed > _budget)
                {
                    result.Problems.Add(new ScanProblem
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
                result.DirectoriesSeen++;
                SweepDirectory(dir, pending, head, result);
            }
        }
        return result;
    }

    private void SweepDirectory(string dir, Stack<string> pending, Span<byte> head, SweepResult result)
    {
        var files = new List<(string Path, long Length, bool IsLink)>();
        try
        {
            var entries = new FileSystemEnumerable<(string Path, bool IsDir, bool IsLink, long Length)>(
                dir,
                (ref FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0, e.Length),
                new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false });
            foreach (var entry in entries)
            {
                if (entry.IsDir)
                {
                    if (entry.IsLink)
                    {
                        continue;
                    }
                    if (_skipMounts.Contains(entry.Path))
                    {
                        continue;
                    }
                    string name = Path.GetFileName(entry.Path);
                    if (_isInterestingDirectoryName(name))
                    {
                        result.InterestingDirectories.Add(entry.Path);
                    }
                    pending.Push(entry.Path);
                }
                else
                {
                    files.Add((entry.Path, entry.Length, entry.IsLink));
                }
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            result.Problems.Add(new ScanProblem { Subject = dir, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "sweep" });
            return;
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while we walked: normal churn, not a gap in coverage.
            return;
        }
        catch (IOException ex)
        {
            result.Problems.Add(new ScanProblem { Subject = dir, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "sweep" });
            return;
        }

        foreach (var (path, length, isLink) in files)
        {
            result.FilesSeen++;
            if (isLink)
            {
                // A symlinked file is looked at through its target; duplicates are merged by real path later.
                string? target = ResolveFileLink(path);
                if (target is null)
                {
                    continue;
                }
                long targetLength;
                try
                {
                    targetLength = new FileInfo(target).Length;
                }
                catch (IOException)
                {
                    continue;
                }
                SniffFile(target, targetLength, head, result, linkedFrom: path);
                continue;
            }
            SniffFile(path, length, head, result);
        }
    }

    private static void SniffFile(string path, long length, Span<byte> head, SweepResult result, string? linkedFrom = null)
    {
        if (length < MinCandidateBytes)
        {
            return;
        }
        int read;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = RandomAccess.Read(handle, head, 0);
        }
        catch (FileNotFoundException)
        {
            result.Problems.Add(new ScanProblem { Subject = path, Code = ProblemCodes.Vanished, Message = "File disappeared during the scan.", Source = "sweep" });
            return;
        }
        catch (UnauthorizedAccessException ex)
        {
            result.Problems.Add(new ScanProblem { Subject = path, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "sweep" });
            return;
        }
        catch (IOException ex)
        {
            // Sockets, FIFOs and devices under a home cannot be opened as files; they hold no models.
            if (ex.HResult == 6 || ex.Message.Contains("ENXIO", StringComparison.Ordinal))
            {
                return;
            }
            result.Problems.Add(new ScanProblem { Subject = path, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "sweep" });
            return;
        }
        ModelFormatId format = FormatSniffer.Sniff(head[..read], length);
        if (format != ModelFormatId.Unknown)
        {
            result.Candidates.Add(new SweptFile(path, length, format, linkedFrom));
        }
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
    public List<SweptFile> Candidates { get; } = [];
    public List<string> InterestingDirectories { get; } = [];
    public List<ScanProblem> Problems { get; } = [];
    public long FilesSeen { get; set; }
    public long DirectoriesSeen { get; set; }
}
