using Lantern.Gateway.Classification;
using Xunit;

namespace Lantern.Gateway.Tests.Classification;

public class PromptClassifierTests
{
    private static readonly Random Seeded = new(31);

    private static string Card() => SyntheticValues.Card(new Random(1), "4", 16);

    private static string AwsKey() => "AKIA" + SyntheticValues.Random(new Random(2), 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

    [Fact]
    public void Classify_NoHit_LowestClass()
    {
        var classifier = new PromptClassifier(new ClassifierOptions());
        ClassificationResult result = classifier.Classify(["Write a haiku about autumn.", "You are a helpful assistant."]);
        Assert.Equal("Public", result.DataClass);
        Assert.Empty(result.Hits);
        Assert.Empty(result.HitCounts);
        Assert.False(result.Truncated);
        Assert.Null(result.FailClosedReason);
    }

    [Fact]
    public void Classify_SeveralHits_HighestClassWins()
    {
        var classifier = new PromptClassifier(new ClassifierOptions());
        Assert.Equal("Internal", classifier.Classify("mail jane@corp.io").DataClass);
        Assert.Equal("Confidential", classifier.Classify($"mail jane@corp.io card {Card()}").DataClass);
        ClassificationResult all = classifier.Classify(["mail jane@corp.io", $"card {Card()}", $"key {AwsKey()}", "and bob@corp.io"]);
        Assert.Equal("Restricted", all.DataClass);
        Assert.Equal(2, all.HitCounts[DetectorTypes.Email]);
        Assert.Equal(1, all.HitCounts[DetectorTypes.PaymentCard]);
        Assert.Equal(1, all.HitCounts[DetectorTypes.AwsAccessKey]);
        Assert.Equal([0, 1, 2, 3], all.Hits.Select(h => h.TextIndex));
    }

    [Fact]
    public void Classify_DetectorClassOverride_Applies()
    {
        var classifier = new PromptClassifier(new ClassifierOptions
        {
            DetectorClasses = new Dictionary<string, string> { [DetectorTypes.Email] = "restricted" },
        });
        Assert.Equal("Restricted", classifier.Classify("jane@corp.io").DataClass);
        Assert.Equal("Confidential", classifier.Classify(Card()).DataClass);
    }

    [Fact]
    public void Classify_DisabledDetector_DoesNotRun()
    {
        var classifier = new PromptClassifier(new ClassifierOptions { EnabledDetectors = [DetectorTypes.Email] });
        ClassificationResult result = classifier.Classify($"card {Card()} key {AwsKey()}");
        Assert.Equal("Public", result.DataClass);
        Assert.Empty(result.Hits);
    }

    [Fact]
    public void Classify_PolicyKeywords_WholeWordsAndCase()
    {
        var classifier = new PromptClassifier(new ClassifierOptions
        {
            Keywords =
            [
                new KeywordRule { DataClass = "Confidential", Terms = ["CONFIDENTIAL", "internal use only"] },
                new KeywordRule { DataClass = "Restricted", Terms = ["Bluebird", "Project Nightjar"], Name = "code-names" },
                new KeywordRule { DataClass = "Restricted", Terms = ["SECRET"], CaseSensitive = true, Name = "marking" },
            ],
        });
        Assert.Equal("Confidential", classifier.Classify("Header: confidential — draft").DataClass);
        Assert.Equal("Confidential", classifier.Classify("FOR INTERNAL USE ONLY").DataClass);
        Assert.Equal("Public", classifier.Classify("confidentiality agreements in general").DataClass);
        ClassificationResult codeName = classifier.Classify("status of project nightjar and BLUEBIRD?");
        Assert.Equal("Restricted", codeName.DataClass);
        Assert.Equal(2, codeName.HitCounts[DetectorTypes.Keyword]);
        Assert.All(codeName.Hits, h => Assert.Equal("code-names", h.Rule));
        Assert.Equal("Public", classifier.Classify("keep it secret").DataClass);
        Assert.Equal("Restricted", classifier.Classify("TOP SECRET").DataClass);
        Assert.Equal("Public", classifier.Classify("Bluebirds sing").DataClass);
    }

    [Fact]
    public void Classify_PolicyPatterns_MatchWithTheirClass()
    {
        var classifier = new PromptClassifier(new ClassifierOptions
        {
            Patterns =
            [
                new PatternRule { Name = "contract-id", DataClass = "Confidential", Regex = @"\bCT-[0-9]{6}\b" },
                new PatternRule { Name = "prj", DataClass = "Restricted", Regex = @"prj-[a-z]{3,8}", IgnoreCase = true },
            ],
        });
        ClassificationResult contract = classifier.Classify("see CT-123456 and CT-12345");
        Assert.Equal("Confidential", contract.DataClass);
        DetectorHit hit = Assert.Single(contract.Hits);
        Assert.Equal(DetectorTypes.Pattern, hit.Type);
        Assert.Equal("contract-id", hit.Rule);
        Assert.Equal((4, 9), (hit.Start, hit.Length));
        Assert.Equal("Restricted", classifier.Classify("PRJ-Falcon budget").DataClass);
    }

    [Theory]
    [InlineData(@"(?<=key)\w+", "linear time")]
    [InlineData(@"(?<n>a)\k<n>", "linear time")]
    [InlineData(@"(a)\1", "does not compile")]   // groups do not capture (ExplicitCapture), so \1 names nothing
    [InlineData(@"(?>abc)", "linear time")]
    [InlineData(@"[a-", "does not compile")]
    [InlineData(@"a*", "empty string")]
    [InlineData("", "empty")]
    public void Constructor_BadPolicyPattern_RefusedWithReason(string regex, string reason)
    {
        var options = new ClassifierOptions { Patterns = [new PatternRule { Name = "bad", DataClass = "Restricted", Regex = regex }] };
        var e = Assert.Throws<ClassifierConfigurationException>(() => new PromptClassifier(options));
        Assert.Contains("'bad'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(PromptClassifier.TryValidatePattern(regex, ignoreCase: false, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OversizePattern_Refused()
    {
        Assert.False(PromptClassifier.TryValidatePattern(new string('a', 5000), false, out string? error));
        Assert.Contains("at most", error, StringComparison.Ordinal);
        Assert.True(PromptClassifier.TryValidatePattern(@"\bACME-[0-9]{4}\b", false, out _));
    }

    [Fact]
    public void Constructor_UnknownNames_Refused()
    {
        Assert.Throws<ClassifierConfigurationException>(() => new PromptClassifier(new ClassifierOptions { EnabledDetectors = ["credit-card"] }));
        Assert.Throws<ClassifierConfigurationException>(() => new PromptClassifier(new ClassifierOptions
        {
            DetectorClasses = new Dictionary<string, string> { [DetectorTypes.Email] = "Secret" },
        }));
        Assert.Throws<ClassifierConfigurationException>(() => new PromptClassifier(new ClassifierOptions
        {
            Keywords = [new KeywordRule { DataClass = "Nope", Terms = ["x1"] }],
        }));
        Assert.Throws<ClassifierConfigurationException>(() => new PromptClassifier(new ClassifierOptions
        {
            Keywords = [new KeywordRule { DataClass = "Internal", Terms = [" "] }],
        }));
        Assert.Throws<ClassifierConfigurationException>(() => new PromptClassifier(new ClassifierOptions { Classifications = [] }));
        // Custom class names need a mapping: the defaults name classes this list does not have.
        var e = Assert.Throws<ClassifierConfigurationException>(() => new PromptClassifier(new ClassifierOptions { Classifications = ["open", "closed"] }));
        Assert.Contains("not in the classification list", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_CustomClassList_UsesItsSpelling()
    {
        var classifier = new PromptClassifier(new ClassifierOptions
        {
            Classifications = ["open", "closed"],
            DetectorClasses = DetectorTypes.BuiltIn.ToDictionary(d => d, _ => "CLOSED"),
        });
        Assert.Equal("open", classifier.Classify("hello").DataClass);
        Assert.Equal("closed", classifier.Classify("jane@corp.io").DataClass);
    }

    [Fact]
    public void Classify_TooLarge_FailsClosedAtHighestClass()
    {
        var classifier = new PromptClassifier(new ClassifierOptions { MaxScanChars = 100 });
        ClassificationResult result = classifier.Classify([new string('a', 60), "jane@corp.io " + new string('b', 60), "third"]);
        Assert.True(result.Truncated);
        Assert.Equal("Restricted", result.DataClass);
        Assert.Contains("100", result.FailClosedReason, StringComparison.Ordinal);
        Assert.Equal([60, 40, 0], result.ScannedLengths);
        Assert.Equal(100, result.ScannedChars);
        Assert.Equal(1, result.HitCounts[DetectorTypes.Email]);   // what was scanned still counts
    }

    [Fact]
    public void Classify_ExactlyAtLimit_NotTruncated()
    {
        var classifier = new PromptClassifier(new ClassifierOptions { MaxScanChars = 100 });
        ClassificationResult result = classifier.Classify([new string('a', 50), new string('b', 50)]);
        Assert.False(result.Truncated);
        Assert.Equal("Public", result.DataClass);
    }

    [Fact]
    public void Classify_TooManyHits_FailsClosed()
    {
        var classifier = new PromptClassifier(new ClassifierOptions { MaxHits = 10 });
        string text = string.Join(' ', Enumerable.Range(0, 20).Select(i => $"u{i}@corp.io"));
        ClassificationResult result = classifier.Classify(text);
        Assert.True(result.Truncated);
        Assert.Equal("Restricted", result.DataClass);
        Assert.Contains("hits", result.FailClosedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_OverlappingDetectors_MoreSpecificWins()
    {
        var classifier = new PromptClassifier(new ClassifierOptions());
        ClassificationResult nhs = classifier.Classify("NHS 943 476 5919");
        Assert.Equal(DetectorTypes.UkNhs, Assert.Single(nhs.Hits).Type);

        string openAi = $"sk-{SyntheticValues.Random(new Random(3), 48)}";
        ClassificationResult assignment = classifier.Classify($"api_key = \"{openAi}\"");
        Assert.Equal(DetectorTypes.OpenAiKey, Assert.Single(assignment.Hits).Type);
    }

    [Fact]
    public void Classify_NullTextInSequence_IsSkipped()
    {
        var classifier = new PromptClassifier(new ClassifierOptions());
        ClassificationResult result = classifier.Classify(new string[] { null!, "jane@corp.io" });
        Assert.Equal(1, Assert.Single(result.Hits).TextIndex);
        Assert.Equal([0, 12], result.ScannedLengths);
    }

    [Fact]
    public void Classify_ConcurrentCalls_AgreeWithSerial()
    {
        var classifier = new PromptClassifier(new ClassifierOptions());
        string[] texts = Enumerable.Range(0, 64)
            .Select(i => i % 3 == 0 ? $"mail u{i}@corp.io" : i % 3 == 1 ? $"card {SyntheticValues.Card(new Random(i), "4", 16)}" : "plain")
            .ToArray();
        string[] serial = texts.Select(t => classifier.Classify(t).DataClass).ToArray();
        string[] parallel = new string[texts.Length];
        Parallel.For(0, texts.Length, i => parallel[i] = classifier.Classify(texts[i]).DataClass);
        Assert.Equal(serial, parallel);
        Assert.Contains("Confidential", serial);
        Assert.Contains("Internal", serial);
        Assert.Contains("Public", serial);
        _ = Seeded;
    }
}
