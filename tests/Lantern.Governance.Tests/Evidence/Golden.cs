using Lantern.Testing;

namespace Lantern.Governance.Tests.Evidence;

/// <summary>Golden-file comparison; <c>LANTERN_UPDATE_GOLDEN=1</c> rewrites the files after an intended change.</summary>
internal static class Golden
{
    public static void AssertMatches(string name, string actual)
    {
        string path = Path.Combine(TestPaths.RepoRoot, "tests", "Lantern.Governance.Tests", "Evidence", "Golden", name);
        bool update = Environment.GetEnvironmentVariable("LANTERN_UPDATE_GOLDEN") == "1";
        if (update || !File.Exists(path))
        {
            File.WriteAllText(path, actual);
            Assert.True(update, $"Golden file {name} was missing and has been written; review and commit it.");
            return;
        }
        // Line ends are compared normalised so a checkout with autocrlf still passes; the CSV's CRLF (RFC 4180) is
        // asserted by RiskRegisterTests instead.
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual.ReplaceLineEndings("\n"));
    }
}
