using Lantern.Gateway.Classification;
using Xunit;

namespace Lantern.Gateway.Tests.Classification;

/// <summary>Positive and negative cases per built-in detector, each run with only that detector enabled.</summary>
public class DetectorTests
{
    internal static int Count(string detector, string text)
    {
        var classifier = new PromptClassifier(new ClassifierOptions { EnabledDetectors = [detector] });
        ClassificationResult result = classifier.Classify(text);
        Assert.False(result.Truncated);
        return result.HitCounts.GetValueOrDefault(detector);
    }

    [Theory]
    [InlineData("4", 16)]
    [InlineData("4", 13)]
    [InlineData("51", 16)]
    [InlineData("2221", 16)]
    [InlineData("34", 15)]
    [InlineData("37", 15)]
    [InlineData("6011", 16)]
    [InlineData("3530", 16)]
    [InlineData("62", 19)]
    [InlineData("6759", 12)]
    public void PaymentCard_ValidLuhnAndIssuer_Detected(string prefix, int length)
    {
        var random = new Random(length * 31 + prefix.Length);
        for (int i = 0; i < 20; i++)
        {
            string pan = SyntheticValues.Card(random, prefix, length);
            Assert.Equal(1, Count(DetectorTypes.PaymentCard, $"my card is {pan} thanks"));
            Assert.Equal(1, Count(DetectorTypes.PaymentCard, $"card: {SyntheticValues.Group(pan, 4)}."));
            Assert.Equal(1, Count(DetectorTypes.PaymentCard, $"card: {SyntheticValues.Group(pan, 4, '-')}"));
            Assert.Equal(0, Count(DetectorTypes.PaymentCard, $"my card is {SyntheticValues.OffByOne(pan)} thanks"));
        }
    }

    [Fact]
    public void PaymentCard_NoIssuerOrWrongLength_NotDetected()
    {
        var random = new Random(2);
        Assert.Equal(0, Count(DetectorTypes.PaymentCard, "order " + SyntheticValues.Card(random, "9", 16)));
        Assert.Equal(0, Count(DetectorTypes.PaymentCard, "order " + SyntheticValues.Card(random, "1", 16)));
        Assert.Equal(0, Count(DetectorTypes.PaymentCard, "amex? " + SyntheticValues.Card(random, "34", 16)));
        Assert.Equal(0, Count(DetectorTypes.PaymentCard, "visa? " + SyntheticValues.Card(random, "4", 14)));
        Assert.Equal(0, Count(DetectorTypes.PaymentCard, "0000 0000 0000 0000"));
    }

    [Fact]
    public void PaymentCard_MixedSeparators_NotDetected()
    {
        string pan = SyntheticValues.Card(new Random(3), "4", 16);
        Assert.Equal(0, Count(DetectorTypes.PaymentCard, $"{pan[..4]} {pan[4..8]}-{pan[8..12]} {pan[12..]}"));
    }

    [Theory]
    [InlineData("DE", "370400440532013000")]
    [InlineData("GB", "NWBK60161331926819")]
    [InlineData("FR", "20041010050500013M02606")]
    [InlineData("NL", "ABNA0417164300")]
    [InlineData("NO", "86011117947")]
    [InlineData("LC", "HEMM000100010012001200023015")]
    public void Iban_ValidCheckDigits_DetectedCompactAndGrouped(string country, string bban)
    {
        string iban = SyntheticValues.Iban(country, bban);
        Assert.Equal(1, Count(DetectorTypes.Iban, $"pay to {iban} please"));
        Assert.Equal(1, Count(DetectorTypes.Iban, $"IBAN: {SyntheticValues.Group(iban, 4)} BIC ABCDDEFF"));
        string badCheck = iban[..2] + ((int.Parse(iban[2..4]) + 1) % 100).ToString("00") + iban[4..];
        Assert.Equal(0, Count(DetectorTypes.Iban, $"pay to {badCheck} please"));
    }

    [Fact]
    public void Iban_WrongLengthOrUnknownCountry_NotDetected()
    {
        Assert.Equal(0, Count(DetectorTypes.Iban, SyntheticValues.Iban("DE", "3704004405320130001")));  // 23 chars
        Assert.Equal(0, Count(DetectorTypes.Iban, SyntheticValues.Iban("ZZ", "370400440532013000")));
        Assert.Equal(0, Count(DetectorTypes.Iban, SyntheticValues.Iban("DE", "370400440532013000") + "7"));
    }

    [Fact]
    public void Iban_TwoOnOneLine_BothDetected()
    {
        string de = SyntheticValues.Group(SyntheticValues.Iban("DE", "370400440532013000"), 4);
        string nl = SyntheticValues.Group(SyntheticValues.Iban("NL", "ABNA0417164300"), 4);
        Assert.Equal(2, Count(DetectorTypes.Iban, $"{de} {nl}"));
    }

    [Theory]
    [InlineData("512-48-3921", 1)]
    [InlineData("SSN 512 48 3921", 1)]
    [InlineData("000-48-3921", 0)]
    [InlineData("666-48-3921", 0)]
    [InlineData("912-48-3921", 0)]
    [InlineData("512-00-3921", 0)]
    [InlineData("512-48-0000", 0)]
    [InlineData("078-05-1120", 0)]
    [InlineData("123-45-6789", 0)]
    [InlineData("512-48 3921", 0)]
    [InlineData("512483921", 0)]
    [InlineData("id 2512-48-3921", 0)]
    public void UsSsn_SsaRules(string text, int expected) => Assert.Equal(expected, Count(DetectorTypes.UsSsn, text));

    [Theory]
    [InlineData("NINO AB123456C", 1)]
    [InlineData("AB 12 34 56 C", 1)]
    [InlineData("ce 12 34 56 d", 1)]
    [InlineData("QQ123456C", 0)]   // HMRC's example prefix, never issued
    [InlineData("DA123456A", 0)]   // D not allowed first
    [InlineData("AO123456A", 0)]   // O not allowed second
    [InlineData("GB123456A", 0)]
    [InlineData("ZZ123456A", 0)]
    [InlineData("TN123456A", 0)]
    [InlineData("AB123456E", 0)]   // suffix only A–D
    public void UkNino_PrefixRules(string text, int expected) => Assert.Equal(expected, Count(DetectorTypes.UkNino, text));

    [Fact]
    public void DeTaxId_ValidAndInvalid()
    {
        var random = new Random(8);
        for (int i = 0; i < 30; i++)
        {
            string id = SyntheticValues.SteuerId(random);
            Assert.Equal(1, Count(DetectorTypes.DeTaxId, $"Steuer-ID {id}"));
            Assert.Equal(1, Count(DetectorTypes.DeTaxId, $"IdNr. {id[..2]} {id[2..5]} {id[5..8]} {id[8..]}"));
            string wrong = id[..10] + (char)('0' + ((id[10] - '0' + 1) % 10));
            Assert.Equal(0, Count(DetectorTypes.DeTaxId, $"Steuer-ID {wrong}"));
        }
        Assert.Equal(0, Count(DetectorTypes.DeTaxId, "12345678903"));
        Assert.Equal(0, Count(DetectorTypes.DeTaxId, "86 09574 2719"));
    }

    [Fact]
    public void UkNhs_GroupedOrAfterNhs_Detected_OtherwiseNot()
    {
        Assert.Equal(1, Count(DetectorTypes.UkNhs, "patient 943 476 5919"));
        Assert.Equal(1, Count(DetectorTypes.UkNhs, "patient 943-476-5919"));
        Assert.Equal(1, Count(DetectorTypes.UkNhs, "NHS number: 9434765919"));
        Assert.Equal(0, Count(DetectorTypes.UkNhs, "ts 9434765919"));            // bare ten digits: timestamps look like this
        Assert.Equal(0, Count(DetectorTypes.UkNhs, "patient 943 476 5918"));     // check digit
        Assert.Equal(0, Count(DetectorTypes.UkNhs, "NHS 000 000 0000"));
        var random = new Random(4);
        for (int i = 0; i < 30; i++)
        {
            string nhs = SyntheticValues.NhsNumber(random);
            Assert.Equal(1, Count(DetectorTypes.UkNhs, $"NHS {nhs[..3]} {nhs[3..6]} {nhs[6..]}"));
        }
    }

    [Fact]
    public void AwsAccessKey_PrefixesAndExampleAllowlist()
    {
        var random = new Random(6);
        foreach (string prefix in new[] { "AKIA", "ASIA", "ABIA", "ACCA", "A3TX" })
        {
            string key = prefix + SyntheticValues.Random(random, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
            Assert.Equal(1, Count(DetectorTypes.AwsAccessKey, $"aws_access_key_id = {key}"));
        }
        Assert.Equal(0, Count(DetectorTypes.AwsAccessKey, "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"));
        Assert.Equal(0, Count(DetectorTypes.AwsAccessKey, "AKIA" + new string('1', 16)));  // 1 is not base32
        Assert.Equal(0, Count(DetectorTypes.AwsAccessKey, "AKIA" + SyntheticValues.Random(random, 15, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")));
    }

    [Fact]
    public void GitHubToken_ClassicAndFineGrained()
    {
        var random = new Random(7);
        foreach (string prefix in new[] { "ghp_", "gho_", "ghu_", "ghs_", "ghr_" })
        {
            Assert.Equal(1, Count(DetectorTypes.GitHubToken, $"token {prefix}{SyntheticValues.Random(random, 36)}"));
        }
        string fineGrained = $"github_pat_{SyntheticValues.Random(random, 22)}_{SyntheticValues.Random(random, 59)}";
        Assert.Equal(1, Count(DetectorTypes.GitHubToken, fineGrained));
        Assert.Equal(0, Count(DetectorTypes.GitHubToken, $"ghp_{SyntheticValues.Random(random, 35)}"));
        Assert.Equal(0, Count(DetectorTypes.GitHubToken, "ghp_" + new string('x', 36)));
        Assert.Equal(0, Count(DetectorTypes.GitHubToken, $"ghx_{SyntheticValues.Random(random, 36)}"));
    }

    [Fact]
    public void SlackToken_NeedsDigitsAndLetters()
    {
        var random = new Random(9);
        string bot = $"xoxb-{SyntheticValues.Random(random, 12, "0123456789")}-{SyntheticValues.Random(random, 13, "0123456789")}-{SyntheticValues.Random(random, 24)}";
        Assert.Equal(1, Count(DetectorTypes.SlackToken, $"SLACK_BOT_TOKEN={bot}"));
        Assert.Equal(0, Count(DetectorTypes.SlackToken, "xoxb-your-bot-token-here"));
        Assert.Equal(0, Count(DetectorTypes.SlackToken, "xoxz-123456789012-abcdefghijkl"));
    }

    [Fact]
    public void OpenAiKey_Shapes()
    {
        var random = new Random(10);
        Assert.Equal(1, Count(DetectorTypes.OpenAiKey, $"sk-{SyntheticValues.Random(random, 48)}"));
        Assert.Equal(1, Count(DetectorTypes.OpenAiKey, $"sk-{SyntheticValues.Random(random, 20)}T3BlbkFJ{SyntheticValues.Random(random, 20)}"));
        Assert.Equal(1, Count(DetectorTypes.OpenAiKey, $"OPENAI_API_KEY=sk-proj-{SyntheticValues.Random(random, 120, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")}"));
        Assert.Equal(0, Count(DetectorTypes.OpenAiKey, $"sk-{SyntheticValues.Random(random, 30)}"));  // neither shape
        Assert.Equal(0, Count(DetectorTypes.OpenAiKey, "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        Assert.Equal(0, Count(DetectorTypes.OpenAiKey, $"task-{SyntheticValues.Random(random, 48)}"));
    }

    [Fact]
    public void AnthropicKey_Shape()
    {
        var random = new Random(12);
        string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
        string key = $"sk-ant-api03-{SyntheticValues.Random(random, 93, alphabet)}AA";
        Assert.Equal(1, Count(DetectorTypes.AnthropicKey, $"ANTHROPIC_API_KEY={key}"));
        Assert.Equal(1, Count(DetectorTypes.AnthropicKey, $"sk-ant-admin01-{SyntheticValues.Random(random, 93, alphabet)}AA"));
        Assert.Equal(0, Count(DetectorTypes.AnthropicKey, $"sk-ant-api03-{SyntheticValues.Random(random, 93, alphabet)}AB"));
        Assert.Equal(0, Count(DetectorTypes.AnthropicKey, $"sk-ant-api03-{SyntheticValues.Random(random, 40, alphabet)}AA"));
        // An Anthropic key is not also an OpenAI key.
        Assert.Equal(0, Count(DetectorTypes.OpenAiKey, key));
    }

    [Fact]
    public void PrivateKey_PemBlocks()
    {
        var random = new Random(13);
        string body = string.Join('\n', Enumerable.Range(0, 10).Select(_ => SyntheticValues.Random(random, 64)));
        foreach (string label in new[] { "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK" })
        {
            string pem = $"-----BEGIN {label}-----\n{body}\n-----END {label}-----";
            var classifier = new PromptClassifier(new ClassifierOptions { EnabledDetectors = [DetectorTypes.PrivateKey] });
            ClassificationResult result = classifier.Classify($"here: {pem} done");
            DetectorHit hit = Assert.Single(result.Hits);
            Assert.Equal(6, hit.Start);
            Assert.Equal(pem.Length, hit.Length);
        }
        Assert.Equal(0, Count(DetectorTypes.PrivateKey, "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"));
        Assert.Equal(0, Count(DetectorTypes.PrivateKey, "-----BEGIN CERTIFICATE-----"));
    }

    [Fact]
    public void PrivateKey_WithoutEndLine_CoversTheBody()
    {
        string text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\nabcd== and more text";
        var classifier = new PromptClassifier(new ClassifierOptions { EnabledDetectors = [DetectorTypes.PrivateKey] });
        DetectorHit hit = Assert.Single(classifier.Classify(text).Hits);
        Assert.Equal(0, hit.Start);
        Assert.True(hit.Length > "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234".Length);
    }

    [Fact]
    public void Jwt_HeaderMustBeJsonObjectWithAlg()
    {
        var random = new Random(14);
        Assert.Equal(1, Count(DetectorTypes.Jwt, $"Authorization: Bearer {SyntheticValues.Jwt(random)}"));
        Assert.Equal(1, Count(DetectorTypes.Jwt, SyntheticValues.Jwt(random, """{"typ":"JWT","kid":{"x":[1,2]},"alg":"none"}""")[..^43]));
        Assert.Equal(0, Count(DetectorTypes.Jwt, SyntheticValues.Jwt(random, """{"typ":"JWT"}""")));
        Assert.Equal(0, Count(DetectorTypes.Jwt, SyntheticValues.Jwt(random, """{"alg":5}""")));
        Assert.Equal(0, Count(DetectorTypes.Jwt, SyntheticValues.Jwt(random, """{"alg":"HS256" """)));
        Assert.Equal(0, Count(DetectorTypes.Jwt, "eyJhbGciOi.eyJzdWIi.abc"));
    }

    [Theory]
    [InlineData("email me at jane.doe+ai@corp-mail.co.uk today", 1)]
    [InlineData("a@b.io", 1)]
    [InlineData("user@example.com", 0)]
    [InlineData("user@mail.example.org", 0)]
    [InlineData("ops@host.test", 0)]
    [InlineData("icon@2x.png", 0)]
    [InlineData("git@github.com:org/repo.git", 0)]
    [InlineData("pkg@1.2.3", 0)]
    [InlineData("no at sign here", 0)]
    [InlineData(".lead@corp.com", 1)]   // the address starts after the dot
    public void Email_Cases(string text, int expected) => Assert.Equal(expected, Count(DetectorTypes.Email, text));

    [Theory]
    [InlineData("call +49 30 12345678", 1)]
    [InlineData("call +1 (212) 555-0142", 1)]
    [InlineData("call +44 (0)20 7946 0958", 1)]
    [InlineData("(212) 555-0142", 1)]
    [InlineData("212-555-0142", 1)]
    [InlineData("030 1234567", 1)]
    [InlineData("06 12 34 56 78", 1)]
    [InlineData("+49 30", 0)]                     // too few digits
    [InlineData("112-555-0142", 0)]               // NANP area code cannot start with 1
    [InlineData("2125550142", 0)]                 // ungrouped digits
    [InlineData("05.06.2024 12 items", 0)]        // a date
    [InlineData("at 2024-01-15 10:30:00", 0)]
    [InlineData("v1.212.555.0142.3", 0)]
    public void Phone_Cases(string text, int expected) => Assert.Equal(expected, Count(DetectorTypes.Phone, text));

    [Fact]
    public void GenericSecret_AssignmentWithRandomValue()
    {
        var random = new Random(15);
        string value = SyntheticValues.Random(random, 32);
        var classifier = new PromptClassifier(new ClassifierOptions { EnabledDetectors = [DetectorTypes.GenericSecret] });
        string text = $"db_password = \"{value}\"";
        DetectorHit hit = Assert.Single(classifier.Classify(text).Hits);
        Assert.Equal(value, text.Substring(hit.Start, hit.Length));

        Assert.Equal(1, Count(DetectorTypes.GenericSecret, $"client_secret: {SyntheticValues.Random(random, 40)}"));
        Assert.Equal(1, Count(DetectorTypes.GenericSecret, $"\"apiKey\": \"{SyntheticValues.Random(random, 24)}\""));
        Assert.Equal(0, Count(DetectorTypes.GenericSecret, "password = \"${DB_PASSWORD}\""));
        Assert.Equal(0, Count(DetectorTypes.GenericSecret, "password: {{ vault_db_password }}"));
        Assert.Equal(0, Count(DetectorTypes.GenericSecret, "api_key = your_api_key_here_123"));
        Assert.Equal(0, Count(DetectorTypes.GenericSecret, "token: xxxxxxxxxxxxxxxxxxxx"));
        Assert.Equal(0, Count(DetectorTypes.GenericSecret, "password = aaaaaaaaaaaa1111"));       // low entropy
        Assert.Equal(0, Count(DetectorTypes.GenericSecret, "the token: acknowledgement"));        // prose
        Assert.Equal(0, Count(DetectorTypes.GenericSecret, "secret = short1"));
    }
}
