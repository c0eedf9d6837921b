using System.Globalization;
using System.Runtime.InteropServices;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Whether a runtime binary may be run for its version flag. A scan often runs as root (MDM,
/// systemd) and looks in users' PATH and home folders: running a file another user can write would
/// hand them root. So on Unix a binary runs only if it is owned by root or by the scanning user and
/// neither it nor its folder is writable by group or others (a sticky folder like /tmp is still refused).
/// </summary>
internal static partial class ExecutableTrust
{
    private const int AtFdCwd = -100;
    private const uint StatxBasic = 0x7ff;

    public static string? WhyNotTrusted(string executable)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            // No statx here: fall back to the .NET view of the mode bits, without ownership.
            if (OperatingSystem.IsWindows())
            {
                return null;
            }
            return WritableByOthers(executable);
        }
        uint self = NativeMethods.geteuid();
        string? target = ResolveTarget(executable);
        foreach (string path in new[] { target ?? executable, Path.GetDirectoryName(target ?? executable) ?? "/" })
        {
            if (Owner(path) is not { } owner)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path} could not be inspected");
            }
            if (owner.Uid != 0 && owner.Uid != self)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path} is owned by uid {owner.Uid}, not by root or the scanning user");
            }
            if ((owner.Mode & 0x12) /* S_IWGRP | S_IWOTH */ != 0)
            {
                return $"{path} is writable by group or others";
            }
        }
        return null;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string? WritableByOthers(string executable)
    {
        try
        {
            UnixFileMode mode = File.GetUnixFileMode(executable);
            return (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0 ? $"{executable} is writable by group or others" : null;
        }
        catch (IOException)
        {
            return $"{executable} could not be inspected";
        }
    }

    private static string? ResolveTarget(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Owner uid and mode from <c>statx(2)</c> (stx_uid at 20, stx_mode at 28; linux/stat.h).</summary>
    private static unsafe (uint Uid, uint Mode)? Owner(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (NativeMethods.statx(AtFdCwd, path, 0, StatxBasic, buffer) != 0)
        {
            return null;
        }
        return (*(uint*)(buffer + 20), *(ushort*)(buffer + 28));
    }

    private static unsafe partial class NativeMethods
    {
        [LibraryImport("libc")]
        internal static partial uint geteuid();

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
    }
}
