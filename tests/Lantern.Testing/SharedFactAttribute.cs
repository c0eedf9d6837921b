using Xunit;

namespace Lantern.Testing;

/// <summary>
/// A fact that needs <c>../shared</c> (schemas, corpus): skipped, visibly, with
/// <see cref="TestPaths.SharedMissing"/> when the folder is absent, rather than passing silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (TestPaths.SharedDir is null)
        {
            Skip = TestPaths.SharedMissing;
        }
    }
}
