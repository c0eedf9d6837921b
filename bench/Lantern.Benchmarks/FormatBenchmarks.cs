using System.Text;
using BenchmarkDotNet.Attributes;
using Lantern.Formats.Gguf;
using Lantern.Formats.Safetensors;
using Lantern.Formats.Sniffing;

namespace Lantern.Benchmarks;

/// <summary>
/// Header formats cost O(header): a GGUF with a 150 000-token vocabulary and a safetensors header
/// of 1 000 tensors are read without touching tensor data. Sniffing is per file in the sweep.
/// </summary>
[MemoryDiagnoser]
public class FormatBenchmarks
{
    private byte[] _gguf = [];
    private byte[] _safetensors = [];
    private byte[][] _heads = [];

    [GlobalSetup]
    public void Setup()
    {
        _gguf = BenchmarkFixtures.GgufWithVocabulary(150_000);
        _safetensors = BenchmarkFixtures.SafetensorsHeader(1_000);
        var random = new Random(1);
        _heads = new byte[1024][];
        for (int i = 0; i < _heads.Length; i++)
        {
            _heads[i] = new byte[16];
            random.NextBytes(_heads[i]);
        }
        _heads[0] = [.. "GGUF"u8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        _heads[1] = Encoding.ASCII.GetBytes("# README for the");
    }

    [Benchmark]
    public ulong GgufHeader150kTokens()
    {
        using var stream = new MemoryStream(_gguf, writable: false);
        return GgufReader.Read(stream).ParameterCount;
    }

    [Benchmark]
    public int SafetensorsHeader1000Tensors()
    {
        using var stream = new MemoryStream(_safetensors, writable: false);
        return SafetensorsReader.Read(stream, _safetensors.Length + (1L << 34)).Tensors.Count;
    }

    [Benchmark(OperationsPerInvoke = 1024)]
    public int Sniff1024Heads()
    {
        int models = 0;
        foreach (byte[] head in _heads)
        {
            if (FormatSniffer.Sniff(head, 4096) != ModelFormatId.Unknown)
            {
                models++;
            }
        }
        return models;
    }
}
