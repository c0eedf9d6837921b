using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Reads the first bytes of a file with as few system calls as possible. The sweep does this for
/// every file in a home, so it sets the scan's speed: on Linux it is open/pread/close through libc
/// (no fstat, no lock emulation), with O_NONBLOCK so a FIFO can never block the sweep and
/// O_NOFOLLOW because symlinks are resolved by the caller. Elsewhere it uses RandomAccess.
/// </summary>
internal static partial class HeadReader
{
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;      // asm-generic/fcntl.h (x86_64, arm64)
    private const int ONoFollow = 0x20000;    // x86_64; arm64 uses 0x8000, see NoFollowFlag
    private const int OCloExec = 0x80000;

    private static readonly bool UseLibc = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    private static int NoFollowFlag => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : ONoFollow;

    /// <summary>Bytes read (≥ 0), or the negated errno (−ENOENT…) of the failure.</summary>
    public static int Read(string path, Span<byte> buffer)
    {
        if (!UseLibc)
        {
            return ReadPortable(path, buffer);
        }
        int max = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int length = Encoding.UTF8.GetBytes(path, utf8);
        utf8[length] = 0;
        int fd;
        unsafe
        {
            fixed (byte* p = utf8)
            {
                fd = NativeMethods.open(p, ORdOnly | ONonBlock | NoFollowFlag | OCloExec);
            }
        }
        if (fd < 0)
        {
            return -Marshal.GetLastPInvokeError();
        }
        try
        {
            unsafe
            {
                fixed (byte* b = buffer)
                {
                    nint n = NativeMethods.pread(fd, b, (nuint)buffer.Length, 0);
                    return n < 0 ? -Marshal.GetLastPInvokeError() : (int)n;
                }
            }
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }

    private static int ReadPortable(string path, Span<byte> buffer)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return RandomAccess.Read(handle, buffer, 0);
        }
        catch (FileNotFoundException)
        {
            return -Errno.NoEnt;
        }
        catch (DirectoryNotFoundException)
        {
            return -Errno.NoEnt;
        }
        catch (UnauthorizedAccessException)
        {
            return -Errno.Acces;
        }
        catch (IOException)
        {
            return -Errno.Io;
        }
    }

    private static unsafe partial class NativeMethods
    {
        [LibraryImport("libc", SetLastError = true)]
        internal static partial int open(byte* pathname, int flags);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial nint pread(int fd, byte* buf, nuint count, long offset);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int close(int fd);
    }
}

/// <summary>The errno values the sweep tells apart (asm-generic/errno-base.h, errno.h).</summary>
internal static class Errno
{
    public const int Perm = 1;
    public const int NoEnt = 2;
    public const int Io = 5;
    public const int NxIo = 6;
    public const int Again = 11;
    public const int Acces = 13;
    public const int NoDev = 19;
    public const int IsDir = 21;
    public const int Loop = 40;

    /// <summary>Sockets, FIFOs, devices and links: not regular files, so they hold no model. Not a gap in coverage.</summary>
    public static bool MeansNotAFile(int errno) => errno is NxIo or Again or NoDev or IsDir or Loop;
}
