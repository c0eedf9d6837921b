using Lantern.Gateway.Classification;
using Xunit;

namespace Lantern.Gateway.Tests.Classification;

public class RedactorTests
{
    [Fact]
    public void Redact_ReplacesEachHitWithItsType()
    {
        string card = SyntheticValues.Card(new Random(1), "5", 16);
        string key = "AKIA" + SyntheticValues.Random(new Random(2), 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        string text = $"mail jane@corp.io, card {card}, key {key}.";
        ClassificationResult result = new PromptClassifier(new ClassifierOptions()).Classify(text);
        Assert.Equal("mail [REDACTED:email], card [REDACTED:payment-card], key [REDACTED:aws-access-key].", Redactor.Redact(text, result.Hits));
    }

    [Fact]
    public void Redact_AssignmentKeepsTheName()
    {
        string value = SyntheticValues.Random(new Random(4), 32);
        string text = $"DB_PASSWORD={value}\nnext line";
        ClassificationResult result = new PromptClassifier(new ClassifierOptions()).Classify(text);
        Assert.Equal("DB_PASSWORD=[REDACTED:generic-secret]\nnext line", Redactor.Redact(text, result.Hits));
    }

    [Fact]
    public void Redact_OverlappingHits_MergeIntoOneMarker()
    {
        const string text = "0123456789";
        DetectorHit[] hits =
        [
            new("email", 0, 2, 4, "Internal"),
            new("keyword", 0, 4, 4, "Restricted", "r"),
            new("phone", 0, 9, 1, "Internal"),
        ];
        Assert.Equal("01[REDACTED:email]8[REDACTED:phone]", Redactor.Redact(text, hits));
    }

    [Fact]
    public void Redact_NoHits_ReturnsText()
    {
        Assert.Equal("plain", Redactor.Redact("plain", []));
    }

    [Fact]
    public void Redact_HitOutsideText_Throws()
    {
        Assert.Throws<ArgumentException>(() => Redactor.Redact("short", [new DetectorHit("email", 0, 3, 10, "Internal")]));
    }

    [Fact]
    public void RedactAll_PerTextHits_AndUnscannedTailMasked()
    {
        var classifier = new PromptClassifier(new ClassifierOptions { MaxScanChars = 40 });
        string[] texts = ["ask bob@corp.io", "then carol@corp.io and dave@corp.io later", "never scanned"];
        ClassificationResult result = classifier.Classify(texts);
        Assert.True(result.Truncated);
        IReadOnlyList<string> redacted = Redactor.RedactAll(texts, result);
        Assert.Equal("ask [REDACTED:email]", redacted[0]);
        Assert.Equal("then [REDACTED:email] and [REDACTED:unscanned]", redacted[1]);
        Assert.Equal(Redactor.UnscannedMarker, redacted[2]);
        Assert.DoesNotContain(redacted, r => r.Contains("dave", StringComparison.Ordinal));
    }

    [Fact]
    public void RedactAll_TextCountMismatch_Throws()
    {
        ClassificationResult result = new PromptClassifier(new ClassifierOptions()).Classify(["x", "bob@corp.io"]);
        Assert.Throws<ArgumentException>(() => Redactor.RedactAll(["x"], result));
    }
}
