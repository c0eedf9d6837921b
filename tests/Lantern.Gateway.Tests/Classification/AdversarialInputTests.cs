using System.Diagnostics;
using System.Text;
using Lantern.Gateway.Classification;
using Xunit;
using Xunit.Abstractions;

namespace Lantern.Gateway.Tests.Classification;

/// <summary>
/// One mebibyte of text built to make each detector work hardest (long runs of candidate characters, repeated
/// near-matches, headers without bodies) must classify in linear time. The bound here is loose because test
/// machines are shared; bench/Lantern.Benchmarks/ClassifierBenchmarks.cs measures the real throughput.
/// </summary>
public class AdversarialInputTests(ITestOutputHelper output)
{
    private const int OneMiB = 1024 * 1024;

    /// <summary>
    /// Loose on purpose: Debug builds of the generated regexes on shared CI cores run 10–50× slower than Release
    /// (docs/data-classification.md has the Release figures). A quadratic pattern would need hours on 1 MiB, so the
    /// bound still separates linear from super-linear behaviour.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static TheoryData<string> Shapes => new()
    {
        "digits", "spaced-digits", "near-cards", "near-ibans", "local-parts", "at-signs", "pem-headers",
        "jwt-parts", "assignments", "sk-prefixes", "base62", "phone-groups", "mixed",
    };

    internal static string Build(string shape, int length = OneMiB)
    {
        var random = new Random(shape.Length);
        string unit = shape switch
        {
            "digits" => "1",
            "spaced-digits" => "4 ",
            "near-cards" => "4111 1111 1111 111 ",
            "near-ibans" => "DE89 3704 0044 0532 0130 0 ",
            "local-parts" => "a",
            "at-signs" => "a@b.",
            "pem-headers" => "-----BEGIN RSA PRIVATE KEY-----",
            "jwt-parts" => "eyJhbGciOiJIUzI1NiJ9.",
            "assignments" => "password=",
            "sk-prefixes" => "sk-",
            "base62" => SyntheticValues.Random(random, 4096),
            "phone-groups" => "+1 212 555 ",
            "mixed" => "user@corp AKIA sk-ant- ghp_ xoxb- 943 476 591 512-48-392 eyJ0 token: abc ",
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }
        return builder.ToString(0, length);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Classify_OneMiBAdversarial_CompletesWithinBound(string shape)
    {
        string text = Build(shape);
        var classifier = new PromptClassifier(new ClassifierOptions
        {
            Keywords = [new KeywordRule { DataClass = "Confidential", Terms = ["CONFIDENTIAL", "Bluebird", "aaaaab"] }],
            Patterns = [new PatternRule { Name = "codes", DataClass = "Restricted", Regex = @"[a-z]+-[0-9]{4,}x" }],
        });
        classifier.Classify("warm-up jane@corp.io");
        var watch = Stopwatch.StartNew();
        ClassificationResult result = classifier.Classify(text);
        watch.Stop();
        output.WriteLine($"{shape}: {watch.Elapsed.TotalMilliseconds:0} ms, {OneMiB / 1e6 / watch.Elapsed.TotalSeconds:0.0} MB/s, class {result.DataClass}, hits {result.Hits.Count}");
        Assert.False(result.Truncated, result.FailClosedReason);
        Assert.True(watch.Elapsed < Bound, $"{shape} took {watch.Elapsed}");
    }

    [Fact]
    public void Classify_PemHeadersWithoutEnd_FindEachHeader()
    {
        string text = Build("pem-headers", 31 * 1000);
        ClassificationResult result = new PromptClassifier(new ClassifierOptions { EnabledDetectors = [DetectorTypes.PrivateKey] }).Classify(text);
        Assert.Equal(1000, result.HitCounts[DetectorTypes.PrivateKey]);
    }
}
