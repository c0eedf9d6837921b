using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Lantern.Governance.Licenses;

/// <summary>
/// A simple SPDX licence expression (SPDX spec 2.3 Annex D): ids joined by <c>AND</c>, <c>OR</c>,
/// <c>WITH</c> and parentheses. Operators are matched case-sensitively, as the spec says, so prose
/// such as "Apache and MIT" is not mistaken for an expression. Parsed with an explicit operator
/// stack (shunting-yard): no recursion on nesting depth.
/// </summary>
internal sealed class SpdxExpression
{
    /// <summary>Real expressions are a handful of ids; these bounds keep crafted input cheap.</summary>
    internal const int MaxLength = 512;
    internal const int MaxTokens = 64;

    private readonly List<Token> _tokens;
    private readonly List<Token> _rpn;

    private SpdxExpression(List<Token> tokens, List<Token> rpn)
    {
        _tokens = tokens;
        _rpn = rpn;
    }

    /// <summary>True when the text has at least one operator and is well formed.</summary>
    public static bool LooksLikeExpression(string text) =>
        text.Contains(" OR ", StringComparison.Ordinal) || text.Contains(" AND ", StringComparison.Ordinal) || text.Contains(" WITH ", StringComparison.Ordinal);

    public static bool TryParse(string? text, [NotNullWhen(true)] out SpdxExpression? expression)
    {
        expression = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return false;
        }
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? Kind.Open : Kind.Close, c.ToString()));
                i++;
            }
            else
            {
                int start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '-' or '+' or ':'))
                {
                    i++;
                }
                if (i == start)
                {
                    return false;
                }
                string word = text[start..i];
                Kind kind = word switch
                {
                    "AND" => Kind.And,
                    "OR" => Kind.Or,
                    "WITH" => Kind.With,
                    _ => tokens.Count > 0 && tokens[^1].Kind == Kind.With ? Kind.Exception : Kind.Id,
                };
                tokens.Add(new Token(kind, word));
            }
            if (tokens.Count > MaxTokens)
            {
                return false;
            }
        }

        // Shunting-yard into reverse Polish notation; precedence WITH > AND > OR (Annex D.4).
        var output = new List<Token>();
        var operators = new Stack<Token>();
        foreach (Token t in tokens)
        {
            switch (t.Kind)
            {
                case Kind.Id:
                case Kind.Exception:
                    output.Add(t);
                    break;
                case Kind.Open:
                    operators.Push(t);
                    break;
                case Kind.Close:
                    while (operators.Count > 0 && operators.Peek().Kind != Kind.Open)
                    {
                        output.Add(operators.Pop());
                    }
                    if (operators.Count == 0)
                    {
                        return false;
                    }
                    operators.Pop();
                    break;
                default:
                    while (operators.Count > 0 && operators.Peek().Kind != Kind.Open && Precedence(operators.Peek().Kind) >= Precedence(t.Kind))
                    {
                        output.Add(operators.Pop());
                    }
                    operators.Push(t);
                    break;
            }
        }
        while (operators.Count > 0)
        {
            Token t = operators.Pop();
            if (t.Kind == Kind.Open)
            {
                return false;
            }
            output.Add(t);
        }
        // Check arity: every operator needs two operands, the whole must reduce to one value.
        int depth = 0;
        foreach (Token t in output)
        {
            depth += t.Kind is Kind.Id or Kind.Exception ? 1 : -1;
            if (depth < 1)
            {
                return false;
            }
        }
        if (depth != 1)
        {
            return false;
        }
        expression = new SpdxExpression(tokens, output);
        return true;
    }

    /// <summary>The licence ids (not exceptions) in the expression.</summary>
    public IEnumerable<string> Ids => _tokens.Where(t => t.Kind == Kind.Id).Select(t => t.Text);

    /// <summary>The expression with each id replaced by <paramref name="map"/>, operators uppercase, single spaces.</summary>
    public string Render(Func<string, string> map)
    {
        var sb = new StringBuilder();
        foreach (Token t in _tokens)
        {
            if (sb.Length > 0 && t.Kind != Kind.Close && sb[^1] != '(')
            {
                sb.Append(' ');
            }
            sb.Append(t.Kind == Kind.Id ? map(t.Text) : t.Text);
        }
        return sb.ToString();
    }

    /// <summary>Evaluates over a rank per id: AND → minimum, OR → maximum, WITH → the licence's rank.</summary>
    public int Evaluate(Func<string, int> rankOf)
    {
        var stack = new Stack<int>();
        foreach (Token t in _rpn)
        {
            switch (t.Kind)
            {
                case Kind.Id:
                    stack.Push(rankOf(t.Text));
                    break;
                case Kind.Exception:
                    stack.Push(int.MaxValue);
                    break;
                default:
                    int b = stack.Pop();
                    int a = stack.Pop();
                    stack.Push(t.Kind switch
                    {
                        Kind.Or => Math.Max(a, b),
                        Kind.And => Math.Min(a, b),
                        _ => a, // WITH: an exception only adds permissions; keep the licence's rank
                    });
                    break;
            }
        }
        return stack.Pop();
    }

    private static int Precedence(Kind kind) => kind switch
    {
        Kind.With => 3,
        Kind.And => 2,
        _ => 1,
    };

    private enum Kind
    {
        Id,
        Exception,
        And,
        Or,
        With,
        Open,
        Close,
    }

    private sealed record Token(Kind Kind, string Text);
}
