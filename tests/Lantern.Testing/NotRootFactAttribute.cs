using Xunit;

namespace Lantern.Testing;

/// <summary>A fact that needs file permissions to bite: root reads everything, so it is skipped there.</summary>
public sealed class NotRootFactAttribute : FactAttribute
{
    public NotRootFactAttribute()
    {
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root")
        {
            Skip = "Runs as root, which bypasses file permissions; this test needs an ordinary user.";
        }
    }
}
