namespace Lantern.Discovery.Engine;

/// <summary>
/// Mount points of pseudo-filesystems that the sweep must not enter: they hold no files, and
/// some (/proc, /sys) are effectively unbounded or block on read.
/// </summary>
internal static class MountTable
{
    private static readonly HashSet<string> PseudoFilesystems = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs", "tracefs",
        "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc",
        "efivarfs", "rpc_pipefs", "nsfs", "selinuxfs", "ramfs", "fuse.gvfsd-fuse", "fuse.portal", "nfsd",
    };

    /// <summary>Mount points to skip, read from <c>/proc/self/mountinfo</c> (empty elsewhere).</summary>
    public static IReadOnlySet<string> PseudoMountPoints(string procRoot)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return result;
        }
        try
        {
            int lines = 0;
            foreach (string line in File.ReadLines(Path.Combine(procRoot, "self", "mountinfo")))
            {
                if (++lines > 100_000)
                {
                    break;
                }
                // mountinfo(5): id parent major:minor root mountpoint options [optional...] - fstype source superopts
                string[] fields = line.Split(' ');
                int separator = Array.IndexOf(fields, "-");
                if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
                {
                    continue;
                }
                if (PseudoFilesystems.Contains(fields[separator + 1]))
                {
                    result.Add(Unescape(fields[4]));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        // Always skip the classic locations, even when mountinfo is unreadable.
        result.UnionWith(["/proc", "/sys", "/dev"]);
        return result;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal (\040…).</summary>
    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }
        var builder = new System.Text.StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 3 < value.Length && char.IsAsciiDigit(value[i + 1]))
            {
                builder.Append((char)Convert.ToInt32(value.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(value[i]);
            }
        }
        return builder.ToString();
    }
}
