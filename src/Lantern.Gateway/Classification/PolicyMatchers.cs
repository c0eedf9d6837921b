using System.Buffers;
using System.Text.RegularExpressions;
using Lantern.Gateway.Classification.Detectors;

namespace Lantern.Gateway.Classification;

/// <summary>One keyword term with the data class and rule it belongs to, as ranked by the classifier.</summary>
internal sealed record KeywordTerm(string Term, int ClassRank, string RuleName, bool CaseSensitive);

/// <summary>
/// The policy's keyword lists as one multi-string search (<see cref="SearchValues{T}"/> of strings: vectorised
/// Aho-Corasick/Teddy), one for case-insensitive and one for case-sensitive terms. A hit must be a whole word.
/// </summary>
internal sealed class KeywordMatcher
{
    /// <summary>Policies list markings and code names, not dictionaries; 10 000 terms keeps the searcher small.</summary>
    public const int MaxTerms = 10_000;

    /// <summary>Long enough for any marking or name; longer "terms" are sentences and belong in a pattern.</summary>
    public const int MaxTermLength = 256;

    private readonly Part? _ignoreCase;
    private readonly Part? _caseSensitive;

    public KeywordMatcher(IReadOnlyList<KeywordTerm> terms)
    {
        _ignoreCase = Part.Create(terms.Where(t => !t.CaseSensitive).ToList(), StringComparison.OrdinalIgnoreCase);
        _caseSensitive = Part.Create(terms.Where(t => t.CaseSensitive).ToList(), StringComparison.Ordinal);
    }

    public bool IsEmpty => _ignoreCase is null && _caseSensitive is null;

    public void Scan(ReadOnlySpan<char> text, List<(Candidate Hit, KeywordTerm Term)> found)
    {
        _ignoreCase?.Scan(text, found);
        _caseSensitive?.Scan(text, found);
    }

    private sealed class Part
    {
        private readonly SearchValues<string> _search;
        private readonly KeywordTerm[] _longestFirst;
        private readonly StringComparison _comparison;

        private Part(SearchValues<string> search, KeywordTerm[] longestFirst, StringComparison comparison)
        {
            _search = search;
            _longestFirst = longestFirst;
            _comparison = comparison;
        }

        public static Part? Create(List<KeywordTerm> terms, StringComparison comparison)
        {
            if (terms.Count == 0)
            {
                return null;
            }
            // The same term in two rules keeps the higher class.
            KeywordTerm[] unique = terms
                .GroupBy(t => t.Term, StringComparer.FromComparison(comparison))
                .Select(g => g.MaxBy(t => t.ClassRank)!)
                .OrderByDescending(t => t.Term.Length)
                .ToArray();
            return new Part(SearchValues.Create(unique.Select(t => t.Term).ToArray(), comparison), unique, comparison);
        }

        public void Scan(ReadOnlySpan<char> text, List<(Candidate Hit, KeywordTerm Term)> found)
        {
            int position = 0;
            while (position < text.Length)
            {
                int relative = text[position..].IndexOfAny(_search);
                if (relative < 0)
                {
                    return;
                }
                int at = position + relative;
                ReadOnlySpan<char> rest = text[at..];
                KeywordTerm? matched = null;
                foreach (KeywordTerm term in _longestFirst)
                {
                    if (rest.StartsWith(term.Term, _comparison) && IsWholeWord(text, at, at + term.Term.Length))
                    {
                        matched = term;
                        break;
                    }
                }
                if (matched is null)
                {
                    position = at + 1;
                    continue;
                }
                found.Add((new Candidate(at, matched.Term.Length), matched));
                position = at + matched.Term.Length;
            }
        }

        private static bool IsWholeWord(ReadOnlySpan<char> text, int start, int end) =>
            (start == 0 || !char.IsLetterOrDigit(text[start]) || !char.IsLetterOrDigit(text[start - 1]))
            && (end == text.Length || !char.IsLetterOrDigit(text[end - 1]) || !char.IsLetterOrDigit(text[end]));
    }
}

/// <summary>A policy regular expression compiled for linear-time matching.</summary>
internal sealed record CompiledPattern(string Name, int ClassRank, Regex Regex)
{
    /// <summary>Policy patterns are short; a longer one is a mistake or an attempt to blow up the automaton.</summary>
    public const int MaxPatternLength = 4096;

    /// <summary>NonBacktracking is linear in the input, so this only guards against pathological automata.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Compiles a policy pattern with <see cref="RegexOptions.NonBacktracking"/>, or says in <paramref name="error"/>
    /// why it cannot be used: syntax errors, constructs NonBacktracking cannot run (lookarounds, backreferences,
    /// atomic groups, conditionals), oversize patterns, or patterns that match the empty string.
    /// </summary>
    public static Regex? TryCompile(string pattern, bool ignoreCase, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(pattern))
        {
            error = "the pattern is empty";
            return null;
        }
        if (pattern.Length > MaxPatternLength)
        {
            error = $"the pattern is {pattern.Length} characters long; at most {MaxPatternLength} are allowed";
            return null;
        }
        RegexOptions options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture
            | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        Regex regex;
        try
        {
            regex = new Regex(pattern, options, MatchTimeout);
        }
        catch (NotSupportedException e)
        {
            error = $"the pattern uses a construct that cannot run in linear time (lookaround, backreference, atomic group or conditional): {e.Message}";
            return null;
        }
        catch (ArgumentException e)
        {
            error = $"the pattern does not compile: {e.Message}";
            return null;
        }
        try
        {
            if (regex.IsMatch(string.Empty))
            {
                error = "the pattern matches the empty string, so it would hit everywhere";
                return null;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            error = "the pattern timed out on the empty string";
            return null;
        }
        return regex;
    }
}
