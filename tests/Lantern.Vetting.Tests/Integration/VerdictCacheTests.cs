using Lantern.Core.Findings;
using Lantern.Testing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;
using Xunit;

namespace Lantern.Vetting.Tests.Integration;

public sealed class VerdictCacheTests
{
    private static readonly string Sha = new('a', 64);

    private static CachedVerdict Malicious() => new(Verdict.Malicious, "gguf",
    [
        new VetFinding
        {
            RuleId = "LNT-GGF-030", Implies = Verdict.Malicious, Severity = Severity.Critical, Message = "tab\there, newline\nthere",
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["key"] = "tokenizer.chat_template", ["offset"] = "42" },
        },
    ]);

    [Fact]
    public void SaveLoad_RoundTrip_KeepsVerdictAndFindings()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "sub", "verdicts-v1.tsv");
        VerdictCache cache = VerdictCache.Load(path);
        cache.Put(Sha.ToUpperInvariant(), Malicious());
        cache.Save();

        VerdictCache loaded = VerdictCache.Load(path);

        Assert.True(loaded.TryGet(Sha, out CachedVerdict? entry));
        Assert.Equal(Verdict.Malicious, entry!.Verdict);
        VetFinding finding = Assert.Single(entry.Findings);
        Assert.Equal("tab\there, newline\nthere", finding.Message);
        Assert.Equal("42", finding.Evidence["offset"]);
        Assert.Equal(Severity.Critical, finding.Severity);
    }

    [Fact]
    public void Load_CorruptLines_IgnoredGoodOnesKept()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "verdicts-v1.tsv");
        VerdictCache cache = VerdictCache.Load(path);
        cache.Put(Sha, Malicious());
        cache.Save();
        string good = File.ReadAllText(path);
        File.WriteAllText(path, string.Join('\n',
            "garbage",
            "v1\tnothex\tx\tsafe\tgguf\tW10=",
            $"v1\t{new string('b', 64)}\t{VerdictCache.EngineVersion}\tsafe\tgguf\t!!!notbase64",
            $"v1\t{new string('c', 64)}\t{VerdictCache.EngineVersion}\tweird\tgguf\tW10=",
            $"v1\t{new string('d', 64)}\t{VerdictCache.EngineVersion}\tsafe\tgguf\t{Convert.ToBase64String("{\"x\":1}"u8.ToArray())}",
            new string('x', VerdictCache.MaxLineChars + 10),
            good));

        VerdictCache loaded = VerdictCache.Load(path);

        Assert.Equal(1, loaded.Count);
        Assert.True(loaded.TryGet(Sha, out _));
    }

    [Fact]
    public void Put_Incomplete_NotCached()
    {
        VerdictCache cache = VerdictCache.InMemory();

        cache.Put(Sha, new CachedVerdict(Verdict.Incomplete, "gguf", []));

        Assert.False(cache.TryGet(Sha, out _));
    }

    [Fact]
    public void Put_PastMaxEntries_OldestEvicted()
    {
        VerdictCache cache = VerdictCache.InMemory();
        for (int i = 0; i <= VerdictCache.MaxEntries; i++)
        {
            cache.Put(i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), new CachedVerdict(Verdict.Safe, "gguf", []));
        }

        Assert.Equal(VerdictCache.MaxEntries, cache.Count);
        Assert.False(cache.TryGet(0.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), out _));
    }

    [Fact]
    public void DefaultPath_BesideDigestCache()
    {
        Assert.EndsWith("verdicts-v1.tsv", VerdictCache.DefaultPath(), StringComparison.Ordinal);
    }
}
