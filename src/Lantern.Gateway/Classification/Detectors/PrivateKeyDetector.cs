using System.Text.RegularExpressions;

namespace Lantern.Gateway.Classification.Detectors;

/// <summary>
/// PEM private key blocks (RFC 7468 §10–11: <c>PRIVATE KEY</c>, <c>ENCRYPTED PRIVATE KEY</c>; OpenSSL's
/// <c>RSA</c>/<c>EC</c>/<c>DSA</c>; <c>OPENSSH PRIVATE KEY</c>; <c>PGP PRIVATE KEY BLOCK</c>). The hit runs from the
/// BEGIN line to the matching END line when one follows within <see cref="MaxBlockChars"/>, else over the base64
/// body that follows, so redaction removes the key material and not just its label.
/// </summary>
internal sealed partial class PrivateKeyDetector : Detector
{
    /// <summary>An RSA-16384 key in PEM is about 12 KiB; 64 KiB covers every real key with room for headers.</summary>
    private const int MaxBlockChars = 64 * 1024;

    public override string Type => DetectorTypes.PrivateKey;
    public override Confidence Confidence => Confidence.High;
    public override int Priority => 100;
    protected override Regex Pattern => Header();

    public override bool MayContain(ReadOnlySpan<char> text) => text.Contains("PRIVATE KEY", StringComparison.Ordinal);

    public override void Scan(ReadOnlySpan<char> text, List<Candidate> found)
    {
        // The next "-----END" at or after a position, found once and reused while it is still ahead: a text of many
        // BEGIN lines without END lines must not search the same megabyte once per header.
        int nextEnd = -2;
        int position = 0;
        while (position < text.Length)
        {
            Regex.ValueMatchEnumerator matches = Header().EnumerateMatches(text, position);
            if (!matches.MoveNext())
            {
                return;
            }
            ValueMatch header = matches.Current;
            int bodyStart = header.Index + header.Length;
            if (nextEnd != -1 && nextEnd < bodyStart)
            {
                int relative = text[bodyStart..].IndexOf("-----END", StringComparison.Ordinal);
                nextEnd = relative < 0 ? -1 : bodyStart + relative;
            }
            int end;
            if (nextEnd >= 0 && nextEnd - bodyStart <= MaxBlockChars && EndLineLength(text[nextEnd..]) is int endLine and > 0)
            {
                end = nextEnd + endLine;
            }
            else
            {
                end = bodyStart;
                int limit = Math.Min(text.Length, bodyStart + MaxBlockChars);
                // Stop at the next "-----" (another BEGIN, or an END line of another kind).
                while (end < limit && IsBodyChar(text[end]) && !text[end..].StartsWith("-----", StringComparison.Ordinal))
                {
                    end++;
                }
            }
            found.Add(new Candidate(header.Index, end - header.Index));
            position = end;
        }
    }

    protected override bool Validate(ReadOnlySpan<char> text, int start, int length, out Candidate hit)
    {
        hit = new Candidate(start, length);
        return true;
    }

    /// <summary>Length of "-----END … PRIVATE KEY-----" (or "… BLOCK-----") at the start of <paramref name="text"/>, or 0.</summary>
    private static int EndLineLength(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> line = text[..Math.Min(text.Length, 80)];
        int close = line[8..].IndexOf("-----", StringComparison.Ordinal);
        if (close < 0)
        {
            return 0;
        }
        ReadOnlySpan<char> label = line[8..(8 + close)];
        return label.EndsWith("PRIVATE KEY", StringComparison.Ordinal) || label.EndsWith("PRIVATE KEY BLOCK", StringComparison.Ordinal)
            ? 8 + close + 5
            : 0;
    }

    private static bool IsBodyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '\r' or '\n' or ' ' or '\t' or ':' or ',' or '-';

    [GeneratedRegex(@"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----", RegexOptions.None, MatchTimeoutMilliseconds)]
    private static partial Regex Header();
}
