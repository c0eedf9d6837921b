using BenchmarkDotNet.Attributes;
using Lantern.Gateway.Audit;

namespace Lantern.Benchmarks;

/// <summary>
/// Audit log append throughput on this machine's disk: one operation appends <see cref="Callers"/> × 64 records from
/// that many concurrent callers, so records/s = Callers × 64 / mean. With <see cref="AuditFsyncPolicy.Always"/> a
/// lone caller pays one fsync per record; concurrent callers share one fsync per group commit.
/// </summary>
[MemoryDiagnoser]
public class AuditLogBenchmarks
{
    private const int RecordsPerCaller = 64;

    private string _directory = "";
    private AuditLogWriter? _writer;
    private AuditRecord _record = null!;

    [Params(AuditFsyncPolicy.Always, AuditFsyncPolicy.None)]
    public AuditFsyncPolicy Policy { get; set; }

    [Params(1, 16)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Under the current directory, not /tmp, which may be tmpfs where fsync costs nothing.
        _directory = Path.Combine(Directory.GetCurrentDirectory(), "audit-bench-" + Guid.NewGuid().ToString("N"));
        _writer = AuditLogWriter.Open(new AuditLogOptions
        {
            Directory = _directory,
            SigningKey = AuditSigningKey.Generate("bench"),
            FsyncPolicy = Policy,
        });
        _record = new AuditRecord
        {
            Id = AuditRecord.NewId(),
            StartTime = DateTimeOffset.UtcNow,
            EndTime = DateTimeOffset.UtcNow,
            Caller = new AuditCaller { User = "alice", Process = "python3", Pid = 4242, Client = "127.0.0.1:50123" },
            Route = new AuditRoute("POST", "/api/chat"),
            Upstream = "ollama",
            ModelName = "llama3.2:latest",
            ModelDigest = "sha256:a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            UseCase = "coding",
            DataClass = "Internal",
            DetectorHits = new Dictionary<string, long> { ["email"] = 1 },
            TokensIn = 120,
            TokensOut = 480,
            TimeToFirstTokenMs = 85.25,
            DurationMs = 2400.5,
            EndState = AuditEndState.Completed,
            HttpStatus = 200,
            OutputSha256 = new string('a', 64),
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public async Task AppendConcurrent()
    {
        var callers = new Task[Callers];
        for (int c = 0; c < Callers; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                for (int i = 0; i < RecordsPerCaller; i++)
                {
                    await _writer!.AppendAsync(_record).ConfigureAwait(false);
                }
            });
        }
        await Task.WhenAll(callers).ConfigureAwait(false);
    }
}
