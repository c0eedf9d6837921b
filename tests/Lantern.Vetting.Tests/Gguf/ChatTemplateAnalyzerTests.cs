using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Gguf;
using Xunit;

namespace Lantern.Vetting.Tests.Gguf;

public sealed class ChatTemplateAnalyzerTests
{
    [Theory]
    [MemberData(nameof(ChatTemplates.Benign), MemberType = typeof(ChatTemplates))]
    public void Analyze_RealModelTemplate_NoObservations(string model, string template)
    {
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze(template);

        Assert.True(observations.Count == 0, $"{model}: {string.Join("; ", observations)}");
    }

    [Theory]
    [MemberData(nameof(ChatTemplates.Malicious), MemberType = typeof(ChatTemplates))]
    public void Analyze_EscapeChain_Malicious(string name, string template)
    {
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze(template);

        Assert.True(Worst(observations) == Verdict.Malicious, $"{name}: {string.Join("; ", observations)}");
    }

    [Theory]
    [MemberData(nameof(ChatTemplates.Suspicious), MemberType = typeof(ChatTemplates))]
    public void Analyze_IsolatedOddity_SuspiciousWithRule(string name, string template, string rule)
    {
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze(template);

        Assert.True(Worst(observations) == Verdict.Suspicious, $"{name}: {string.Join("; ", observations)}");
        Assert.Contains(observations, o => o.RuleId == rule);
    }

    [Fact]
    public void Analyze_LlamaDrama_NamesEveryGadget()
    {
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze(ChatTemplates.LlamaDrama);

        string[] details = observations.Select(o => o.Detail).ToArray();
        Assert.Contains("__class__", details);
        Assert.Contains("__subclasses__", details);
        Assert.Contains("__builtins__", details);
        Assert.Contains(observations, o => o.RuleId == GgufRules.TemplateCodeExecution && o.Detail == "popen");
    }

    [Fact]
    public void Analyze_DunderInDataText_NotFlagged()
    {
        // Text outside tags is never code: a system prompt may talk about Python's __init__.
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze("You explain Python: __init__ and __class__ are special. {{ messages[0]['content'] }}");

        Assert.Empty(observations);
    }

    [Fact]
    public void Analyze_RawBlockHidesNothing_ContentIsData()
    {
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze("{% raw %}{{ ().__class__ }}{% endraw %}{{ x }}");

        Assert.Empty(observations);
    }

    [Fact]
    public void Analyze_CommentedPayload_NotCode()
    {
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze("{# ().__class__ #}{{ messages[0]['content'] }}");

        Assert.Empty(observations);
    }

    [Fact]
    public void Analyze_PayloadAfterFakeRawEnd_StillSeen()
    {
        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze("{% raw %}x{% endraw %}{{ ().__class__ }}");

        Assert.Equal(Verdict.Malicious, Worst(observations));
    }

    [Fact]
    public void Analyze_HugeTemplate_SuspiciousOversize()
    {
        string template = string.Concat(Enumerable.Repeat("{{ messages[0]['content'] }}", 5000));

        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze(template);

        Assert.Contains(observations, o => o.RuleId == GgufRules.TemplateOversize);
    }

    [Fact]
    public void Analyze_DeepBrackets_SuspiciousOversize()
    {
        string template = "{{ " + new string('(', 40) + "1" + new string(')', 40) + " }}";

        List<TemplateObservation> observations = ChatTemplateAnalyzer.Analyze(template);

        Assert.Contains(observations, o => o.RuleId == GgufRules.TemplateOversize);
    }

    [Fact]
    public void Tokenize_StringWithEscapes_DecodesAndMarksObfuscation()
    {
        List<JinjaToken> tokens = JinjaLexer.Tokenize(@"{{ '\x5f\u005f' ~ ""a\""b"" }}", 100);

        JinjaToken first = tokens.First(t => t.Kind == JinjaTokenKind.String);
        JinjaToken second = tokens.Last(t => t.Kind == JinjaTokenKind.String);
        Assert.Equal("__", first.Value);
        Assert.True(first.Obfuscated);
        Assert.Equal("a\"b", second.Value);
        Assert.False(second.Obfuscated);
    }

    [Fact]
    public void Tokenize_ClosingBracesInsideDict_DoNotEndTag()
    {
        List<JinjaToken> tokens = JinjaLexer.Tokenize("{{ {'a': {'b': 1}} }}after", 100);

        Assert.Equal(JinjaTokenKind.Data, tokens[^1].Kind);
        Assert.Equal("after", tokens[^1].Value);
    }

    [Fact]
    public void Tokenize_TooManyTokens_Throws()
    {
        Assert.Throws<JinjaLexException>(() => JinjaLexer.Tokenize(string.Concat(Enumerable.Repeat("{{ a }}", 100)), 50));
    }

    [Fact]
    public void Analyze_EveryPrefixAndRandomText_NeverThrows()
    {
        foreach (string template in new[] { ChatTemplates.LlamaDrama, ChatTemplates.Qwen25Tools, @"{% set a %}x{% endset %}{{ '\x5f' ~ a }}{# c #}{% raw %}r{% endraw %}" })
        {
            for (int length = 0; length <= template.Length; length++)
            {
                _ = ChatTemplateAnalyzer.Analyze(template[..length]);
            }
        }
        var random = new Random(1234);
        const string alphabet = "{}%#-+'\"\\x5fu_ab()[].|~=,:0 \n";
        for (int i = 0; i < 2000; i++)
        {
            char[] text = new char[random.Next(0, 40)];
            for (int k = 0; k < text.Length; k++)
            {
                text[k] = alphabet[random.Next(alphabet.Length)];
            }
            _ = ChatTemplateAnalyzer.Analyze(new string(text));
        }
    }

    private static Verdict Worst(List<TemplateObservation> observations) =>
        observations.Select(o => GgufRules.Describe(o.RuleId).Verdict).DefaultIfEmpty(Verdict.Safe).Max();
}
