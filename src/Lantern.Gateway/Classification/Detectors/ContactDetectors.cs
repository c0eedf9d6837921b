using System.Text.RegularExpressions;

namespace Lantern.Gateway.Classification.Detectors;

/// <summary>
/// E-mail addresses: the practical subset of RFC 5322 addr-spec that people type (dot-atom local part of at most
/// 64 characters, RFC 5321 §4.5.3.1.1; host labels of 1–63 characters, RFC 1035; an alphabetic TLD). Reserved
/// example domains (RFC 2606: example.*, *.example, *.test, *.invalid, *.localhost) are placeholders; image names
/// such as <c>icon@2x.png</c> and <c>git@github.com</c> SSH remotes are not addresses of people.
/// </summary>
internal sealed partial class EmailDetector : Detector
{
    public override string Type => DetectorTypes.Email;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 60;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.Contains('@');

    /// <summary>RFC 5321 §4.5.3.1.1: a local part has at most 64 octets.</summary>
    private const int MaxLocalPart = 64;

    /// <summary>
    /// The pattern starts at the '@' (a vectorised search for one character) and matches the domain; the local part is
    /// walked backwards here, at most <see cref="MaxLocalPart"/> characters. A pattern that began with the local part
    /// would start a match attempt at every letter of the text.
    /// </summary>
    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = default;
        int localStart = start;
        while (localStart > 0 && start - localStart < MaxLocalPart + 1 && IsLocalChar(text[localStart - 1]))
        {
            localStart--;
        }
        if (start - localStart > MaxLocalPart)
        {
            return false; // local part longer than 64 characters: not an address
        }
        // An address never starts with a dot ("….lead@corp.com" is lead@corp.com).
        while (localStart < start && text[localStart] == '.')
        {
            localStart++;
        }
        ReadOnlySpan<char> local = text[localStart..start];
        if (local.IsEmpty || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal) || local.SequenceEqual("git"))
        {
            return false;
        }
        ReadOnlySpan<char> domain = text.Slice(start + 1, length - 1);
        int lastDot = domain.LastIndexOf('.');
        ReadOnlySpan<char> tld = domain[(lastDot + 1)..];
        if (tld.Equals("png", StringComparison.OrdinalIgnoreCase) || tld.Equals("jpg", StringComparison.OrdinalIgnoreCase)
            || tld.Equals("jpeg", StringComparison.OrdinalIgnoreCase) || tld.Equals("gif", StringComparison.OrdinalIgnoreCase)
            || tld.Equals("svg", StringComparison.OrdinalIgnoreCase) || tld.Equals("webp", StringComparison.OrdinalIgnoreCase)
            || IsReservedDomain(domain))
        {
            return false;
        }
        hit = new Candidate(localStart, start + length - localStart);
        return true;
    }

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    internal static bool IsReservedDomain(ReadOnlySpan<char> domain)
    {
        int dot = domain.IndexOf('.');
        ReadOnlySpan<char> secondLevel = dot < 0 ? domain : domain[..dot];
        ReadOnlySpan<char> tld = domain[(domain.LastIndexOf('.') + 1)..];
        return (secondLevel.Equals("example", StringComparison.OrdinalIgnoreCase) && domain.Count('.') == 1)
            || domain.EndsWith(".example.com", StringComparison.OrdinalIgnoreCase)
            || domain.EndsWith(".example.org", StringComparison.OrdinalIgnoreCase)
            || domain.EndsWith(".example.net", StringComparison.OrdinalIgnoreCase)
            || tld.Equals("example", StringComparison.OrdinalIgnoreCase)
            || tld.Equals("test", StringComparison.OrdinalIgnoreCase)
            || tld.Equals("invalid", StringComparison.OrdinalIgnoreCase)
            || tld.Equals("localhost", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(
        @"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}\b",
        RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}

/// <summary>
/// Phone numbers: international E.164 (<c>+</c>, country code, 8–15 digits in all, ITU-T E.164 §6), North American
/// (NANP: area and exchange codes start 2–9, 3-3-4 with separators) and European national numbers with trunk 0 and
/// a separator after the area code (9–12 digits). Low confidence: any grouped digits could be a phone number, so
/// dates (dd.mm.yyyy), digit runs that continue into other numbers and ungrouped runs are refused.
/// </summary>
internal sealed partial class PhoneDetector : Detector
{
    public override string Type => DetectorTypes.Phone;
    public override Confidence Confidence => Confidence.Low;
    public override int Priority => 20;
    protected override Regex Pattern => Candidates();

    public override bool MayContain(ReadOnlySpan<char> text) => text.ContainsAnyInRange('0', '9');

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        ReadOnlySpan<char> number = text.Slice(start, length);
        if (!TextShape.IsIsolatedNumber(text, start, start + length))
        {
            return false;
        }
        if (number[0] != '+' && start > 0 && text[start - 1] == '+')
        {
            return false;
        }
        int digits = 0;
        int open = 0;
        foreach (char c in number)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
            open += c == '(' ? 1 : c == ')' ? -1 : 0;
        }
        if (open != 0)
        {
            return false;
        }
        return number[0] switch
        {
            '+' => digits is >= 8 and <= 15,
            '0' => digits is >= 9 and <= 12 && !LooksLikeDate(number),
            _ => digits == 10,
        };
    }

    /// <summary>dd.mm.yyyy, dd/mm/yyyy or dd-mm-yyyy at the start: "05.06.2024 12" is a date and an hour.</summary>
    private static bool LooksLikeDate(ReadOnlySpan<char> number) =>
        number.Length >= 10 && (number[2] is '.' or '/' or '-') && number[5] == number[2]
        && char.IsAsciiDigit(number[3]) && char.IsAsciiDigit(number[4])
        && !number.Slice(6, 4).ContainsAnyExceptInRange('0', '9')
        && (number.Length == 10 || !char.IsAsciiDigit(number[10]));

    [GeneratedRegex(
        @"\+[1-9][0-9]{0,2}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{1,8}(?:[ .-][0-9]{1,8}){0,5}"
        + @"|\(?\b[2-9][0-9]{2}\)?[ .-]?[2-9][0-9]{2}[ .-][0-9]{4}\b"
        + @"|\b0[1-9][0-9]{0,4}[ /.-][0-9]{2,8}(?:[ .-][0-9]{2,6}){0,3}\b",
        RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Candidates();
}
