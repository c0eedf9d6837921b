using System.Xml.Linq;
using Lantern.Testing;

namespace Lantern.EndToEnd.Tests.Conventions;

/// <summary>Holds the "what each project may reference" table of ARCHITECTURE.md.</summary>
public class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Lantern.Formats"] = [],
        ["Lantern.Core"] = [],
        ["Lantern.Discovery"] = ["Lantern.Core", "Lantern.Formats"],
        ["Lantern.Vetting"] = ["Lantern.Core", "Lantern.Formats"],
        ["Lantern.Governance"] = ["Lantern.Core"],
        ["Lantern.NetLog"] = ["Lantern.Core"],
        ["Lantern.Gateway"] = ["Lantern.Core", "Lantern.Governance", "Lantern.Storage"],
        ["Lantern.Storage"] = ["Lantern.Core"],
        ["Lantern.Server"] = ["Lantern.Core", "Lantern.Governance", "Lantern.Storage", "Lantern.Vetting"],
        ["Lantern.Cli"] = ["*"],
    };

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (string dir in Directory.EnumerateDirectories(Path.Combine(TestPaths.RepoRoot, "src")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Project_References_OnlyWhatArchitectureAllows(string project)
    {
        Assert.True(Allowed.TryGetValue(project, out string[]? allowed), $"{project} is not in ARCHITECTURE.md's table; add it there and here.");
        string csproj = Path.Combine(TestPaths.RepoRoot, "src", project, project + ".csproj");
        var references = XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

        if (allowed.Contains("*"))
        {
            return;
        }
        foreach (string reference in references)
        {
            Assert.True(allowed.Contains(reference), $"{project} references {reference}, which ARCHITECTURE.md does not allow.");
        }
    }

    [Fact]
    public void Table_CoversEverySourceProject() =>
        Assert.All(Directory.EnumerateDirectories(Path.Combine(TestPaths.RepoRoot, "src")), dir => Assert.Contains(Path.GetFileName(dir), Allowed.Keys));
}
