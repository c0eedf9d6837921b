using System.Runtime.InteropServices;

namespace Lantern.Discovery.Engine;

/// <summary>
/// What identifies a file's content for the digest cache without reading it: device, inode,
/// size and modification time in nanoseconds. On Linux this comes from <c>statx(2)</c>, whose
/// struct layout is the same on every architecture; elsewhere the path stands in for dev/inode.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long MTimeNs)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>sizeof(struct statx) in linux/stat.h: 256 bytes on every architecture.</summary>
    private const int StatxSize = 256;

    private static bool s_statxUnavailable;

    public string Key => $"{Device}:{Inode}:{Size}:{MTimeNs}";

    public static FileIdentity? Of(string path)
    {
        if (OperatingSystem.IsLinux() && !s_statxUnavailable)
        {
            try
            {
                return Statx(path);
            }
            catch (EntryPointNotFoundException)
            {
                s_statxUnavailable = true;
            }
            catch (DllNotFoundException)
            {
                s_statxUnavailable = true;
            }
        }
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
            // No inode here: hash the path into the "inode" so renames re-hash, which is safe.
            ulong pathKey = (ulong)StringComparer.Ordinal.GetHashCode(info.FullName) & 0xffffffffUL;
            return new FileIdentity(0, pathKey, info.Length, (info.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) * 100);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static unsafe FileIdentity? Statx(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (NativeMethods.statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            return null;
        }
        // Offsets from struct statx (include/uapi/linux/stat.h).
        ulong ino = *(ulong*)(buffer + 32);
        long size = *(long*)(buffer + 40);
        long mtimeSec = *(long*)(buffer + 112);
        uint mtimeNsec = *(uint*)(buffer + 120);
        uint devMajor = *(uint*)(buffer + 136);
        uint devMinor = *(uint*)(buffer + 140);
        return new FileIdentity(((ulong)devMajor << 32) | devMinor, ino, size, checked((mtimeSec * 1_000_000_000L) + mtimeNsec));
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA5392, SYSLIB1054 // libc is resolved by the loader; LibraryImport would need a marshaller for the same effect.
        internal static extern unsafe int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
#pragma warning restore CA5392, SYSLIB1054
    }
}
