using Xunit;

namespace Lantern.Testing.Squid;

/// <summary>
/// A fact that runs a real Squid: skipped, visibly, when <c>/usr/sbin/squid</c> is absent (install Debian's
/// <c>squid</c> package; CI's <c>.ci/run</c> does), rather than passing silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SquidFactAttribute : FactAttribute
{
    public SquidFactAttribute()
    {
        if (SquidProxy.SquidPath is null)
        {
            Skip = SquidProxy.SquidMissing;
        }
    }
}
