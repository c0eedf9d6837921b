using System.Reflection;

namespace Lantern.Testing;

/// <summary>Locates the repository root and the <c>../shared</c> folder beside it.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared folder (corpus, schemas, reference), or null when this checkout has none beside it.</summary>
    public static string? SharedDir
    {
        get
        {
            string candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(candidate) ? candidate : null;
        }
    }

    /// <summary>Why a shared-dependent test is skipped, for the skip message.</summary>
    public const string SharedMissing = "../shared is not present beside the repository; corpus and schema tests need it (CI always has it).";

    private static string FindRepoRoot()
    {
        string? fromBuild = typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LanternRepoRoot")?.Value;
        string? dir = AppContext.BaseDirectory;
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir, "Lantern.slnx")))
            {
                return dir;
            }
            dir = Path.GetDirectoryName(dir);
        }
        return fromBuild ?? throw new InvalidOperationException("Cannot find the repository root (Lantern.slnx).");
    }
}
