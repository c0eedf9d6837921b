using System.Buffers;
using System.Globalization;

namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// Lexical rules for policy values: digests, ids, source locators and patterns, licence ids, versions.
/// Each check returns null when the value is well-formed, or the reason it is not.
/// </summary>
internal static class PolicySyntax
{
    public const string DigestPrefix = "sha256:";
    private const int Sha256HexLength = 64;

    // Longest locator or pattern: a host (≤ 253, RFC 1035 §2.3.4) plus an org/repo path; hub repo ids are far shorter.
    // The evaluator's matcher refuses longer patterns, so the loader must never let one through.
    private const int MaxLocatorLength = Evaluation.SourceLocator.MaxPatternLength;

    // Characters that have no place in a host/path locator and would be taken for other glob syntax
    // (?, [], {}) or break out of quoting in reports.
    private static readonly SearchValues<char> LocatorForbidden = SearchValues.Create("\\?[]{}#\"<>|^`'");

    private static readonly SearchValues<char> LicenseIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-+_");

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly SearchValues<char> VersionCoreChars = SearchValues.Create("0123456789.");

    private static readonly SearchValues<char> RuntimeIdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789.-_");

    /// <summary>Parses <c>sha256:&lt;64 hex&gt;</c> into lowercase hex, or says why it cannot.</summary>
    public static string? ParseDigest(string value, out string hex)
    {
        hex = "";
        if (!value.StartsWith(DigestPrefix, StringComparison.Ordinal))
        {
            return value.Length == Sha256HexLength && value.AsSpan().IndexOfAnyExcept(HexDigits) < 0
                ? $"'{Clip(value)}' needs its algorithm: write 'sha256:{Clip(value)}'"
                : $"'{Clip(value)}' is not a pinned digest: expected 'sha256:' followed by 64 hex digits";
        }
        ReadOnlySpan<char> digits = value.AsSpan(DigestPrefix.Length);
        if (digits.Length != Sha256HexLength || digits.IndexOfAnyExcept(HexDigits) >= 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"'{Clip(value)}' is not a pinned digest: expected 'sha256:' followed by 64 hex digits (found {digits.Length} characters{(digits.IndexOfAnyExcept(HexDigits) < 0 ? "" : ", not all hex")})");
        }
        hex = digits.ToString().ToLowerInvariant();
        return null;
    }

    /// <summary>Use-case and group ids: one word, so they can be written in lists and command lines.</summary>
    public static string? CheckId(string value)
    {
        if (value.Length == 0)
        {
            return "must not be empty";
        }
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                return $"'{Clip(value)}' must be one word without spaces (for example 'code-assist')";
            }
        }
        return null;
    }

    /// <summary>Runtime detector ids are lowercase: <c>ollama</c>, <c>lmstudio</c>, <c>llama.cpp</c>.</summary>
    public static string? CheckRuntimeId(string value) =>
        value.Length > 0 && value.AsSpan().IndexOfAnyExcept(RuntimeIdChars) < 0
            ? null
            : $"'{Clip(value)}' is not a runtime id: use the lowercase detector id (ollama, lmstudio, llama.cpp, huggingface…)";

    /// <summary>A single licence id (SPDX or hub model-licence id) as the licence lists hold them.</summary>
    public static string? CheckLicenseId(string value) =>
        value.Length is > 0 and <= 128 && value.AsSpan().IndexOfAnyExcept(LicenseIdChars) < 0
            ? null
            : $"'{Clip(value)}' is not a licence id: list one SPDX or model-licence id per entry (letters, digits, '.', '-', '+', '_'), e.g. Apache-2.0, llama3.2";

    /// <summary>Versions compared by the evaluator: dotted numbers with an optional pre-release or build suffix.</summary>
    public static string? CheckVersion(string value)
    {
        ReadOnlySpan<char> span = value.AsSpan();
        if (span.Length > 0 && (span[0] == 'v' || span[0] == 'V'))
        {
            span = span[1..];
        }
        int suffix = span.IndexOfAny('-', '+');
        ReadOnlySpan<char> core = suffix < 0 ? span : span[..suffix];
        if (core.Length == 0 || core[0] == '.' || core[^1] == '.' || core.Contains("..", StringComparison.Ordinal) || core.IndexOfAnyExcept(VersionCoreChars) >= 0)
        {
            return $"'{Clip(value)}' is not a version: expected dotted numbers such as 0.12.0";
        }
        return null;
    }

    /// <summary>
    /// A source locator (<c>registry.ollama.ai/library/llama3.2</c>) or, with <paramref name="allowGlob"/>,
    /// a pattern over them (<c>huggingface.co/meta-llama/*</c>): <c>host/path</c>, no scheme, no empty
    /// segments; in patterns <c>*</c> stays inside a segment and <c>**</c> is a whole segment (docs/policy.md).
    /// </summary>
    public static string? CheckLocator(string value, bool allowGlob)
    {
        string what = allowGlob ? "source pattern" : "source locator";
        if (value.Length == 0)
        {
            return "must not be empty";
        }
        if (value.Length > MaxLocatorLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{what} is longer than {MaxLocatorLength} characters");
        }
        int scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            return $"'{Clip(value)}': write {what}s without a scheme, as host/path: '{Clip(value[(scheme + 3)..])}'";
        }
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"'{Clip(value)}': a {what} has no spaces or control characters";
            }
        }
        int bad = value.AsSpan().IndexOfAny(LocatorForbidden);
        if (bad >= 0)
        {
            return $"'{Clip(value)}': '{value[bad]}' is not allowed in a {what}{(allowGlob ? " (only * and ** are wildcards)" : "")}";
        }
        if (value[0] == '/')
        {
            return $"'{Clip(value)}': a {what} starts with the host (huggingface.co/…, registry.ollama.ai/…), not '/'";
        }
        string[] segments = value.Split('/');
        if (segments.Length < 2 && !(allowGlob && value == "**"))
        {
            return $"'{Clip(value)}': a {what} is host/path, e.g. huggingface.co/meta-llama/{(allowGlob ? "*" : "Llama-3.2-1B")}";
        }
        foreach (string segment in segments)
        {
            if (segment.Length == 0)
            {
                return $"'{Clip(value)}': empty path segment ('//' or a trailing '/')";
            }
            if (!allowGlob && segment.Contains('*', StringComparison.Ordinal))
            {
                return $"'{Clip(value)}': a model's source is one locator; wildcards belong in sources.allow / sources.deny";
            }
            if (segment.Contains("**", StringComparison.Ordinal) && segment != "**")
            {
                return $"'{Clip(value)}': '**' must be a whole path segment (a/**/b); use '*' inside a segment";
            }
            if (segment is "." or "..")
            {
                return $"'{Clip(value)}': '.' and '..' segments are not allowed";
            }
        }
        return null;
    }

    /// <summary>
    /// Text may not carry control characters (terminal escape sequences in <c>lantern policy check</c> output)
    /// or bidirectional overrides ("Trojan Source", CVE-2021-42574) that make a rendered policy read differently
    /// from the file. Line breaks only where <paramref name="multiline"/>.
    /// </summary>
    public static string? CheckText(string value, bool multiline)
    {
        foreach (char c in value)
        {
            if ((c is '\n' or '\r' or '\t') && multiline)
            {
                continue;
            }
            if (c is '\n' or '\r')
            {
                return "must be a single line";
            }
            if (char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return string.Create(CultureInfo.InvariantCulture, $"contains the control or bidirectional-override character U+{(int)c:X4}");
            }
        }
        return null;
    }

    /// <summary>Echoes of hostile values stay short and printable in messages.</summary>
    public static string Clip(string value)
    {
        string shown = value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 77), "...");
        return string.Create(shown.Length, shown, static (span, text) =>
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                span[i] = char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') ? '?' : c;
            }
        });
    }
}
