using Lantern.Discovery.Engine;
using Lantern.Testing;

namespace Lantern.Discovery.Tests.Engine;

public class DigestCacheTests
{
    [Fact]
    public void Load_CorruptLines_IgnoredNotFatal()
    {
        using var dir = new TempDirectory();
        string path = dir.File("cache.tsv");
        File.WriteAllText(path, "garbage\n1:2:3:4\tnot-a-digest\t/x\n" + new string('a', 100_000) + "\n1:2:3:4\t" + new string('a', 64) + "\t/ok\n");

        var cache = DigestCache.Load(path);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(new FileIdentity(1, 2, 3, 4), out string sha));
        Assert.Equal(new string('a', 64), sha);
    }

    [Fact]
    public void Save_ThenLoad_RoundTrips()
    {
        using var dir = new TempDirectory();
        string path = dir.File("sub/cache.tsv");
        var cache = DigestCache.Load(path);
        cache.Put(new FileIdentity(7, 8, 9, 10), new string('b', 64), "/path\twith tab");

        Assert.Null(cache.Save());
        var again = DigestCache.Load(path);

        Assert.True(again.TryGet(new FileIdentity(7, 8, 9, 10), out string sha));
        Assert.Equal(new string('b', 64), sha);
    }

    [Fact]
    public void Of_RealFile_HasInodeAndNanosecondMtime()
    {
        using var dir = new TempDirectory();
        string path = dir.File("f.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        FileIdentity? identity = FileIdentity.Of(path);

        Assert.NotNull(identity);
        Assert.Equal(3, identity.Value.Size);
        if (OperatingSystem.IsLinux())
        {
            Assert.NotEqual(0UL, identity.Value.Inode);
        }
    }
}
