using System.Text.RegularExpressions;

namespace Lantern.Gateway.Classification.Detectors;

/// <summary>
/// US Social Security Number written AAA-GG-SSSS (hyphens or spaces). Rules of the SSA (since the 2011
/// randomisation): area not 000, 666 or 900–999; group not 00; serial not 0000. Numbers the SSA voided after they
/// appeared in advertising (078-05-1120, 219-09-9999) and the textbook 123-45-6789 are placeholders. Nine digits
/// without separators are not matched: too many other numbers look like that.
/// </summary>
internal sealed partial class UsSsnDetector : Detector
{
    public override string Type => DetectorTypes.UsSsn;
    public override Confidence Confidence => Confidence.Medium;
    public override int Priority => 75;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAnyInRange('0', '9');

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> match = text.Slice(start, length);
        if (!TextShape.HasConsistentSeparators(match) || !TextShape.IsIsolatedNumber(text, start, start + length))
        {
            return false;
        }
        int area = int.Parse(match[..3], provider: System.Globalization.CultureInfo.InvariantCulture);
        ReadOnlySpan<char> group = match.Slice(4, 2);
        ReadOnlySpan<char> serial = match.Slice(7, 4);
        if (area is 0 or 666 or >= 900 || group.SequenceEqual("00") || serial.SequenceEqual("0000"))
        {
            return false;
        }
        Span<char> digits = stackalloc char[9];
        TextShape.Digits(match, digits);
        return !digits.SequenceEqual("078051120") && !digits.SequenceEqual("219099999") && !digits.SequenceEqual("123456789");
    }

    [GeneratedRegex(@"\b[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}\b", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// UK National Insurance number: two prefix letters, six digits, suffix A–D (HMRC NIM39110). The first letter is
/// not D, F, I, Q, U or V; the second not D, F, I, O, Q, U or V; the prefixes BG, GB, KN, NK, NT, TN and ZZ are never
/// issued (ZZ and QQ appear in examples).
/// </summary>
internal sealed partial class UkNinoDetector : Detector
{
    public override string Type => DetectorTypes.UkNino;
    public override Confidence Confidence => Confidence.Medium;
    public override int Priority => 75;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAnyInRange('0', '9');

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        char first = char.ToUpperInvariant(text[start]);
        char second = char.ToUpperInvariant(text[start + 1]);
        if (first is 'D' or 'F' or 'I' or 'Q' or 'U' or 'V' || second is 'D' or 'F' or 'I' or 'O' or 'Q' or 'U' or 'V')
        {
            return false;
        }
        ReadOnlySpan<char> prefix = [first, second];
        return prefix is not ("BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ");
    }

    [GeneratedRegex(@"\b[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// German tax identification number (Steuer-ID, § 139b AO): 11 digits, written together or as "12 345 678 901";
/// first digit not 0, the digit-repetition rule and the ISO 7064 MOD 11,10 check digit (<see cref="Checksums.SteuerId"/>).
/// </summary>
internal sealed partial class DeTaxIdDetector : Detector
{
    public override string Type => DetectorTypes.DeTaxId;
    public override Confidence Confidence => Confidence.Medium;
    public override int Priority => 70;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAnyInRange('0', '9');

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> match = text.Slice(start, length);
        // Either no spaces or the official 2-3-3-3 grouping, not a mix.
        if (length is not (11 or 14) || !TextShape.IsIsolatedNumber(text, start, start + length))
        {
            return false;
        }
        Span<char> digits = stackalloc char[11];
        return TextShape.Digits(match, digits) == 11 && Checksums.SteuerId(digits);
    }

    [GeneratedRegex(@"\b[1-9][0-9] ?[0-9]{3} ?[0-9]{3} ?[0-9]{3}\b", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// UK NHS number: 10 digits, usually printed 3-3-4, with the mod 11 check digit (NHS Data Dictionary). Ten digits
/// without separators are only taken after the word "NHS" (within <see cref="ContextWindow"/> characters), because
/// Unix timestamps and many ids are ten-digit runs that pass mod 11 one time in eleven.
/// </summary>
internal sealed partial class UkNhsDetector : Detector
{
    private const int ContextWindow = 40;

    public override string Type => DetectorTypes.UkNhs;
    public override Confidence Confidence => Confidence.Medium;
    public override int Priority => 70;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAnyInRange('0', '9');

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> match = text.Slice(start, length);
        if (!TextShape.HasConsistentSeparators(match) || !TextShape.IsIsolatedNumber(text, start, start + length))
        {
            return false;
        }
        if (length == 10)
        {
            int from = Math.Max(0, start - ContextWindow);
            if (!text[from..start].Contains("NHS", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        else if (length != 12)
        {
            return false; // one separator only (3-3 or 6-4 grouping): not an NHS number layout
        }
        Span<char> digits = stackalloc char[10];
        return TextShape.Digits(match, digits) == 10
            && digits[1..].ContainsAnyExcept(digits[0]) // 000 000 0000 and friends pass mod 11 but are never issued
            && Checksums.NhsNumber(digits);
    }

    [GeneratedRegex(@"\b[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}\b", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}
