using System.Globalization;
using System.Text;

namespace Lantern.Vetting.Rules.Gguf;

/// <summary>One thing the template analyser objects to: a rule, a sentence, where, and what it saw.</summary>
internal readonly record struct TemplateObservation(string RuleId, string Message, int Offset, string Detail);

/// <summary>
/// Static analysis of a Jinja2 chat template for sandbox escape (CVE-2024-34359, formats.md §9.7). The
/// template is tokenized, never rendered: every expression inside <c>{{ }}</c> and <c>{% %}</c> is
/// inspected token by token, string literals are decoded, and string-building (<c>+</c>, <c>~</c>,
/// <c>|join</c>, <c>|reverse</c>, <c>|format</c>, <c>%</c>, escapes, <c>{% set %}</c>) is folded so a
/// name spelt in pieces is still seen. Template text outside tags is data and only checked for URLs.
/// </summary>
internal static class ChatTemplateAnalyzer
{
    /// <summary>Real templates (Llama 3.1 with tools, Qwen2.5, Mistral v7) are 1–10 KiB; 64 KiB leaves room (docs/vetting/gguf.md).</summary>
    public const int OversizeChars = 64 * 1024;

    /// <summary>The largest real templates tokenize to ~3,000 tokens.</summary>
    public const int OversizeTokens = 20_000;

    /// <summary>Real templates nest brackets 4–6 deep.</summary>
    public const int OversizeNesting = 32;

    /// <summary>Hard bound on tokens; the reader caps templates at 1 MiB, which cannot exceed it.</summary>
    private const int MaxTokens = 2_000_000;

    /// <summary>Longest folded string kept per expression or <c>{% set %}</c> symbol.</summary>
    private const int MaxFolded = 64 * 1024;

    private const int MaxObservations = 200;

    /// <summary>Dunders that appear in published Jinja/Python sandbox-escape chains.</summary>
    private static readonly HashSet<string> GadgetDunders = new(StringComparer.Ordinal)
    {
        "__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__init__", "__import__",
        "__getattribute__", "__dict__", "__base__", "__bases__", "__getitem__", "__loader__", "__spec__",
        "__reduce__", "__reduce_ex__", "__code__", "__func__", "__self__", "__module__", "__call__", "__closure__",
        "__getattr__", "__setattr__", "__qualname__", "__wrapped__",
    };

    /// <summary>Globals that Jinja (and Flask) put in scope and that escape chains start from.</summary>
    private static readonly HashSet<string> GadgetGlobals = new(StringComparer.Ordinal)
    {
        "lipsum", "cycler", "joiner", "self", "config", "url_for", "get_flashed_messages", "request", "session", "g",
    };

    /// <summary>Legitimate in chat templates as calls (<c>namespace(...)</c>, <c>range(n)</c>); gadgets only when their attributes are read.</summary>
    private static readonly HashSet<string> CallOnlyGlobals = new(StringComparer.Ordinal) { "namespace", "range", "dict" };

    /// <summary>Called as attributes (<c>.popen(</c>) or bare (<c>eval(</c>), these run code.</summary>
    private static readonly HashSet<string> ExecutionCalls = new(StringComparer.Ordinal)
    {
        "popen", "system", "spawnl", "spawnv", "spawnlp", "spawnvp", "execl", "execv", "execve", "execvp", "check_output",
        "check_call", "getoutput", "getstatusoutput", "Popen", "call", "eval", "exec", "compile", "__import__", "import_module",
        "load_module", "open", "read_text", "write_text", "urlopen", "fork", "kill",
    };

    /// <summary>Bare calls that run code; attribute calls use <see cref="ExecutionCalls"/>.</summary>
    private static readonly HashSet<string> BareExecutionCalls = new(StringComparer.Ordinal)
    {
        "eval", "exec", "compile", "__import__", "open", "getattr", "setattr", "globals", "locals", "vars", "breakpoint", "input",
    };

    private static readonly HashSet<string> DangerousModules = new(StringComparer.Ordinal)
    {
        "os", "subprocess", "posix", "nt", "sys", "builtins", "__builtin__", "importlib", "pty", "socket", "shutil",
        "ctypes", "pickle", "marshal", "runpy", "code", "codecs", "commands", "popen", "eval", "exec",
    };

    /// <summary>Filters and methods that build strings out of pieces.</summary>
    private static readonly HashSet<string> BuildingFilters = new(StringComparer.Ordinal)
    {
        "join", "reverse", "format", "replace", "lower", "upper", "string", "list", "first", "last", "center", "title",
        "capitalize", "swapcase", "batch", "slice", "sum", "map", "select", "unique", "sort", "urlize", "wordwrap",
    };

    /// <summary>Statements that need a template loader; a GGUF has none (jinja2 nodes Import, FromImport, Include, Extends).</summary>
    private static readonly HashSet<string> LoaderStatements = new(StringComparer.Ordinal) { "import", "include", "extends", "from" };

    public static List<TemplateObservation> Analyze(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var observations = new List<TemplateObservation>();
        if (template.Length > OversizeChars)
        {
            Observe(observations, GgufRules.TemplateOversize, $"The template is {template.Length} characters; real ones are under {OversizeChars}.", 0, template.Length.ToString(CultureInfo.InvariantCulture));
        }

        List<JinjaToken> tokens;
        try
        {
            tokens = JinjaLexer.Tokenize(template, MaxTokens);
        }
        catch (JinjaLexException ex)
        {
            Observe(observations, GgufRules.TemplateUnparsable, $"The template does not tokenize: {ex.Message}", ex.Offset, string.Empty);
            return observations;
        }
        if (tokens.Count > OversizeTokens)
        {
            Observe(observations, GgufRules.TemplateOversize, $"The template has {tokens.Count} tokens; real ones have under {OversizeTokens}.", 0, tokens.Count.ToString(CultureInfo.InvariantCulture));
        }

        var symbols = new Dictionary<string, string>(StringComparer.Ordinal);
        var allLiterals = new StringBuilder();
        bool dynamicAccess = false;
        string? pendingSetBlock = null;
        int i = 0;
        while (i < tokens.Count)
        {
            JinjaToken token = tokens[i];
            if (token.Kind == JinjaTokenKind.Data)
            {
                CheckData(observations, token);
                if (pendingSetBlock is not null)
                {
                    // {% set x %}__class__{% endset %}: the block body becomes a string value.
                    symbols[pendingSetBlock] = Bound(symbols.GetValueOrDefault(pendingSetBlock) + token.Value);
                    Append(allLiterals, token.Value);
                }
                i++;
                continue;
            }
            if (token.Kind != JinjaTokenKind.TagStart)
            {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < tokens.Count && tokens[end].Kind != JinjaTokenKind.TagEnd)
            {
                end++;
            }
            var expression = tokens.GetRange(i + 1, Math.Max(0, end - i - 1));
            bool statement = token.Text == "{%";
            if (statement && expression.Count > 0 && expression[0].Kind == JinjaTokenKind.Name)
            {
                string keyword = expression[0].Text;
                if (keyword == "endset")
                {
                    pendingSetBlock = null;
                }
                else if (keyword == "set" && expression.Count == 2 && expression[1].Kind == JinjaTokenKind.Name)
                {
                    pendingSetBlock = expression[1].Text;
                    symbols.Remove(pendingSetBlock);
                }
                if (LoaderStatements.Contains(keyword))
                {
                    Observe(observations, GgufRules.TemplateLoaderStatement, $"The template uses {{% {keyword} %}}.", expression[0].Offset, keyword);
                }
            }
            dynamicAccess |= AnalyzeExpression(observations, expression, symbols, allLiterals, statement);
            i = end + 1;
        }

        // Template-wide fold: pieces spread over a loop or several {% set %} still spell the name.
        if (dynamicAccess)
        {
            string all = allLiterals.ToString();
            string? built = FindGadgetDunder(all) ?? FindGadgetDunder(Reverse(all));
            if (built is not null && !observations.Exists(o => o.RuleId is GgufRules.TemplateBuiltDunder or GgufRules.TemplateDunderAccess))
            {
                Observe(observations, GgufRules.TemplateBuiltDunder, $"String pieces across the template spell '{built}' and the template reads attributes by computed names.", 0, built);
            }
        }
        return observations;
    }

    /// <summary>Returns true when the expression reads an attribute or key by a computed name.</summary>
    private static bool AnalyzeExpression(List<TemplateObservation> observations, List<JinjaToken> e, Dictionary<string, string> symbols, StringBuilder allLiterals, bool statement)
    {
        var folded = new StringBuilder();
        bool building = false;
        bool dynamicAccess = false;
        int depth = 0;
        int maxDepth = 0;
        for (int k = 0; k < e.Count; k++)
        {
            JinjaToken t = e[k];
            JinjaToken? prev = k > 0 ? e[k - 1] : null;
            JinjaToken? next = k + 1 < e.Count ? e[k + 1] : null;
            JinjaToken? next2 = k + 2 < e.Count ? e[k + 2] : null;
            switch (t.Kind)
            {
                case JinjaTokenKind.Operator:
                    if (t.Text is "(" or "[" or "{")
                    {
                        depth++;
                        maxDepth = Math.Max(maxDepth, depth);
                    }
                    else if (t.Text is ")" or "]" or "}")
                    {
                        depth--;
                    }
                    if (t.Text is "~" or "%" || (t.Text == "+" && (IsStringish(prev, symbols) || IsStringish(next, symbols))))
                    {
                        building = true;
                    }
                    if (t.Text == "[" && next is { } key && !(key.Kind is JinjaTokenKind.String or JinjaTokenKind.Number && next2 is { Text: "]" }))
                    {
                        dynamicAccess = true;
                    }
                    break;
                case JinjaTokenKind.String:
                    Append(folded, t.Value);
                    Append(allLiterals, t.Value);
                    CheckString(observations, t, prev, e, k);
                    if (t.Obfuscated)
                    {
                        building = true;
                    }
                    break;
                case JinjaTokenKind.Name:
                    bool attribute = prev is { Kind: JinjaTokenKind.Operator, Text: "." };
                    bool filter = prev is { Kind: JinjaTokenKind.Operator, Text: "|" };
                    if (attribute || filter)
                    {
                        if (BuildingFilters.Contains(t.Text))
                        {
                            building = true;
                        }
                    }
                    if (filter && t.Text == "attr")
                    {
                        dynamicAccess = true;
                        Observe(observations, GgufRules.TemplateAttrFilter, "The template reads an attribute by name with |attr.", t.Offset, "attr");
                    }
                    if (!attribute && !filter && symbols.TryGetValue(t.Text, out string? value) && !(next is { Text: "=" }))
                    {
                        Append(folded, value);
                        building = true;
                    }
                    CheckName(observations, t, attribute, filter, prev, next, next2, statement && k == 0);
                    break;
                default:
                    break;
            }
        }
        if (maxDepth > OversizeNesting)
        {
            Observe(observations, GgufRules.TemplateOversize, $"An expression nests brackets {maxDepth} deep.", e[0].Offset, maxDepth.ToString(CultureInfo.InvariantCulture));
        }

        string text = folded.ToString();
        if (building && text.Length > 0)
        {
            string? built = FindGadgetDunder(text) ?? FindGadgetDunder(Reverse(text));
            if (built is not null)
            {
                Observe(observations, GgufRules.TemplateBuiltDunder, $"The template assembles the name '{built}' from pieces.", e[0].Offset, built);
            }
            else if (dynamicAccess && FindCoreWord(text) is { } word)
            {
                Observe(observations, GgufRules.TemplateBuiltDunder, $"The template builds a string containing '{word}' and reads attributes by computed names.", e[0].Offset, word);
            }
        }
        if (text.Contains("%c", StringComparison.Ordinal) && e.Exists(t => t is { Kind: JinjaTokenKind.Operator, Text: "%" }))
        {
            // Characters from codes feeding a computed attribute name is the escape itself; alone it is an oddity.
            Observe(observations, dynamicAccess ? GgufRules.TemplateBuiltDunder : GgufRules.TemplateObfuscatedString,
                dynamicAccess ? "The template builds an attribute name from character codes with %c." : "The template builds characters from codes with %c.", e[0].Offset, "%c");
        }

        // {% set name = <expr> %}: remember the folded string so later uses of the name are seen through.
        if (statement && e.Count >= 4 && e[0] is { Kind: JinjaTokenKind.Name, Text: "set" } && e[1].Kind == JinjaTokenKind.Name && e[2].Text == "=")
        {
            var value = new StringBuilder();
            for (int k = 3; k < e.Count; k++)
            {
                if (e[k].Kind == JinjaTokenKind.String)
                {
                    Append(value, e[k].Value);
                }
                else if (e[k].Kind == JinjaTokenKind.Name && symbols.TryGetValue(e[k].Text, out string? v))
                {
                    Append(value, v);
                }
            }
            if (value.Length > 0)
            {
                symbols[e[1].Text] = value.ToString();
            }
            else
            {
                symbols.Remove(e[1].Text);
            }
        }
        return dynamicAccess;
    }

    private static void CheckName(List<TemplateObservation> observations, JinjaToken t, bool attribute, bool filter, JinjaToken? prev, JinjaToken? next, JinjaToken? next2, bool statementKeyword)
    {
        string name = t.Text;
        bool called = next is { Kind: JinjaTokenKind.Operator, Text: "(" };
        bool dereferenced = next is { Kind: JinjaTokenKind.Operator, Text: "." or "[" } || (next is { Text: "|" } && next2 is { Text: "attr" });
        if (IsDunder(name))
        {
            if (GadgetDunders.Contains(name))
            {
                Observe(observations, GgufRules.TemplateDunderAccess, $"The template reads '{name}', a sandbox-escape gadget.", t.Offset, name);
            }
            else
            {
                Observe(observations, GgufRules.TemplateOtherDunder, $"The template reads the dunder '{name}'.", t.Offset, name);
            }
        }
        else if (attribute && name.StartsWith('_'))
        {
            Observe(observations, GgufRules.TemplatePrivateAttribute, $"The template reads the private attribute '{name}'.", t.Offset, name);
        }

        if (attribute && called && ExecutionCalls.Contains(name))
        {
            Observe(observations, GgufRules.TemplateCodeExecution, $"The template calls '.{name}(…)'.", t.Offset, name);
            return;
        }
        if (attribute || filter || statementKeyword || next is { Kind: JinjaTokenKind.Operator, Text: "=" })
        {
            return;
        }
        if (called && BareExecutionCalls.Contains(name))
        {
            Observe(observations, GgufRules.TemplateCodeExecution, $"The template calls '{name}(…)'.", t.Offset, name);
        }
        else if (GadgetGlobals.Contains(name) && name != "g")
        {
            Observe(observations, GgufRules.TemplateGadgetGlobal, $"The template uses the global '{name}', a sandbox-escape gadget.", t.Offset, name);
        }
        else if ((CallOnlyGlobals.Contains(name) || name == "g") && dereferenced && prev is not { Text: "for" })
        {
            Observe(observations, GgufRules.TemplateGadgetGlobal, $"The template reads attributes of the global '{name}'.", t.Offset, name);
        }
        else if (DangerousModules.Contains(name) && (dereferenced || called))
        {
            Observe(observations, GgufRules.TemplateDangerousName, $"The template uses '{name}'.", t.Offset, name);
        }
    }

    private static void CheckString(List<TemplateObservation> observations, JinjaToken t, JinjaToken? prev, List<JinjaToken> e, int k)
    {
        string value = t.Value;
        if (t.Obfuscated)
        {
            Observe(observations, GgufRules.TemplateObfuscatedString, $"A string literal spells plain characters with escapes: {Shorten(t.Text)}.", t.Offset, Shorten(t.Text));
        }
        if (IsDunder(value))
        {
            if (GadgetDunders.Contains(value))
            {
                Observe(observations, t.Obfuscated ? GgufRules.TemplateBuiltDunder : GgufRules.TemplateDunderAccess,
                    $"The template names '{value}', a sandbox-escape gadget, in a string.", t.Offset, value);
            }
            else
            {
                Observe(observations, GgufRules.TemplateOtherDunder, $"The template names the dunder '{value}' in a string.", t.Offset, value);
            }
            return;
        }
        bool keyOrArgument = prev is { Kind: JinjaTokenKind.Operator, Text: "[" or "(" or "," };
        if (keyOrArgument && value.StartsWith('_') && value.Length > 1 && IsIdentifier(value))
        {
            Observe(observations, GgufRules.TemplatePrivateAttribute, $"The template reads the private key '{value}'.", t.Offset, value);
        }
        if (keyOrArgument && DangerousModules.Contains(value) && !IsComparison(e, k))
        {
            Observe(observations, GgufRules.TemplateDangerousName, $"The template passes the string '{value}'.", t.Offset, value);
        }
        CheckUrl(observations, value, t.Offset);
    }

    private static bool IsComparison(List<JinjaToken> e, int k) =>
        (k + 1 < e.Count && e[k + 1].Text is "==" or "!=" or "in") || (k > 0 && e[k - 1].Text is "==" or "!=");

    private static void CheckData(List<TemplateObservation> observations, JinjaToken t) => CheckUrl(observations, t.Value, t.Offset);

    private static void CheckUrl(List<TemplateObservation> observations, string text, int offset)
    {
        int at = text.IndexOf("http://", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            at = text.IndexOf("https://", StringComparison.OrdinalIgnoreCase);
        }
        if (at >= 0)
        {
            int stop = at;
            while (stop < text.Length && stop - at < 200 && !char.IsWhiteSpace(text[stop]) && text[stop] is not ('"' or '\'' or '<' or '>'))
            {
                stop++;
            }
            Observe(observations, GgufRules.TemplateUrl, "The template contains a URL.", offset + at, text[at..stop]);
        }
    }

    private static bool IsStringish(JinjaToken? t, Dictionary<string, string> symbols) =>
        t is { Kind: JinjaTokenKind.String } || (t is { Kind: JinjaTokenKind.Name } n && symbols.ContainsKey(n.Text));

    private static bool IsDunder(string s) => s.Length > 4 && s.StartsWith("__", StringComparison.Ordinal) && s.EndsWith("__", StringComparison.Ordinal) && IsIdentifier(s);

    private static bool IsIdentifier(string s)
    {
        foreach (char c in s)
        {
            if (!(c == '_' || char.IsAsciiLetterOrDigit(c)))
            {
                return false;
            }
        }
        return s.Length > 0;
    }

    private static string? FindGadgetDunder(string text)
    {
        foreach (string dunder in GadgetDunders)
        {
            if (text.Contains(dunder, StringComparison.OrdinalIgnoreCase))
            {
                return dunder;
            }
        }
        return null;
    }

    /// <summary>Words of escape chains, checked in a folded string stripped of everything but letters (defeats <c>|replace</c> noise).</summary>
    private static string? FindCoreWord(string text)
    {
        var letters = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsAsciiLetter(c))
            {
                letters.Append(char.ToLowerInvariant(c));
            }
        }
        string s = letters.ToString();
        foreach (string word in (ReadOnlySpan<string>)["subclasses", "globals", "builtins", "getattribute", "popen", "import", "mro"])
        {
            if (s.Contains(word, StringComparison.Ordinal))
            {
                return word;
            }
        }
        return null;
    }

    private static string Reverse(string s)
    {
        char[] chars = s.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    private static void Append(StringBuilder builder, string value)
    {
        if (builder.Length < MaxFolded)
        {
            builder.Append(value.AsSpan(0, Math.Min(value.Length, MaxFolded - builder.Length)));
        }
    }

    private static string Bound(string s) => s.Length <= MaxFolded ? s : s[..MaxFolded];

    private static string Shorten(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 80), "…");

    private static void Observe(List<TemplateObservation> observations, string rule, string message, int offset, string detail)
    {
        if (observations.Count < MaxObservations)
        {
            observations.Add(new TemplateObservation(rule, message, offset, Shorten(detail)));
        }
    }
}
