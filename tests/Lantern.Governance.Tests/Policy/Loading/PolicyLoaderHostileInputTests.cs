using System.Diagnostics;
using System.Text;
using Lantern.Governance.Policy.Loading;
using Lantern.Testing;

namespace Lantern.Governance.Tests.Policy.Loading;

public class PolicyLoaderHostileInputTests
{
    private static PolicyDiagnostic SingleError(string yaml)
    {
        PolicyLoadResult result = PolicyLoader.Parse(yaml, "policy.yaml");
        Assert.Null(result.Policy);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_BillionLaughs_RefusedAtFirstAnchorQuickly()
    {
        var yaml = new StringBuilder("apiVersion: lantern/v1\nkind: LocalAiPolicy\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++)
        {
            yaml.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }
        var clock = Stopwatch.StartNew();

        PolicyDiagnostic error = SingleError(yaml.ToString());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
        Assert.Equal((3, 5, "a0"), (error.Line, error.Column, error.Path));
        Assert.Contains("anchors (&a0) are not allowed", error.Message);
    }

    [Fact]
    public void Parse_AliasWithoutAnchor_IsRefused()
    {
        // An alias to an undefined anchor is a syntax error in YamlDotNet or an alias error here; either way it is refused.
        PolicyLoadResult result = PolicyLoader.Parse("apiVersion: lantern/v1\nkind: *k\n", "policy.yaml");

        Assert.Null(result.Policy);
        PolicyDiagnostic error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Parse_AnchorOnScalar_IsRefused()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: &n m\n");

        Assert.Equal((6, 11, "models[0].name"), (error.Line, error.Column, error.Path));
        Assert.Contains("anchors", error.Message);
    }

    [Fact]
    public void Parse_MergeKeyAlias_IsRefused()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: m\n  - <<: *base\n");

        Assert.Contains("aliases (*base) are not allowed", error.Message);
    }

    [Theory]
    [InlineData("!!python/object:os.system x", "!!python/object:os.system")]
    [InlineData("!!str x", "!!str")]
    [InlineData("!custom x", "!custom")]
    public void Parse_ExplicitTag_IsRefused(string value, string tag)
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + $"models:\n  - name: {value}\n");

        Assert.Equal((6, 11, "models[0].name"), (error.Line, error.Column, error.Path));
        Assert.Contains($"YAML tags ('{tag}') are not allowed", error.Message);
    }

    [Fact]
    public void Parse_TagDirective_IsRefused()
    {
        PolicyDiagnostic error = SingleError("%TAG !py! tag:yaml.org,2002:python/\n---\n" + PolicyYaml.Minimal);

        Assert.Contains("%TAG directives are not allowed", error.Message);
    }

    [Fact]
    public void Parse_TwoDocuments_IsRefused()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "---\n" + PolicyYaml.Minimal);

        Assert.Equal(5, error.Line);
        Assert.Contains("more than one YAML document", error.Message);
    }

    [Fact]
    public void Parse_ExplicitSingleDocument_IsAccepted()
    {
        Assert.True(PolicyLoader.Parse("---\n" + PolicyYaml.Minimal + "...\n", "p.yaml").IsValid);
    }

    [Fact]
    public void Parse_DeepFlowNesting_RefusedAtTheLimit()
    {
        string yaml = PolicyYaml.Minimal + "models: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        PolicyDiagnostic error = SingleError(yaml);

        Assert.Contains("nesting is deeper than 32 levels", error.Message);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Parse_DeepBlockNesting_RefusedAtTheLimit()
    {
        var yaml = new StringBuilder(PolicyYaml.Minimal);
        for (int i = 0; i < 40; i++)
        {
            yaml.Append(' ', i * 2).Append('k').Append(i).Append(":\n");
        }
        yaml.Append(' ', 80).Append("leaf: 1\n");

        Assert.Contains("nesting is deeper than", SingleError(yaml.ToString()).Message);
    }

    [Fact]
    public void Parse_TooManyNodes_Refused()
    {
        string yaml = PolicyYaml.Minimal + "classifications2: [" + string.Join(',', Enumerable.Repeat("a", 120_000)) + "]\n";

        PolicyDiagnostic error = SingleError(yaml);

        Assert.Contains("more than 100000 values", error.Message);
    }

    [Fact]
    public void Parse_LimitsComeFromOptions()
    {
        var options = new PolicyLoadOptions { MaxDepth = 1, MaxNodes = 1_000_000 };

        PolicyLoadResult result = PolicyLoader.Parse(PolicyYaml.Minimal, "p.yaml", options);

        Assert.Contains("deeper than 1 levels", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Parse_OverLongValue_Refused()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: " + new string('x', 9000) + "\n");

        Assert.Contains("the limit is 8192", error.Message);
    }

    [Fact]
    public void Parse_TwoMebibyteText_RefusedBeforeParsing()
    {
        // Broken YAML throughout: if it were parsed, the error would be a syntax error, not the size.
        string yaml = new string('[', 2 * 1024 * 1024);
        var clock = Stopwatch.StartNew();

        PolicyDiagnostic error = SingleError(yaml);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
        Assert.Equal((0, 0, ""), (error.Line, error.Column, error.Path));
        Assert.Contains("larger than 1024 KiB", error.Message);
    }

    [Fact]
    public void Parse_MultiByteTextOverLimitInBytes_Refused()
    {
        // 600 000 characters of three bytes each: under the limit in characters, over it in UTF-8 bytes.
        string yaml = "# " + new string('€', 600_000) + "\n" + PolicyYaml.Minimal;

        Assert.Contains("larger than", SingleError(yaml).Message);
    }

    [Fact]
    public void Load_TwoMebibyteFile_RefusedBeforeParsing()
    {
        using var dir = new TempDirectory();
        string path = dir.File("big.yaml");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(PolicyYaml.Minimal + "# " + new string('x', 2 * 1024 * 1024) + "\n"));

        PolicyLoadResult result = PolicyLoader.Load(path);

        PolicyDiagnostic error = Assert.Single(result.Errors);
        Assert.Null(result.Policy);
        Assert.Equal($"{path}: the file is larger than 1024 KiB, the limit for a policy file; it was not parsed", error.ToString());
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNotAnException()
    {
        using var dir = new TempDirectory();

        PolicyLoadResult result = PolicyLoader.Load(Path.Combine(dir.Path, "nope.yaml"));

        Assert.Equal("file not found", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Load_InvalidUtf8_IsAnError()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.yaml");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(PolicyYaml.Minimal), 0xC3, 0x28, (byte)'\n']);

        Assert.Contains("not valid UTF-8", Assert.Single(PolicyLoader.Load(path).Errors).Message);
    }

    [Fact]
    public void Parse_ComplexKey_IsRefused()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "? [a, b]\n: c\n");

        Assert.Contains("mapping keys must be plain names", error.Message);
    }

    [Fact]
    public void Parse_HostileValueEchoedInMessage_IsMadePrintable()
    {
        PolicyDiagnostic error = SingleError(PolicyYaml.Minimal + "models:\n  - name: m\n    status: \"\\e]0;pwned\\a\"\n");

        Assert.DoesNotContain('\u001b', error.ToString());
        Assert.DoesNotContain('\a', error.ToString());
    }

    [Theory]
    [InlineData("models: {")]
    [InlineData("models:\n  - name: 'unterminated\n")]
    [InlineData("a: b: c")]
    [InlineData("\"\\xZZ\"")]
    public void Parse_MalformedYaml_IsAnErrorNotAnException(string tail)
    {
        PolicyLoadResult result = PolicyLoader.Parse(PolicyYaml.Minimal + tail, "policy.yaml");

        Assert.Null(result.Policy);
        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, e => Assert.True(e.Line >= 5, e.ToString()));
    }

    [Fact]
    public void Parse_EveryPrefixOfFullPolicy_NeverThrows()
    {
        // Truncation at every offset: each prefix either loads or yields errors; none may throw.
        for (int length = 0; length <= PolicyYaml.Full.Length; length++)
        {
            PolicyLoadResult result = PolicyLoader.Parse(PolicyYaml.Full[..length], "p.yaml");
            Assert.True(result.IsValid || result.Errors.Count > 0);
        }
    }

    [Fact]
    public void Parse_MalformedFlowCollectionFoundByFuzzing_IsSyntaxErrorNotCrash()
    {
        // AFL++ input: YamlDotNet's scanner throws InvalidOperationException (not YamlException) on it.
        const string yaml = "# Lo\napiion: lan/vY\nkind: Lo\nmeta:\n  [ame: 1\nkind: Lo\nmeta:\n Etle\n  owner: Inf\n  von: 5\n  ewBy: 20.\ncls: [ic, &nte";

        PolicyLoadResult result = PolicyLoader.Parse(yaml, "policy.yaml");

        Assert.False(result.IsValid);
        Assert.Null(result.Policy);
        Assert.Contains(result.Errors, e => e.Message.Contains("YAML syntax error", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TagThatIsNoUri_IsSyntaxErrorNotCrash()
    {
        PolicyLoadResult result = PolicyLoader.Parse("!!!!!!!!0!!0!!!]\n:\n  - id: cot\n", "policy.yaml");

        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Errors);
    }
}
