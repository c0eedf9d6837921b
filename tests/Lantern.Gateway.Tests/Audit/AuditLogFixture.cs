using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Tests.Audit;

/// <summary>Builds audit logs by writing real records through <see cref="AuditLogWriter"/>.</summary>
internal static class AuditLogFixture
{
    public static readonly AuditSigningKey Key = AuditSigningKey.Generate("lantern-test-log");

    public static AuditLogOptions Options(string directory, long segmentRecords = 100_000, long checkpointEvery = 1000) => new()
    {
        Directory = directory,
        SigningKey = Key,
        Origin = "test.lantern/audit",
        MaxSegmentRecords = segmentRecords,
        CheckpointEveryRecords = checkpointEvery,
    };

    public static VerifyOptions VerifyOptions(params string[] trusted) => new() { VerifierKeys = [Key.Verifier], TrustedCheckpoints = trusted };

    public static AuditRecord Record(int i, AuditEndState state = AuditEndState.Completed) => new()
    {
        Id = AuditRecord.NewId(),
        StartTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddSeconds(i),
        EndTime = new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero).AddSeconds(i),
        Caller = new AuditCaller { User = "alice", Process = "python3", Pid = 4242, Client = "127.0.0.1:50123" },
        Route = new AuditRoute("POST", "/api/chat"),
        Upstream = "ollama",
        ModelName = "llama3.2:latest",
        ModelDigest = "sha256:a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
        UseCase = "coding",
        DataClass = "Internal",
        DetectorHits = new Dictionary<string, long> { ["email"] = 2 },
        TokensIn = 10 + i,
        TokensOut = 20 + i,
        TimeToFirstTokenMs = 12.5,
        DurationMs = 250.25,
        EndState = state,
        HttpStatus = state == AuditEndState.Blocked ? 403 : 200,
        OutputSha256 = new string('a', 64),
        PolicyVersion = "2026.1",
    };

    /// <summary>Writes <paramref name="count"/> records and closes the writer (final checkpoint).</summary>
    public static void Write(string directory, int count, long segmentRecords = 100_000, long checkpointEvery = 1000)
    {
        using AuditLogWriter writer = AuditLogWriter.Open(Options(directory, segmentRecords, checkpointEvery));
        for (int i = 1; i <= count; i++)
        {
            writer.AppendAsync(Record(i)).GetAwaiter().GetResult();
        }
    }

    public static string SingleSegment(string directory) => Directory.GetFiles(directory, "audit-*.jsonl").Single();

    public static List<string> Lines(string path) => [.. File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    public static void WriteLines(string path, IEnumerable<string> lines) => File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));
}
