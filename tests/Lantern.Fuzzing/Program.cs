using System.Text;
using Lantern.Formats;
using Lantern.Formats.Gguf;
using Lantern.Formats.HuggingFace;
using Lantern.Formats.Numpy;
using Lantern.Formats.Ollama;
using Lantern.Formats.Safetensors;
using Lantern.Formats.Sniffing;
using Lantern.Formats.Zip;
using SharpFuzz;

namespace Lantern.Fuzzing;

/// <summary>
/// SharpFuzz harness: one target per reader, chosen by the first argument. Only ModelFormatException is an
/// expected outcome; any other exception, a hang or a crash is a finding for AFL++/libFuzzer.
/// </summary>
internal static class Program
{
    private static readonly Dictionary<string, Action<Stream>> Targets = new(StringComparer.Ordinal)
    {
        ["gguf"] = s => GgufReader.Read(s),
        ["safetensors"] = s => SafetensorsReader.Read(s, s.CanSeek ? s.Length : -1),
        ["ollama-manifest"] = s =>
        {
            byte[] bytes = ReadAll(s);
            // Both readers see every input; the manifest's failure must not hide the config reader.
            Run(_ => OllamaManifestReader.Parse(bytes), Stream.Null);
            OllamaConfigReader.Parse(bytes);
        },
        ["model-card"] = s => ModelCardReader.Parse(Encoding.UTF8.GetString(ReadAll(s))),
        ["sniff"] = s =>
        {
            byte[] bytes = ReadAll(s);
            ModelFormatId id = FormatSniffer.Sniff(bytes.AsSpan(0, Math.Min(bytes.Length, FormatSniffer.HeadLength)), bytes.Length);
            _ = FormatSniffer.ToReportId(id);
        },
        ["zip"] = s => ZipModelClassifier.ClassifyZip(new MemoryStream(ReadAll(s))),
        ["zip-reader"] = s => ZipReader.Read(new MemoryStream(ReadAll(s))),
        ["npy"] = s => NpyReader.Read(new MemoryStream(ReadAll(s))),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--write-seeds")
        {
            Seeds.Write(args[1]);
            return 0;
        }
        if (args.Length < 1 || !Targets.TryGetValue(args[0], out Action<Stream>? target))
        {
            Console.Error.WriteLine($"usage: Lantern.Fuzzing <{string.Join('|', Targets.Keys)}> | --write-seeds DIR");
            return 2;
        }
        if (args.Length == 2)
        {
            // Replay one input (a crash AFL++ found) outside the fuzzer.
            using FileStream file = File.OpenRead(args[1]);
            Run(target, file);
            return 0;
        }
        Fuzzer.OutOfProcess.Run(stream => Run(target, stream));
        return 0;
    }

    private static void Run(Action<Stream> target, Stream stream)
    {
        try
        {
            target(stream);
        }
        catch (ModelFormatException)
        {
            // Expected: malformed input reported the way callers handle it.
        }
    }

    /// <summary>Bounded read: fuzz inputs are small, but never trust a stream to end.</summary>
    private static byte[] ReadAll(Stream stream)
    {
        using var ms = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(buffer)) > 0 && ms.Length < 16 * 1024 * 1024)
        {
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }
}
