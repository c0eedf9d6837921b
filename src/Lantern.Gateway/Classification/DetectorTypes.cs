namespace Lantern.Gateway.Classification;

/// <summary>
/// Stable type ids of the prompt data detectors. They appear in audit records (hit counts), in the
/// redaction marker <c>[REDACTED:&lt;type&gt;]</c> and in policy mappings, so they never change once shipped
/// (docs/data-classification.md lists each one).
/// </summary>
public static class DetectorTypes
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string PaymentCard = "payment-card";
    public const string Iban = "iban";
    public const string UsSsn = "us-ssn";
    public const string UkNino = "uk-nino";
    public const string DeTaxId = "de-tax-id";
    public const string UkNhs = "uk-nhs";
    public const string AwsAccessKey = "aws-access-key";
    public const string GitHubToken = "github-token";
    public const string SlackToken = "slack-token";
    public const string OpenAiKey = "openai-key";
    public const string AnthropicKey = "anthropic-key";
    public const string PrivateKey = "private-key";
    public const string Jwt = "jwt";
    public const string GenericSecret = "generic-secret";

    /// <summary>A hit of one of the policy's keyword lists.</summary>
    public const string Keyword = "keyword";

    /// <summary>A hit of one of the policy's regular expressions.</summary>
    public const string Pattern = "pattern";

    /// <summary>Every built-in detector id (not <see cref="Keyword"/> and <see cref="Pattern"/>, which the policy defines).</summary>
    public static IReadOnlyList<string> BuiltIn { get; } =
    [
        Email, Phone, PaymentCard, Iban, UsSsn, UkNino, DeTaxId, UkNhs,
        AwsAccessKey, GitHubToken, SlackToken, OpenAiKey, AnthropicKey, PrivateKey, Jwt, GenericSecret,
    ];
}
