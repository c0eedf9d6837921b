using System.Text.RegularExpressions;

namespace Lantern.Gateway.Classification.Detectors;

/// <summary>
/// Payment card numbers (PAN): 12–19 digits, optionally grouped by one kind of separator (space or hyphen), an
/// issuer prefix (IIN) of a real scheme with a length that scheme issues, and a valid Luhn check digit.
/// </summary>
internal sealed partial class PaymentCardDetector : Detector
{
    public override string Type => DetectorTypes.PaymentCard;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 80;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAnyInRange('0', '9');

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> match = text.Slice(start, length);
        Span<char> digits = stackalloc char[length];
        int n = TextShape.Digits(match, digits);
        digits = digits[..n];
        return n is >= 12 and <= 19
            && TextShape.HasConsistentSeparators(match)
            && TextShape.IsIsolatedNumber(text, start, start + length)
            && !AllSame(digits)
            && IssuerAcceptsLength(digits)
            && Checksums.Luhn(digits);
    }

    private static bool AllSame(ReadOnlySpan<char> digits) => !digits[1..].ContainsAnyExcept(digits[0]);

    /// <summary>
    /// IIN ranges and PAN lengths of the card schemes (ISO/IEC 7812-1; scheme rules as published by Visa,
    /// Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro). Order numbers and ids that happen to pass Luhn
    /// mostly start with 1, 7, 8, 9 or 0, which no scheme issues.
    /// </summary>
    internal static bool IssuerAcceptsLength(ReadOnlySpan<char> pan)
    {
        int length = pan.Length;
        int two = ((pan[0] - '0') * 10) + (pan[1] - '0');
        int four = (two * 100) + ((pan[2] - '0') * 10) + (pan[3] - '0');
        int three = four / 10;
        return pan[0] switch
        {
            '4' => length is 13 or 16 or 19,                                        // Visa
            '2' => four is >= 2221 and <= 2720 && length == 16,                      // Mastercard 2-series
            '5' => two is >= 51 and <= 55 ? length == 16 : length is >= 12 and <= 19, // Mastercard; Maestro 50, 56–59
            '3' => two is 34 or 37 ? length == 15                                   // Amex
                : (three is >= 300 and <= 305 || two is 36 or 38 or 39) ? length is >= 14 and <= 19 // Diners
                : four is >= 3528 and <= 3589 && length is >= 16 and <= 19,          // JCB
            '6' => length is >= 12 and <= 19,                                        // Discover, UnionPay, Maestro
            _ => false,
        };
    }

    // 12–19 digits with at most one separator between digits; anchored on word boundaries so a longer digit run
    // never yields a card from its middle.
    [GeneratedRegex(@"\b(?:\d[ -]?){11,18}\d\b", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// IBAN (ISO 13616): country code, two check digits, BBAN; spaces allowed between characters. The country must be
/// in the IBAN registry, the length must be that country's, and the MOD 97-10 check must give 1.
/// </summary>
internal sealed partial class IbanDetector : Detector
{
    public override string Type => DetectorTypes.Iban;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 80;
    protected override Regex Pattern => Candidates();

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = default;
        if (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
        {
            return false;
        }
        ReadOnlySpan<char> match = text.Slice(start, length);
        if (!IbanRegistry.ByCountry.TryGetValue(match[..2], out int expected))
        {
            return false;
        }
        // Take exactly the country's length: the regex may have run on into following words or numbers.
        Span<char> compact = stackalloc char[IbanRegistry.MaxLength];
        int n = 0;
        int end = 0;
        for (int i = 0; i < match.Length && n < expected; i++)
        {
            if (match[i] != ' ')
            {
                compact[n++] = match[i];
                end = i + 1;
            }
        }
        if (n != expected)
        {
            return false;
        }
        int absoluteEnd = start + end;
        if (absoluteEnd < text.Length && char.IsAsciiLetterOrDigit(text[absoluteEnd]))
        {
            return false;
        }
        hit = new Candidate(start, end);
        return Checksums.IbanMod97(compact[..n]);
    }

    // Upper-case only, as banks print them; 15 (Norway) to 34 characters.
    [GeneratedRegex(@"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}
