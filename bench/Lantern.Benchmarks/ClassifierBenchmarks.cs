using System.Text;
using BenchmarkDotNet.Attributes;
using Lantern.Gateway.Classification;

namespace Lantern.Benchmarks;

/// <summary>
/// Prompt classification throughput over 1 MiB of text (the default scan limit): an ordinary prompt mix, and
/// inputs built to make the detectors work hardest (long digit runs, repeated near-matches of cards, IBANs and phone
/// numbers, '@' every four characters, PEM headers without bodies). MB/s = 1.048576 / mean seconds.
/// All values are synthetic.
/// </summary>
[MemoryDiagnoser]
public class ClassifierBenchmarks
{
    private const int OneMiB = 1024 * 1024;

    private PromptClassifier _classifier = null!;
    private string _text = string.Empty;

    [Params("prose", "digits", "near-cards", "near-ibans", "phone-groups", "at-signs", "pem-headers", "mixed")]
    public string Shape { get; set; } = "prose";

    [GlobalSetup]
    public void Setup()
    {
        _classifier = new PromptClassifier(new ClassifierOptions
        {
            Keywords = [new KeywordRule { DataClass = "Confidential", Terms = ["CONFIDENTIAL", "internal use only", "Bluebird", "Nightjar"] }],
            Patterns = [new PatternRule { Name = "contract-id", DataClass = "Confidential", Regex = @"\bCT-[0-9]{6}\b" }],
        });
        string unit = Shape switch
        {
            "prose" => "You are a helpful assistant. Summarise the attached meeting notes for the team, keep action items, "
                + "and draft a reply to jane.doe@corp-mail.io about the Q3 budget (see ticket OPS-4211, build 20240115.3, "
                + "commit 3f2a9c1d7e5b4a6f8091a2b3c4d5e6f708192a3b, request 550e8400-e29b-41d4-a716-446655440000).\n"
                + "def handler(event):\n    total = sum(item['price'] * item['qty'] for item in event['items'])\n    return {'total': total}\n",
            "digits" => "1",
            "near-cards" => "4111 1111 1111 111 ",
            "near-ibans" => "DE89 3704 0044 0532 0130 0 ",
            "phone-groups" => "+1 212 555 ",
            "at-signs" => "a@b.",
            "pem-headers" => "-----BEGIN RSA PRIVATE KEY-----",
            "mixed" => "user@corp AKIA sk-ant- ghp_ xoxb- 943 476 591 512-48-392 eyJ0 token: abc ",
            _ => throw new InvalidOperationException(Shape),
        };
        var builder = new StringBuilder(OneMiB + unit.Length);
        while (builder.Length < OneMiB)
        {
            builder.Append(unit);
        }
        _text = builder.ToString(0, OneMiB);
    }

    [Benchmark]
    public string Classify1MiB()
    {
        ClassificationResult result = _classifier.Classify(_text);
        return result.Truncated ? throw new InvalidOperationException(result.FailClosedReason) : result.DataClass;
    }
}
