namespace Lantern.Discovery.Tests.Host;

/// <summary>A fact that reads the real /proc of this machine: skipped, with a reason, where there is none.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux procfs (/proc): per-process attribution is Linux-only.";
        }
    }
}
