using System.CommandLine;
using System.Text.Json;
using Lantern.Cli.Commands;
using Lantern.Cli.Tests.Output;
using Lantern.Core.Reporting;
using Lantern.Testing;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using NJsonSchema;
using Xunit;

namespace Lantern.Cli.Tests.Vet;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleTests
{
    public const string Name = "Console";
}

/// <summary><c>lantern vet</c> end to end, in process: real files, the real engine, stdout captured.</summary>
[Collection(ConsoleTests.Name)]
public sealed class VetCommandTests : IDisposable
{
    private const string LlamaDrama = "{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}{{x()._module.__builtins__['__import__']('os').popen(\"touch /tmp/retr0reg\")}}{%endif%}{% endfor %}";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static byte[] Gguf(string template)
    {
        using var ms = new MemoryStream();
        new GgufWriter().AddString("general.architecture", "llama").AddString("tokenizer.chat_template", template)
            .AddTensor("w", [32], GgufWriter.GgmlF32, 0).WriteTo(ms, 128);
        return ms.ToArray();
    }

    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        TextWriter oldOut = Console.Out;
        TextWriter oldErr = Console.Error;
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var root = new RootCommand { VetCommand.Create() };
            ParseResult parse = root.Parse(["vet", .. args]);
            int exit = parse.Errors.Count > 0 ? ExitCodes.Usage : await parse.InvokeAsync();
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task Vet_MaliciousGguf_Exit1AndJsonVerdict()
    {
        string path = Write("model.bin", Gguf(LlamaDrama));

        (int exit, string stdout, _) = await RunAsync(path, "--format", "json");

        Assert.Equal(ExitCodes.Findings, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal("malicious", result.GetProperty("verdict").GetString());
        Assert.Equal("gguf", result.GetProperty("format").GetString());
        Assert.Contains(result.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "LNT-GGF-030");
        Assert.Equal("malicious", doc.RootElement.GetProperty("summary").GetProperty("worst").GetString());
    }

    [Fact]
    public async Task Vet_SafeFiles_Exit0()
    {
        string dir = Path.Combine(_dir.Path, "models");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "a.gguf"), Gguf("{% for m in messages %}{{ m['content'] }}{% endfor %}"));
        File.WriteAllBytes(Path.Combine(dir, "b"), new SafetensorsWriter().AddTensor("w", "F16", [8]).Build());
        File.WriteAllText(Path.Combine(dir, "README.md"), "# not a model");

        (int exit, string stdout, _) = await RunAsync(dir, "--format", "json");

        Assert.Equal(ExitCodes.Ok, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement summary = doc.RootElement.GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("files").GetInt32());
        Assert.Equal(2, summary.GetProperty("verdicts").GetProperty("safe").GetInt32());
        Assert.Equal(1, summary.GetProperty("verdicts").GetProperty("not-a-model").GetInt32());
    }

    [Fact]
    public async Task Vet_NotAModel_Exit0()
    {
        string path = Write("notes.txt", "hello"u8.ToArray());

        (int exit, _, _) = await RunAsync(path);

        Assert.Equal(ExitCodes.Ok, exit);
    }

    [Fact]
    public async Task Vet_MalformedSafetensors_Exit1()
    {
        string path = Write("w.safetensors", new SafetensorsWriter().AddTensor("a", "F32", [4], 0, 16).AddTensor("b", "F32", [4], 8, 24).Build());

        (int exit, string stdout, _) = await RunAsync(path, "--format", "table");

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Contains("malformed", stdout, StringComparison.Ordinal);
        Assert.Contains("LNT-SFT-012", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vet_SavedModelDirectoryWithoutMetaGraph_JudgedAsSavedModelMalformed()
    {
        // The directory is recognised by saved_model.pb and judged as one SavedModel (DirectoryVetterRegistry).
        File.WriteAllBytes(_dir.File("exported/saved_model.pb"), [0x08, 0x01]);

        (int exit, string stdout, _) = await RunAsync(Path.Combine(_dir.Path, "exported"), "--format", "json");

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Contains("\"tf-savedmodel\"", stdout, StringComparison.Ordinal);
        Assert.Contains("LNT-TFS-005", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Verdict.NotAModel, ExitCodes.Ok)]
    [InlineData(Verdict.Safe, ExitCodes.Ok)]
    [InlineData(Verdict.Incomplete, ExitCodes.Incomplete)]
    [InlineData(Verdict.Malformed, ExitCodes.Findings)]
    [InlineData(Verdict.Suspicious, ExitCodes.Findings)]
    [InlineData(Verdict.Malicious, ExitCodes.Findings)]
    public void ExitCodeFor_Verdict_Documented(Verdict worst, int expected)
    {
        Assert.Equal(expected, VetCommand.ExitCodeFor(worst));
    }

    [Fact]
    public async Task Vet_MissingPath_Exit2()
    {
        (int exit, _, string stderr) = await RunAsync(Path.Combine(_dir.Path, "nope.gguf"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vet_BadFormatOrNoPath_Exit2()
    {
        string path = Write("x.txt", "x"u8.ToArray());

        Assert.Equal(ExitCodes.Usage, (await RunAsync(path, "--format", "cyclonedx")).Exit);
        Assert.Equal(ExitCodes.Usage, (await RunAsync()).Exit);
    }

    [Fact]
    public async Task Vet_BadProfile_Exit2()
    {
        string path = Write("x.txt", "x"u8.ToArray());

        (int exit, _, _) = await RunAsync(path, "--profile", "Not A Profile!");

        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Fact]
    public async Task Vet_OutputFile_WrittenNotPrinted()
    {
        string path = Write("model.gguf", Gguf(LlamaDrama));
        string report = Path.Combine(_dir.Path, "out", "vet.json");

        (int exit, string stdout, _) = await RunAsync(path, "--format", "json", "--output", report, "--profile", "pytorch");

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("\"malicious\"", await File.ReadAllTextAsync(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ValidatesAgainstSchema()
    {
        string path = Write("model.gguf", Gguf(LlamaDrama));
        Write("w.safetensors", new SafetensorsWriter().AddTensor("w", "F16", [8]).Build());

        (_, string stdout, _) = await RunAsync(_dir.Path, "--format", "json");

        JsonSchema schema = await JsonSchema.FromFileAsync(Path.Combine(TestPaths.RepoRoot, "docs", "schema", "vet.schema.json"));
        var errors = schema.Validate(stdout);
        Assert.True(errors.Count == 0, SchemaErrors.Describe(errors));
        Assert.Contains(path, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonSchema_RejectsBrokenReport()
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(Path.Combine(TestPaths.RepoRoot, "docs", "schema", "vet.schema.json"));

        var errors = schema.Validate("{\"schemaVersion\":\"1.0\",\"tool\":{\"name\":\"lantern\",\"version\":\"1\"},\"results\":[{\"path\":\"x\",\"format\":\"gguf\",\"verdict\":\"fine\",\"findings\":[],\"members\":[]}],\"summary\":{\"files\":1,\"worst\":\"safe\",\"verdicts\":{}}}");

        Assert.NotEmpty(errors);
    }
}
