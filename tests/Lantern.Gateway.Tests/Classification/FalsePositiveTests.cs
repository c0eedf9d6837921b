using System.Globalization;
using Lantern.Gateway.Classification;
using Xunit;

namespace Lantern.Gateway.Tests.Classification;

/// <summary>Everyday identifiers in prompts (ids, hashes, times, versions) must not read as cards, ids or secrets.</summary>
public class FalsePositiveTests
{
    private static readonly PromptClassifier AllDetectors = new(new ClassifierOptions());

    private static void AssertNoHits(string text)
    {
        ClassificationResult result = AllDetectors.Classify(text);
        Assert.True(result.Hits.Count == 0, $"unexpected {string.Join(", ", result.Hits.Select(h => $"{h.Type}='{text.Substring(h.Start, h.Length)}'"))} in: {text}");
        Assert.Equal("Public", result.DataClass);
    }

    [Fact]
    public void Uuids_AreNothing()
    {
        var random = new Random(21);
        var bytes = new byte[16];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            AssertNoHits($"request {new Guid(bytes)} failed");
        }
        // All-digit groups are the worst case for card and phone patterns.
        AssertNoHits("trace 41111111-1111-4111-8111-411111111111");
        AssertNoHits("id 12345678-1234-1234-1234-123456789012");
    }

    [Fact]
    public void GitShas_AreNothing()
    {
        var random = new Random(22);
        for (int i = 0; i < 2000; i++)
        {
            string sha = SyntheticValues.Random(random, 40, "0123456789abcdef");
            AssertNoHits($"commit {sha}\nMerge: {sha[..7]} {sha[7..14]}");
        }
        // A SHA whose digit run is long enough to be a PAN, bordered by letters.
        AssertNoHits("commit a4111111111111111b2c3d4e5f60718293a4b5c6");
    }

    [Fact]
    public void Timestamps_AreNothing()
    {
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(23);
        for (int i = 0; i < 1000; i++)
        {
            DateTimeOffset t = start.AddSeconds(random.Next(0, 200_000_000));
            AssertNoHits($"at {t:O} ({t.ToUnixTimeSeconds()}) ts_ms={t.ToUnixTimeMilliseconds()} {t.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)}");
        }
    }

    [Fact]
    public void OrderNumbersThatPassLuhn_WithoutIssuerPrefix_AreNotCards()
    {
        var random = new Random(24);
        for (int i = 0; i < 500; i++)
        {
            string prefix = ((char)('0' + random.Next(7, 10))).ToString();
            AssertNoHits($"order #{SyntheticValues.Card(random, prefix, 16)} shipped");
            AssertNoHits($"order ORD-2024-{SyntheticValues.Card(random, "4", 16)}");
        }
    }

    [Fact]
    public void OrdinaryProse_AndCode_AreNothing()
    {
        AssertNoHits("Please summarise the Q3 report. Revenue grew 12.5% to 4,211,300 EUR; see section 4.2.1 and page 17.");
        AssertNoHits("version 10.0.401, build 20240115.3, IPv4 192.168.100.254, port 11434, pid 4242");
        AssertNoHits("const tokenizer = new Tokenizer(); let secretSauce = computeSauce(); // key points below");
        AssertNoHits("The password policy requires 12 characters; rotate your API key every 90 days.");
        AssertNoHits("docker pull ollama/ollama@sha256:" + new string('a', 64));
        AssertNoHits("Use AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY from the AWS docs.");
    }
}
