using System.Globalization;
using System.Text;

namespace Lantern.Benchmarks;

/// <summary>
/// Generates benchmark data: a home-like tree of many small files (text, JSON, binaries and a
/// few model headers), and a folder of large model-like files for hashing. Deterministic.
/// </summary>
public static class TreeGenerator
{
    public static int GenerateTree(string root, int fileCount)
    {
        var random = new Random(42);
        byte[] gguf = "GGUF"u8.ToArray().Concat(new byte[] { 3, 0, 0, 0 }).Concat(new byte[24]).ToArray();
        byte[] buffer = new byte[4096];
        int perDir = 40;
        for (int i = 0; i < fileCount; i++)
        {
            int d1 = i / (perDir * 50);
            int d2 = i / perDir % 50;
            string dir = Path.Combine(root, $"project{d1:D3}", $"src{d2:D2}");
            if (i % perDir == 0)
            {
                Directory.CreateDirectory(dir);
            }
            string path = Path.Combine(dir, $"file{i:D7}" + (i % 7) switch { 0 => ".txt", 1 => ".json", 2 => ".py", 3 => ".bin", 4 => ".md", 5 => ".cs", _ => string.Empty });
            if (i % 5000 == 0)
            {
                File.WriteAllBytes(path, gguf);
                continue;
            }
            int size = 64 + random.Next(2048);
            random.NextBytes(buffer.AsSpan(0, size));
            if (i % 7 is 0 or 4 or 5)
            {
                // Text files start with text, as real ones do.
                Encoding.ASCII.GetBytes("# generated line of text\n").CopyTo(buffer, 0);
            }
            using var stream = File.Create(path);
            stream.Write(buffer, 0, size);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {fileCount} files under {root}"));
        return 0;
    }

    public static int GenerateModels(string root, int totalMegabytes)
    {
        Directory.CreateDirectory(root);
        var random = new Random(7);
        byte[] chunk = new byte[1024 * 1024];
        int files = 4;
        for (int f = 0; f < files; f++)
        {
            string path = Path.Combine(root, $"model-{f}.gguf");
            using var stream = File.Create(path);
            stream.Write("GGUF"u8);
            stream.Write([3, 0, 0, 0]);
            stream.Write(new byte[16]);
            for (int mb = 0; mb < totalMegabytes / files; mb++)
            {
                random.NextBytes(chunk);
                stream.Write(chunk);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {files} files, {totalMegabytes} MiB, under {root}"));
        return 0;
    }
}
