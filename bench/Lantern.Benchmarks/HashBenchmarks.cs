using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Lantern.Benchmarks;

/// <summary>SHA-256 throughput of the 1 MiB streaming loop the digest code uses (in-memory, no I/O).</summary>
[MemoryDiagnoser]
public class HashBenchmarks
{
    private readonly byte[] _data = new byte[64 * 1024 * 1024];

    [GlobalSetup]
    public void Setup() => new Random(3).NextBytes(_data);

    [Benchmark]
    public byte[] Sha256Streamed64MiB()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int offset = 0; offset < _data.Length; offset += 1024 * 1024)
        {
            hash.AppendData(_data, offset, 1024 * 1024);
        }
        return hash.GetHashAndReset();
    }
}
