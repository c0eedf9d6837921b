using Lantern.Testing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;
using Xunit;

namespace Lantern.Vetting.Tests.Integration;

public sealed class PathVettingTests
{
    [Fact]
    public void Vet_Directory_JudgesByContentNotExtension()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("notes.txt"), IntegrationFixtures.MaliciousGguf());
        File.WriteAllBytes(dir.File("deep/a/b/weights.bin"), IntegrationFixtures.SafeSafetensors());
        File.WriteAllText(dir.File("model.gguf"), "just text, not a model");

        PathVettingResult run = PathVetting.Vet([dir.Path], new ModelVetter(), [], CancellationToken.None);

        Assert.Equal(3, run.FilesExamined);
        Assert.Equal(1, run.NotAModel);
        Assert.Equal(2, run.Results.Count);
        Assert.Equal(Verdict.Malicious, run.Results.Single(r => r.Path.EndsWith("notes.txt", StringComparison.Ordinal)).Verdict);
        Assert.Equal(Verdict.Safe, run.Results.Single(r => r.Path.EndsWith("weights.bin", StringComparison.Ordinal)).Verdict);
        Assert.Equal(Verdict.Malicious, run.Worst);
    }

    [Fact]
    public void Vet_ExplicitNonModelFile_StillListed()
    {
        using var dir = new TempDirectory();
        string text = dir.File("readme.md");
        File.WriteAllText(text, "hello");

        PathVettingResult run = PathVetting.Vet([text], new ModelVetter(), [], CancellationToken.None);

        Assert.Equal(Verdict.NotAModel, Assert.Single(run.Results).Verdict);
    }

    [Fact]
    public void Vet_SymlinkLoop_TerminatesAndDeduplicatesFileLinks()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var dir = new TempDirectory();
        string model = dir.File("blobs/sha256-abc");
        File.WriteAllBytes(model, IntegrationFixtures.SafeGguf());
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "blobs", "loop"), dir.Path);
        File.CreateSymbolicLink(dir.File("snapshots/model.gguf"), model);

        PathVettingResult run = PathVetting.Vet([dir.Path], new ModelVetter(), [], CancellationToken.None);

        Assert.Single(run.Results);
        Assert.Equal(Verdict.Safe, run.Worst);
    }

    [Fact]
    public void Vet_SavedModelWithoutVetter_IncompleteAndFilesStillVetted()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("exported/saved_model.pb"), [0x08, 0x01]);
        File.WriteAllBytes(dir.File("exported/assets/extra.bin"), IntegrationFixtures.MaliciousGguf());

        PathVettingResult run = PathVetting.Vet([dir.Path], new ModelVetter(), [], CancellationToken.None);

        VetResult savedModel = run.Results.Single(r => r.Format == "tf-savedmodel");
        Assert.Equal(Verdict.Incomplete, savedModel.Verdict);
        Assert.Equal(VetRules.UnsupportedFormat, Assert.Single(savedModel.Findings).RuleId);
        Assert.Contains(run.Results, r => r.Verdict == Verdict.Malicious);
    }

    [Fact]
    public void Vet_SavedModelWithRegisteredVetter_JudgedAsWhole()
    {
        using var dir = new TempDirectory();
        string exported = Path.Combine(dir.Path, "exported");
        File.WriteAllBytes(dir.File("exported/saved_model.pb"), [0x08, 0x01]);
        File.WriteAllBytes(dir.File("exported/variables/variables.data-00000-of-00001"), IntegrationFixtures.MaliciousGguf());
        var calls = new List<string>();
        var vetter = new DelegateDirectoryVetter("tf-savedmodel", SavedModelDirectory.Claims, (d, _, _) =>
        {
            calls.Add(d);
            return new VetResult { Path = d, Format = "tf-savedmodel", Verdict = Verdict.Safe };
        });

        PathVettingResult run = PathVetting.Vet([dir.Path], new ModelVetter(), [vetter], CancellationToken.None);

        Assert.Equal([exported], calls);
        Assert.Equal(Verdict.Safe, Assert.Single(run.Results).Verdict);
    }
}
