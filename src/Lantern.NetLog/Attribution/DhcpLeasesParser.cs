using System.Globalization;
using System.Text;

namespace Lantern.NetLog.Attribution;

/// <summary>
/// ISC dhcpd.leases (dhcpd.leases(5)): <c>lease 10.0.0.15 { starts 4 2026/01/01 10:00:00; ends …;
/// hardware ethernet …; client-hostname "laptop-17"; }</c>. Times are UTC (<c>W YYYY/MM/DD HH:MM:SS</c>),
/// or <c>epoch N</c> under <c>db-time-format local</c>; <c>ends never</c> is open. A flat tokenizer and a
/// depth counter (no recursion) read it; other declarations (<c>host</c>, <c>failover peer</c>,
/// <c>server-duid</c>) are skipped. Leases in state free, backup or abandoned name no client and are dropped.
/// </summary>
internal static class DhcpLeasesParser
{
    /// <summary>Longest token (a hostname or uid string is far shorter; 4 KiB bounds a crafted one).</summary>
    internal const int MaxTokenChars = 4096;

    /// <summary>Block nesting accepted; real files nest one or two deep.</summary>
    internal const int MaxDepth = 16;

    /// <summary>Tokens per statement; real statements have fewer than ten.</summary>
    internal const int MaxStatementTokens = 64;

    /// <summary>Leases accepted (a leases file holds every renewal; this bounds a crafted one).</summary>
    internal const int MaxLeases = 5_000_000;

    public static IEnumerable<AttributionEntry> Parse(TextReader reader, string inputName)
    {
        var tokenizer = new Tokenizer(reader, inputName);
        var statement = new List<string>();
        int depth = 0;
        int leaseDepth = -1;
        int leases = 0;
        LeaseBuilder? lease = null;
        while (tokenizer.Next() is { } token)
        {
            if (token.Kind == TokenKind.Word)
            {
                if (statement.Count == MaxStatementTokens)
                {
                    throw new AttributionFileException(inputName, token.Line, $"statement longer than {MaxStatementTokens} tokens");
                }
                statement.Add(token.Text);
                continue;
            }
            if (token.Kind == TokenKind.Semicolon)
            {
                if (lease is not null && depth == leaseDepth + 1)
                {
                    lease.Apply(statement, inputName, token.Line);
                }
                statement.Clear();
                continue;
            }
            if (token.Kind == TokenKind.Open)
            {
                if (depth == MaxDepth)
                {
                    throw new AttributionFileException(inputName, token.Line, $"blocks nested deeper than {MaxDepth}");
                }
                if (depth == 0 && statement.Count == 2 && statement[0] == "lease")
                {
                    if (AttributionTable.NormaliseIp(statement[1]) is not { } ip)
                    {
                        throw new AttributionFileException(inputName, token.Line, $"'{Clip(statement[1])}' is not an IP address");
                    }
                    lease = new LeaseBuilder(ip, token.Line);
                    leaseDepth = depth;
                }
                depth++;
                statement.Clear();
                continue;
            }
            // Close
            if (depth == 0)
            {
                throw new AttributionFileException(inputName, token.Line, "'}' without a block to close");
            }
            depth--;
            statement.Clear();
            if (lease is not null && depth == leaseDepth)
            {
                if (lease.ToEntry(inputName) is { } entry)
                {
                    if (++leases > MaxLeases)
                    {
                        throw new AttributionFileException(inputName, token.Line, $"more than {MaxLeases} leases");
                    }
                    yield return entry;
                }
                lease = null;
                leaseDepth = -1;
            }
        }
        if (depth != 0)
        {
            throw new AttributionFileException(inputName, tokenizer.Line, lease is not null
                ? $"lease starting on line {lease.Line} is not closed (truncated file?)"
                : "a block is not closed (truncated file?)");
        }
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private sealed class LeaseBuilder(string ip, long line)
    {
        private DateTimeOffset? _starts;
        private DateTimeOffset? _ends;
        private string? _hostname;
        private string? _state;

        public long Line => line;

        public void Apply(List<string> s, string input, long lineNumber)
        {
            if (s.Count == 0)
            {
                return;
            }
            switch (s[0])
            {
                case "starts":
                    _starts = ParseTime(s, input, lineNumber) ?? throw new AttributionFileException(input, lineNumber, "'starts never' is not a lease start");
                    break;
                case "ends":
                    _ends = ParseTime(s, input, lineNumber);
                    break;
                case "client-hostname" when s.Count >= 2:
                    _hostname = s[1].Length == 0 ? null : s[1];
                    break;
                case "binding" when s.Count >= 3 && s[1] == "state":
                    _state = s[2];
                    break;
                default:
                    break;
            }
        }

        public AttributionEntry? ToEntry(string input)
        {
            if (_starts is null || _state is "free" or "backup" or "abandoned")
            {
                return null;
            }
            // A lease whose end precedes its start says nothing about any moment.
            if (_ends is not null && _ends.Value <= _starts.Value)
            {
                return null;
            }
            return new AttributionEntry(ip, _hostname, null, _starts.Value, _ends, $"{input}:{line}");
        }

        /// <summary><c>W YYYY/MM/DD HH:MM:SS</c> (UTC), <c>epoch N</c>, or <c>never</c> (null).</summary>
        private static DateTimeOffset? ParseTime(List<string> s, string input, long lineNumber)
        {
            if (s.Count == 2 && s[1] == "never")
            {
                return null;
            }
            if (s.Count == 3 && s[1] == "epoch" && long.TryParse(s[2], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                && seconds <= 253_402_300_799)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
            if (s.Count == 4 && s[1].Length == 1 && char.IsAsciiDigit(s[1][0])
                && DateTime.TryParseExact($"{s[2]} {s[3]}", "yyyy/M/d H:m:s", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime utc))
            {
                return new DateTimeOffset(utc, TimeSpan.Zero);
            }
            throw new AttributionFileException(input, lineNumber, $"'{Clip(string.Join(' ', s))}' is not a lease time (W YYYY/MM/DD HH:MM:SS, epoch N, or never)");
        }
    }

    private enum TokenKind
    {
        Word,
        Open,
        Close,
        Semicolon,
    }

    private readonly record struct Token(TokenKind Kind, string Text, long Line);

    /// <summary>Words, quoted strings (as words, unquoted), <c>{ } ;</c>; <c>#</c> comments to end of line.</summary>
    private sealed class Tokenizer(TextReader reader, string input)
    {
        private readonly StringBuilder _text = new();

        public long Line { get; private set; } = 1;

        public Token? Next()
        {
            while (true)
            {
                int c = reader.Read();
                switch (c)
                {
                    case < 0:
                        return null;
                    case '\n':
                        Line++;
                        continue;
                    case ' ' or '\t' or '\r' or '\f' or '\v':
                        continue;
                    case '#':
                        while (reader.Peek() is >= 0 and not '\n')
                        {
                            reader.Read();
                        }
                        continue;
                    case '{':
                        return new Token(TokenKind.Open, "{", Line);
                    case '}':
                        return new Token(TokenKind.Close, "}", Line);
                    case ';':
                        return new Token(TokenKind.Semicolon, ";", Line);
                    case '"':
                        return QuotedString();
                    default:
                        return Word((char)c);
                }
            }
        }

        private Token QuotedString()
        {
            long start = Line;
            _text.Clear();
            while (true)
            {
                int c = reader.Read();
                if (c < 0)
                {
                    throw new AttributionFileException(input, start, "unterminated string");
                }
                if (c == '"')
                {
                    return new Token(TokenKind.Word, _text.ToString(), start);
                }
                if (c == '\\')
                {
                    c = reader.Read();
                    if (c < 0)
                    {
                        throw new AttributionFileException(input, start, "unterminated string");
                    }
                }
                if (c == '\n')
                {
                    Line++;
                }
                Append((char)c, start);
            }
        }

        private Token Word(char first)
        {
            _text.Clear();
            _text.Append(first);
            while (reader.Peek() is >= 0 and not (' ' or '\t' or '\r' or '\n' or '\f' or '\v' or '{' or '}' or ';' or '"' or '#'))
            {
                Append((char)reader.Read(), Line);
            }
            return new Token(TokenKind.Word, _text.ToString(), Line);
        }

        private void Append(char c, long line)
        {
            if (_text.Length == MaxTokenChars)
            {
                throw new AttributionFileException(input, line, $"token longer than {MaxTokenChars} characters");
            }
            _text.Append(c);
        }
    }
}
