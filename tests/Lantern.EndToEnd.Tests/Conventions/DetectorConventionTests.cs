using Lantern.Discovery;
using Lantern.Discovery.Engine;
using Lantern.Testing;

namespace Lantern.EndToEnd.Tests.Conventions;

/// <summary>
/// Adding a detector touches its folder, one registration line, its tests and its doc page
/// (STYLE.md, "Plug-ins"). These tests fail when one of those is missing.
/// </summary>
public class DetectorConventionTests
{
    public static TheoryData<string> DetectorIds()
    {
        var data = new TheoryData<string>();
        foreach (IRuntimeDetector detector in DetectorRegistry.All)
        {
            data.Add(detector.Id);
        }
        return data;
    }

    [Fact]
    public void Registry_EveryDetectorClass_IsRegisteredOnce()
    {
        var declared = typeof(DetectorRegistry).Assembly.GetTypes()
            .Where(t => typeof(IRuntimeDetector).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToList();
        var registered = DetectorRegistry.All.Select(d => d.GetType().FullName!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(declared, registered);
        Assert.Equal(DetectorRegistry.All.Count, DetectorRegistry.All.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(DetectorIds))]
    public void Detector_HasFolderDocAndTests(string id)
    {
        IRuntimeDetector detector = DetectorRegistry.All.Single(d => d.Id == id);
        Type type = detector.GetType();
        string folder = type.Namespace!.Split('.').Last();

        Assert.Matches("^[a-z0-9][a-z0-9.-]*$", id);
        Assert.True(detector.Version >= 1);
        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "src", "Lantern.Discovery", "Detectors", folder, type.Name + ".cs")),
            $"{type.Name} must live in src/Lantern.Discovery/Detectors/{folder}/{type.Name}.cs");
        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "docs", "detectors", id + ".md")), $"docs/detectors/{id}.md is missing");

        string testsRoot = Path.Combine(TestPaths.RepoRoot, "tests", "Lantern.Discovery.Tests", "Detectors");
        bool tested = Directory.EnumerateFiles(testsRoot, "*Tests.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText)
            .Any(text => text.Contains($"\"{id}\"", StringComparison.Ordinal) && text.Contains("FixtureEndpoint", StringComparison.Ordinal));
        Assert.True(tested, $"No detector test under tests/Lantern.Discovery.Tests/Detectors builds a fixture endpoint and asserts on \"{id}\".");
    }
}
