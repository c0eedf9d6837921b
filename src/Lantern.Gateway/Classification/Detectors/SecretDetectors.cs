using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lantern.Gateway.Classification.Detectors;

/// <summary>
/// AWS access key ids (gitleaks <c>aws-access-token</c>): <c>AKIA</c> (long-term), <c>ASIA</c> (STS), <c>ABIA</c>,
/// <c>ACCA</c>, <c>A3T…</c> followed by 16 base32 characters. AWS's documented example keys end in <c>EXAMPLE</c>
/// and are allowlisted.
/// </summary>
internal sealed partial class AwsAccessKeyDetector : Detector
{
    private static readonly SearchValues<string> Prefixes = SearchValues.Create(["AKIA", "ASIA", "ABIA", "ACCA", "A3T"], StringComparison.Ordinal);

    public override string Type => DetectorTypes.AwsAccessKey;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 90;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAny(Prefixes);

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        return !TextShape.IsPlaceholder(text.Slice(start, length));
    }

    [GeneratedRegex(@"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// GitHub tokens (github.blog 2021-04-05 "Behind GitHub's new authentication token formats"): <c>ghp_</c>, <c>gho_</c>,
/// <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c> + 36 alphanumerics, and fine-grained <c>github_pat_</c> + 22 + <c>_</c> + 59.
/// </summary>
internal sealed partial class GitHubTokenDetector : Detector
{
    private static readonly SearchValues<string> Prefixes = SearchValues.Create(["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], StringComparison.Ordinal);

    public override string Type => DetectorTypes.GitHubToken;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 90;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAny(Prefixes);

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> value = text.Slice(start, length);
        return !TextShape.IsPlaceholder(value) && TextShape.HasCharacterClasses(value[4..], 2);
    }

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// Slack tokens <c>xoxb-</c> (bot), <c>xoxp-</c> (user), <c>xoxa-</c>, <c>xoxr-</c> (refresh), <c>xoxs-</c>: the body
/// must hold digits and letters, which rules out <c>xoxb-your-bot-token</c>.
/// </summary>
internal sealed partial class SlackTokenDetector : Detector
{
    public override string Type => DetectorTypes.SlackToken;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 90;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.Contains("xox", StringComparison.Ordinal);

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> body = text.Slice(start + 5, length - 5);
        return !TextShape.IsPlaceholder(body)
            && body.ContainsAnyInRange('0', '9')
            && (body.ContainsAnyInRange('a', 'z') || body.ContainsAnyInRange('A', 'Z'));
    }

    [GeneratedRegex(@"\bxox[baprs]-[A-Za-z0-9-]{10,250}", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// OpenAI API keys: legacy <c>sk-</c> + 48 alphanumerics, keys carrying the <c>T3BlbkFJ</c> marker (base64 of
/// "OpenAI"), and project / service-account / admin keys <c>sk-proj-</c>, <c>sk-svcacct-</c>, <c>sk-admin-</c> with
/// at least 40 body characters. <c>sk-ant-</c> belongs to <see cref="AnthropicKeyDetector"/>.
/// </summary>
internal sealed partial class OpenAiKeyDetector : Detector
{
    public override string Type => DetectorTypes.OpenAiKey;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 90;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.Contains("sk-", StringComparison.Ordinal);

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> body = text.Slice(start + 3, length - 3);
        if (body.StartsWith("ant-", StringComparison.Ordinal) || TextShape.IsPlaceholder(body) || !TextShape.HasCharacterClasses(body, 2))
        {
            return false;
        }
        if (body.Contains("T3BlbkFJ", StringComparison.Ordinal))
        {
            return true;
        }
        int dash = body.IndexOf('-');
        if (dash > 0 && body[..dash] is "proj" or "svcacct" or "admin")
        {
            return body.Length - dash - 1 >= 40;
        }
        return body.Length == 48 && !body.ContainsAnyExcept(AlphaNumeric);
    }

    private static readonly SearchValues<char> AlphaNumeric = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    [GeneratedRegex(@"\bsk-[A-Za-z0-9_-]{20,250}", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>Anthropic keys (gitleaks <c>anthropic-api-key</c>, <c>anthropic-admin-api-key</c>): <c>sk-ant-api03-</c> or <c>sk-ant-admin01-</c> + 93 characters + <c>AA</c>.</summary>
internal sealed partial class AnthropicKeyDetector : Detector
{
    public override string Type => DetectorTypes.AnthropicKey;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 95;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.Contains("sk-ant-", StringComparison.Ordinal);

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        return !TextShape.IsPlaceholder(text.Slice(start, length));
    }

    [GeneratedRegex(@"\bsk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA\b", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// JSON Web Tokens (RFC 7519, JWS compact serialisation RFC 7515 §7.1): three base64url parts; the header must
/// decode to a JSON object with an <c>alg</c> string. The header is decoded (bounded) only to tell tokens from
/// look-alikes; nothing in it is trusted or used.
/// </summary>
internal sealed partial class JwtDetector : Detector
{
    /// <summary>Real JOSE headers are a few hundred bytes; a longer one is not worth decoding.</summary>
    private const int MaxHeaderChars = 2048;

    public override string Type => DetectorTypes.Jwt;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 85;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.Contains("eyJ", StringComparison.Ordinal);

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> token = text.Slice(start, length);
        int dot = token.IndexOf('.');
        return dot is > 0 and <= MaxHeaderChars && HeaderHasAlg(token[..dot]);
    }

    internal static bool HeaderHasAlg(ReadOnlySpan<char> header)
    {
        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(MaxHeaderChars)];
        if (header.Length > MaxHeaderChars || Base64Url.DecodeFromChars(header, json, out _, out int written) != OperationStatus.Done)
        {
            return false;
        }
        var reader = new Utf8JsonReader(json[..written], new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            // Read the whole object: a header cut short after "alg" is not JSON.
            bool hasAlg = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isAlg = reader.ValueTextEquals("alg"u8);
                if (!reader.Read())
                {
                    return false;
                }
                hasAlg |= isAlg && reader.TokenType == JsonTokenType.String;
                reader.Skip();
            }
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read() && hasAlg;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The header starts with "eyJ" ('{"' in base64url); parts are bounded so a run of base64 costs linear time.
    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,2048}\.[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,2048}", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// Secrets in assignments (gitleaks' generic "identifier + assignment operator + value" rule): a name containing
/// password, secret, token, api key, credential… then <c>=</c>, <c>:</c>, <c>:=</c> or <c>=&gt;</c>, then a value of
/// 12–200 token characters. The value must look random (letters and digits, Shannon entropy at least
/// <see cref="MinEntropy"/> bits per character, or a long value at <see cref="MinEntropyLettersOnly"/>) and not be a
/// placeholder. The hit is the value alone, so redaction keeps the name.
/// </summary>
internal sealed partial class GenericSecretDetector : Detector
{
    /// <summary>gitleaks' generic-api-key rule uses 3.5; random base62 of 16+ characters scores above 3.8.</summary>
    private const double MinEntropy = 3.0;
    private const double MinEntropyLettersOnly = 4.0;

    private static readonly SearchValues<string> Names = SearchValues.Create(
        ["key", "secret", "token", "passw", "pwd", "credential"], StringComparison.OrdinalIgnoreCase);

    public override string Type => DetectorTypes.GenericSecret;
    public override Confidence Confidence => Confidence.Low;
    public override int Priority => 40;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAny(Names);

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        ReadOnlySpan<char> match = text.Slice(start, length);
        // The value is the trailing run of value characters (the regex ends with it); '=' only as base64 padding.
        int end = match.Length;
        int valueEnd = end;
        while (valueEnd > 0 && match[valueEnd - 1] == '=')
        {
            valueEnd--;
        }
        int valueStart = valueEnd;
        while (valueStart > 0 && IsValueChar(match[valueStart - 1]))
        {
            valueStart--;
        }
        hit = new Candidate(start + valueStart, end - valueStart);
        ReadOnlySpan<char> value = match[valueStart..valueEnd];
        if (value.Length < 12 || TextShape.IsPlaceholder(value))
        {
            return false;
        }
        if (start + length < text.Length && IsValueChar(text[start + length]))
        {
            return false; // value longer than the bound: something else (a blob), not a credential
        }
        double entropy = TextShape.ShannonEntropy(value);
        bool letters = value.ContainsAnyInRange('a', 'z') || value.ContainsAnyInRange('A', 'Z');
        bool digits = value.ContainsAnyInRange('0', '9');
        return letters && digits ? entropy >= MinEntropy : entropy >= MinEntropyLettersOnly && value.Length >= 20;
    }

    private static bool IsValueChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '+' or '/' or '.' or '~';

    [GeneratedRegex(
        @"(?:api[_.-]?key|secret|token|passw(?:or)?d|pwd|credentials?|auth[_.-]?key|access[_.-]?key|private[_.-]?key)[A-Za-z0-9_.-]{0,20}[""']?[ \t]{0,3}(?::=|=>|=|:)[ \t]{0,3}[""'`]?[A-Za-z0-9_+/.~-]{12,200}={0,3}",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}
