using Lantern.NetLog.Detection;

namespace Lantern.NetLog.Tests.Detection;

public class DetectionQueriesTests
{
    public static TheoryData<string, string> BackendsByRule()
    {
        var data = new TheoryData<string, string>();
        foreach (string backend in DetectionQueries.Backends)
        {
            foreach (DetectionRule rule in LanternDetectionRules.All)
            {
                data.Add(backend, rule.FileName);
            }
        }
        return data;
    }

    private static DetectionRule Rule(string fileName) => LanternDetectionRules.All.Single(r => r.FileName == fileName);

    [Theory]
    [MemberData(nameof(BackendsByRule))]
    public void RenderRule_EveryRuleAndBackend_RendersBalancedQueryWithProjection(string backend, string fileName)
    {
        DetectionRule rule = Rule(fileName);
        string query = DetectionQueries.RenderRule(DetectionQueries.Dialect(backend), rule);
        Assert.Contains(rule.Id.ToString("D"), query);
        AssertBalanced(query);
        string lastLine = query.TrimEnd().Split('\n')[^1];
        if (rule.LogSource.Category == "proxy")
        {
            // The projection names every column analyze reads back, in order.
            string projection = query.Split('\n').Last(l => l.StartsWith("| table", StringComparison.Ordinal) || l.StartsWith("| project", StringComparison.Ordinal) || l.StartsWith("| KEEP", StringComparison.Ordinal));
            int position = -1;
            foreach (string column in DetectionQueries.ProxyFields)
            {
                int next = projection.IndexOf(column, position + 1, StringComparison.Ordinal);
                Assert.True(next > position, $"{backend}/{fileName}: column {column} missing or out of order in '{projection}'");
                position = next;
            }
        }
        Assert.Matches(backend switch { "splunk" => @"^\| table ", "kql" => @"^\| project ", _ => @"^\| LIMIT 10000$" }, lastLine);
        // Every literal value of the rule reaches the query (lower-cased for ES|QL).
        foreach (FieldMatch match in rule.Selections.SelectMany(s => s.Fields))
        {
            foreach (object value in match.Values)
            {
                string text = value is string s ? (backend == "esql" ? s.ToLowerInvariant() : s) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
                text = text.Replace("\\", "\\\\", StringComparison.Ordinal);
                if (backend == "esql" && match.Operator == MatchOperator.Contains)
                {
                    text = text.Replace("\\", "\\\\", StringComparison.Ordinal); // LIKE escape, then string escape
                }
                Assert.Contains(text, query);
            }
        }
    }

    [Theory]
    [InlineData("splunk")]
    [InlineData("kql")]
    [InlineData("esql")]
    [InlineData("SPLUNK")]
    public void Render_Backend_ContainsEveryRuleOnce(string backend)
    {
        string all = DetectionQueries.Render(backend);
        foreach (DetectionRule rule in LanternDetectionRules.All)
        {
            Assert.Equal(1, CountOf(all, rule.Id.ToString("D")));
        }
    }

    [Fact]
    public void Render_UnknownBackend_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => DetectionQueries.Render("qradar"));
        Assert.Contains("splunk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Splunk_HfResolveRule_UsesCimFieldsAndProjection()
    {
        string query = new SplunkDialect().Render(Rule("proxy_hf_resolve_model_weight_download.yml"));
        Assert.StartsWith("search tag=web ((dest=\"huggingface.co\" OR dest=\"hf.co\"", query, StringComparison.Ordinal);
        Assert.Contains("url=\"*/resolve/*\"", query);
        Assert.Contains("url=\"*.gguf*\"", query);
        Assert.Contains("bytes_to_client=bytes_in", query);
    }

    [Fact]
    public void Kql_CdnRule_UsesAsimAndNumericThreshold()
    {
        string query = new KqlDialect().Render(Rule("proxy_hf_cdn_large_transfer.yml"));
        Assert.StartsWith("_Im_WebSession(", query, StringComparison.Ordinal);
        Assert.Contains("LanternHost =~ \"cdn-lfs.hf.co\"", query);
        Assert.Contains("DstBytes >= 104857600", query);
        Assert.Contains("LanternHost endswith \".aws.cdn.hf.co\"", query);
        Assert.Contains(" or ", query);
    }

    [Fact]
    public void Esql_WindowsProcessRule_LowersAndEscapesBackslashes()
    {
        string query = new EsqlDialect().Render(Rule("proc_creation_win_local_llm_runtime.yml"));
        Assert.Contains("ENDS_WITH(TO_LOWER(process.executable), \"\\\\ollama.exe\")", query);
        Assert.Contains("ENDS_WITH(TO_LOWER(process.executable), \"\\\\lm studio.exe\")", query);
        // LIKE pattern: backslash escaped for LIKE (\\) and again for the string literal (\\\\).
        Assert.Contains("TO_LOWER(process.command_line) LIKE \"*\\\\\\\\text-generation-webui\\\\\\\\*\"", query);
    }

    private static DetectionRule Synthetic(MatchOperator op, string value) => new()
    {
        FileName = "proxy_test.yml",
        Id = Guid.Parse("6a0b7a41-4c2f-4d8e-9d0e-1f7b4a3c2d10"),
        Title = "Test",
        Description = "Detects a test.",
        References = ["https://example.org/"],
        Tags = ["detection.threat-hunting"],
        LogSource = new RuleLogSource("proxy"),
        Combination = SelectionCombination.All,
        Selections = [new RuleSelection("selection", [new FieldMatch("c-useragent", op, [value])])],
        Filters = [new RuleSelection("filter_main", [FieldMatch.Is("cs-host", "ok.example")])],
        FalsePositives = ["Tests"],
        Level = "low",
    };

    [Theory]
    [InlineData("splunk", "Equals", "say \"hi\" \\o/", "http_user_agent=\"say \\\"hi\\\" \\\\o/\"")]
    [InlineData("splunk", "Contains", "a\"b", "http_user_agent=\"*a\\\"b*\"")]
    [InlineData("kql", "Equals", "say \"hi\" \\o/", "HttpUserAgent =~ \"say \\\"hi\\\" \\\\o/\"")]
    [InlineData("kql", "StartsWith", "C:\\Temp\\", "HttpUserAgent startswith \"C:\\\\Temp\\\\\"")]
    [InlineData("esql", "Equals", "Say \"Hi\" \\o/", "TO_LOWER(user_agent.original) == \"say \\\"hi\\\" \\\\o/\"")]
    [InlineData("esql", "Contains", "a\\b\"c", "TO_LOWER(user_agent.original) LIKE \"*a\\\\\\\\b\\\"c*\"")]
    [InlineData("esql", "EndsWith", "x\ty", "ENDS_WITH(TO_LOWER(user_agent.original), \"x\\ty\")")]
    public void Render_QuotesAndBackslashes_AreEscapedForTheBackend(string backend, string op, string value, string expected)
    {
        string query = DetectionQueries.Dialect(backend).Render(Synthetic(Enum.Parse<MatchOperator>(op), value));
        Assert.Contains(expected, query);
        AssertBalanced(query);
    }

    [Theory]
    [InlineData("splunk", "NOT ((dest=\"ok.example\"))")]
    [InlineData("kql", "not((LanternHost =~ \"ok.example\"))")]
    [InlineData("esql", "NOT ((TO_LOWER(url.domain) == \"ok.example\"))")]
    public void Render_Filters_AreNegated(string backend, string expected)
    {
        string query = DetectionQueries.Dialect(backend).Render(Synthetic(MatchOperator.Equals, "x"));
        Assert.Contains(expected, query);
    }

    [Theory]
    [InlineData("a*b")]
    [InlineData("why?")]
    [InlineData("")]
    public void Render_WildcardOrEmptyValue_IsRefused(string value)
    {
        foreach (string backend in DetectionQueries.Backends)
        {
            Assert.Throws<ArgumentException>(() => DetectionQueries.Dialect(backend).Render(Synthetic(MatchOperator.Contains, value)));
        }
    }

    [Fact]
    public void Catalogue_Values_AreLiteralsEveryBackendCanExpress()
    {
        foreach (FieldMatch match in LanternDetectionRules.All.SelectMany(r => r.Selections.Concat(r.Filters)).SelectMany(s => s.Fields))
        {
            foreach (object value in match.Values)
            {
                if (value is string text)
                {
                    Assert.DoesNotContain('*', text);
                    Assert.DoesNotContain('?', text);
                    Assert.NotEqual(MatchOperator.GreaterOrEqual, match.Operator);
                }
                else
                {
                    Assert.IsType<long>(value);
                }
            }
        }
    }

    /// <summary>Parentheses balance outside double-quoted literals (which honour backslash escapes).</summary>
    private static void AssertBalanced(string query)
    {
        int depth = 0;
        bool inString = false;
        for (int i = 0; i < query.Length; i++)
        {
            char c = query[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '(': depth++; break;
                case ')': depth--; Assert.True(depth >= 0, "unbalanced ) in " + query); break;
            }
        }
        Assert.False(inString, "unterminated string in " + query);
        Assert.Equal(0, depth);
    }

    private static int CountOf(string text, string needle)
    {
        int count = 0;
        for (int at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
