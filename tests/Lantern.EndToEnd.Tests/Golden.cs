using Lantern.Testing;

namespace Lantern.EndToEnd.Tests;

/// <summary>Golden-file comparison; <c>LANTERN_UPDATE_GOLDEN=1</c> rewrites the files after an intended change.</summary>
internal static class Golden
{
    public static void AssertMatches(string name, string actual)
    {
        string path = Path.Combine(TestPaths.RepoRoot, "tests", "Lantern.EndToEnd.Tests", "Golden", name);
        if (Environment.GetEnvironmentVariable("LANTERN_UPDATE_GOLDEN") == "1" || !File.Exists(path))
        {
            File.WriteAllText(path, actual);
            Assert.True(Environment.GetEnvironmentVariable("LANTERN_UPDATE_GOLDEN") == "1", $"Golden file {name} was missing and has been written; review and commit it.");
            return;
        }
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual.ReplaceLineEndings("\n"));
    }
}
