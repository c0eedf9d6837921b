using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Lantern.Core.Model;
using Lantern.Formats.Sniffing;

namespace Lantern.Discovery.Engine;

/// <summary>
/// The Linux sweep: libc <c>opendir</c>/<c>readdir</c> and <c>openat</c>/<c>pread</c>/<c>close</c> on the entry
/// name the kernel returned — no path string, no stat and no UTF-8 round trip per file; strings are
/// built only for directories and for the few files that carry a model signature. Directories are
/// shared by all cores through one work stack. Same rules as <see cref="FileSweeper"/>: directory
/// symlinks are never followed, pseudo-filesystems are skipped, the time budget is honoured.
/// </summary>
internal static unsafe partial class NativeTreeWalker
{
    // linux/fcntl.h and dirent.h; O_NOFOLLOW differs on arm64.
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int SeekEnd = 2;
    private const byte DtUnknown = 0;
    private const byte DtDir = 4;
    private const byte DtReg = 8;
    private const byte DtLnk = 10;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;

    // struct dirent (glibc, 64-bit): d_ino u64 @0, d_off i64 @8, d_reclen u16 @16, d_type u8 @18, d_name @19.
    private const int DirentTypeOffset = 18;
    private const int DirentNameOffset = 19;

    public static bool Supported { get; } = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private static int NoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    public static void Sweep(IReadOnlyList<string> roots, SweepResult result, IReadOnlySet<string> skipMounts, Func<string, bool> isInteresting, Stopwatch clock, TimeSpan budget, CancellationToken cancellation)
    {
        var work = new WorkStack(roots);
        int workers = Math.Max(2, Environment.ProcessorCount);
        var threads = new Thread[workers];
        var failures = new ConcurrentQueue<Exception>();
        for (int i = 0; i < workers; i++)
        {
            threads[i] = new Thread(() =>
            {
                try
                {
                    byte[] head = new byte[FormatSniffer.HeadLength];
                    while (work.TryTake(out string? dir))
                    {
                        try
                        {
                            if (cancellation.IsCancellationRequested)
                            {
                                work.Abandon();
                                continue;
                            }
                            if (clock.Elapsed > budget)
                            {
                                int left = work.Abandon() + 1;
                                result.Problems.Enqueue(new ScanProblem
                                {
                                    Subject = dir,
                                    Code = ProblemCodes.TimeBudget,
                                    Message = $"Time budget of {budget.TotalSeconds:0} s spent; at least {left} directories were not swept. Raise --time-budget to finish.",
                                    Source = "sweep",
                                });
                                continue;
                            }
                            Interlocked.Increment(ref result.DirectoriesSeenCounter);
                            ListAndSniff(dir, work, result, skipMounts, isInteresting, head);
                        }
                        finally
                        {
                            work.Done();
                        }
                    }
                }
#pragma warning disable CA1031 // Surfaced to the caller below; a thread must not die silently.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failures.Enqueue(ex);
                    work.Abandon();
                }
            })
            { IsBackground = true, Name = "lantern-sweep" };
            threads[i].Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        cancellation.ThrowIfCancellationRequested();
        if (failures.TryDequeue(out Exception? failure))
        {
            throw new InvalidOperationException("The sweep failed.", failure);
        }
    }

    private static void ListAndSniff(string dir, WorkStack work, SweepResult result, IReadOnlySet<string> skipMounts, Func<string, bool> isInteresting, byte[] head)
    {
        nint stream = OpenDir(dir, out int error);
        if (stream == 0)
        {
            if (error != Errno.NoEnt && !Errno.MeansNotAFile(error))
            {
                result.Problems.Enqueue(new ScanProblem { Subject = dir, Code = ProblemCodes.Unreadable, Message = error is Errno.Acces or Errno.Perm ? "Permission denied." : $"Cannot list (errno {error}).", Source = "sweep" });
            }
            return;
        }
        try
        {
            int dirFd = NativeMethods.dirfd(stream);
            var children = new List<string>();
            while (true)
            {
                byte* entry = NativeMethods.readdir(stream);
                if (entry == null)
                {
                    break;
                }
                byte* name = entry + DirentNameOffset;
                if (name[0] == (byte)'.' && (name[1] == 0 || (name[1] == (byte)'.' && name[2] == 0)))
                {
                    continue;
                }
                byte type = entry[DirentTypeOffset];
                if (type == DtUnknown)
                {
                    type = TypeOf(dirFd, name);
                }
                if (type == DtDir)
                {
                    string child = Join(dir, name);
                    if (skipMounts.Contains(child))
                    {
                        continue;
                    }
                    if (isInteresting(child[(child.LastIndexOf('/') + 1)..]))
                    {
                        lock (result.InterestingDirectories)
                        {
                            result.InterestingDirectories.Add(child);
                        }
                    }
                    children.Add(child);
                }
                else if (type == DtReg)
                {
                    Interlocked.Increment(ref result.FilesSeenCounter);
                    SniffAt(dirFd, dir, name, result, head);
                }
                else if (type == DtLnk)
                {
                    // Links to directories are never followed (no loops); links to files are looked at through their target.
                    string link = Join(dir, name);
                    if (Directory.Exists(link))
                    {
                        continue;
                    }
                    Interlocked.Increment(ref result.FilesSeenCounter);
                    FileSweeper.SniffLink(link, result, head);
                }
            }
            work.AddRange(children);
        }
        finally
        {
            _ = NativeMethods.closedir(stream);
        }
    }

    private static void SniffAt(int dirFd, string dir, byte* name, SweepResult result, byte[] head)
    {
        int fd = NativeMethods.openat(dirFd, name, ORdOnly | ONonBlock | NoFollow | OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (!Errno.MeansNotAFile(errno))
            {
                string path = Join(dir, name);
                result.Problems.Enqueue(errno == Errno.NoEnt
                    ? new ScanProblem { Subject = path, Code = ProblemCodes.Vanished, Message = "File disappeared during the scan.", Source = "sweep" }
                    : new ScanProblem { Subject = path, Code = ProblemCodes.Unreadable, Message = errno is Errno.Acces or Errno.Perm ? "Permission denied." : $"Open failed (errno {errno}).", Source = "sweep" });
            }
            return;
        }
        try
        {
            nint read;
            fixed (byte* buffer = head)
            {
                read = NativeMethods.pread(fd, buffer, (nuint)head.Length, 0);
            }
            if (read < FileSweeper.MinCandidateBytes)
            {
                if (read < 0 && !Errno.MeansNotAFile(Marshal.GetLastPInvokeError()))
                {
                    result.Problems.Enqueue(new ScanProblem { Subject = Join(dir, name), Code = ProblemCodes.Unreadable, Message = $"Read failed (errno {Marshal.GetLastPInvokeError()}).", Source = "sweep" });
                }
                return;
            }
            ModelFormatId format = FormatSniffer.Sniff(head.AsSpan(0, (int)read), -1);
            if (format == ModelFormatId.Unknown)
            {
                return;
            }
            long length = NativeMethods.lseek(fd, 0, SeekEnd);
            format = FormatSniffer.Sniff(head.AsSpan(0, (int)read), length);
            if (format != ModelFormatId.Unknown)
            {
                result.Candidates.Add(new SweptFile(Join(dir, name), length, format, null));
            }
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }

    /// <summary>For filesystems whose readdir gives no type: one statx on this entry only.</summary>
    private static byte TypeOf(int dirFd, byte* name)
    {
        byte* buffer = stackalloc byte[256];
        if (NativeMethods.statx(dirFd, name, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return DtUnknown;
        }
        ushort mode = *(ushort*)(buffer + 28);
        return (mode & 0xF000) switch
        {
            0x4000 => DtDir,
            0x8000 => DtReg,
            0xA000 => DtLnk,
            _ => DtUnknown,
        };
    }

    private static nint OpenDir(string path, out int error)
    {
        int max = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> utf8 = max <= 2048 ? stackalloc byte[max] : new byte[max];
        int length = Encoding.UTF8.GetBytes(path, utf8);
        utf8[length] = 0;
        fixed (byte* p = utf8)
        {
            nint stream = NativeMethods.opendir(p);
            error = stream == 0 ? Marshal.GetLastPInvokeError() : 0;
            return stream;
        }
    }

    private static string Join(string dir, byte* name)
    {
        string leaf = Marshal.PtrToStringUTF8((nint)name) ?? string.Empty;
        return dir.EndsWith('/') ? dir + leaf : dir + "/" + leaf;
    }

    /// <summary>Directories waiting to be listed, shared by the workers; finishes when empty and none in flight.</summary>
    private sealed class WorkStack
    {
        private readonly Stack<string> _pending;
        private int _inFlight;

        public WorkStack(IEnumerable<string> roots) => _pending = new Stack<string>(roots.Reverse());

        public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? dir)
        {
            lock (_pending)
            {
                while (_pending.Count == 0 && _inFlight > 0)
                {
                    Monitor.Wait(_pending);
                }
                if (_pending.Count == 0)
                {
                    dir = null;
                    return false;
                }
                dir = _pending.Pop();
                _inFlight++;
                return true;
            }
        }

        public void AddRange(List<string> dirs)
        {
            lock (_pending)
            {
                foreach (string dir in dirs)
                {
                    _pending.Push(dir);
                }
                Monitor.PulseAll(_pending);
            }
        }

        public void Done()
        {
            lock (_pending)
            {
                _inFlight--;
                Monitor.PulseAll(_pending);
            }
        }

        /// <summary>Drops everything pending (budget spent, cancelled); returns how many were dropped.</summary>
        public int Abandon()
        {
            lock (_pending)
            {
                int count = _pending.Count;
                _pending.Clear();
                Monitor.PulseAll(_pending);
                return count;
            }
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", SetLastError = true)]
        internal static partial nint opendir(byte* name);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial byte* readdir(nint dirp);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int closedir(nint dirp);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int dirfd(nint dirp);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int openat(int dirfd, byte* pathname, int flags);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial nint pread(int fd, byte* buf, nuint count, long offset);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial long lseek(int fd, long offset, int whence);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int close(int fd);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int statx(int dirfd, byte* pathname, int flags, uint mask, byte* statxbuf);
    }
}
