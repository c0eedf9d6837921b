using Lantern.Testing;

namespace Lantern.Governance.Tests.Policy.Rendering;

/// <summary>Golden-file comparison (as in Lantern.EndToEnd.Tests); <c>LANTERN_UPDATE_GOLDEN=1</c> rewrites the files after an intended change.</summary>
internal static class Golden
{
    public static void AssertMatches(string name, string actual)
    {
        string path = Path.Combine(TestPaths.RepoRoot, "tests", "Lantern.Governance.Tests", "Policy", "Rendering", "Golden", name);
        if (Environment.GetEnvironmentVariable("LANTERN_UPDATE_GOLDEN") == "1" || !File.Exists(path))
        {
            File.WriteAllText(path, actual);
            Assert.True(Environment.GetEnvironmentVariable("LANTERN_UPDATE_GOLDEN") == "1", $"Golden file {name} was missing and has been written; review and commit it.");
            return;
        }
        // Byte for byte: the renderer promises \n line endings, so no normalisation here.
        string expected = File.ReadAllText(path);
        Assert.Equal(expected, actual);
    }
}
