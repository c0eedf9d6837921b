using System.Security.Cryptography;
using System.Text;
using Lantern.Gateway.Audit;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Audit;

public class AuditLogWriterTests
{
    [Fact]
    public async Task AppendAsync_Records_AreCanonicalChainedAndVerify()
    {
        using var dir = new TempDirectory();
        var results = new List<AuditAppendResult>();
        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path)))
        {
            for (int i = 1; i <= 5; i++)
            {
                results.Add(await writer.AppendAsync(AuditLogFixture.Record(i)));
            }
            Assert.Equal(5, writer.LastSeq);
        }
        List<string> lines = AuditLogFixture.Lines(Path.Combine(dir.Path, "audit-00000000000000000001.jsonl"));
        Assert.Equal(5, lines.Count);
        Assert.Equal(AuditRecord.GenesisPrev, results[0].Record.Prev);
        for (int i = 0; i < 5; i++)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(lines[i]);
            Assert.Equal(i + 1, results[i].Record.Seq);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), results[i].RecordHash);
            Assert.Equal(bytes, JsonCanonicalizer.Canonicalize(bytes));
            if (i > 0)
            {
                Assert.Equal(results[i - 1].RecordHash, results[i].Record.Prev);
            }
        }
        AuditRecord parsed = AuditRecord.Parse(Encoding.UTF8.GetBytes(lines[2]));
        Assert.Equal(results[2].Record.ToCanonicalJson(), parsed.ToCanonicalJson());
        Assert.Equal("alice", parsed.Caller.User);
        Assert.Equal(2, parsed.DetectorHits["email"]);
        VerifyResult result = AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions());
        Assert.True(result.Ok, result.Message);
        Assert.Equal(5, result.RecordsChecked);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Open_NewDirectory_WritesSignedEmptyCheckpoint()
    {
        using var dir = new TempDirectory();
        using (AuditLogWriter.Open(AuditLogFixture.Options(dir.Path)))
        {
            string text = File.ReadAllText(Path.Combine(dir.Path, "checkpoints.log"));
            Assert.StartsWith($"test.lantern/audit\n0\n{Convert.ToBase64String(MerkleTree.EmptyRoot())}\n\n\u2014 lantern-test-log ", text, StringComparison.Ordinal);
        }
        Assert.True(AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions()).Ok);
    }

    [Fact]
    public void Rotation_BySegmentRecords_CarriesTheChainAcrossFiles()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10, segmentRecords: 4);
        string[] names = [.. Directory.GetFiles(dir.Path, "audit-*.jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["audit-00000000000000000001.jsonl", "audit-00000000000000000005.jsonl", "audit-00000000000000000009.jsonl"], names);
        string firstOfSecond = AuditLogFixture.Lines(Path.Combine(dir.Path, names[1]))[0];
        string lastOfFirst = AuditLogFixture.Lines(Path.Combine(dir.Path, names[0]))[^1];
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lastOfFirst))), AuditRecord.Parse(Encoding.UTF8.GetBytes(firstOfSecond)).Prev);
        Assert.True(AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions()).Ok);
    }

    [Fact]
    public async Task Open_ExistingLog_ResumesSeqPrevAndTree()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 7, segmentRecords: 3);
        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path, segmentRecords: 3)))
        {
            Assert.Equal(7, writer.LastSeq);
            AuditAppendResult next = await writer.AppendAsync(AuditLogFixture.Record(8));
            Assert.Equal(8, next.Record.Seq);
        }
        VerifyResult result = AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions());
        Assert.True(result.Ok, result.Message);
        Assert.Equal(8, result.RecordsChecked);
    }

    [Fact]
    public async Task Open_TornLastLine_TruncatesItRecordsRecoveryAndVerifies()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 5);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        string torn = "{\"caller\":{\"user\":\"bo";
        File.AppendAllText(segment, torn);

        // Before restart the verifier tolerates the crash tail and says so.
        VerifyResult before = AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions());
        Assert.True(before.Ok, before.Message);
        Assert.Contains(before.Notes, n => n.Contains("incomplete last line", StringComparison.Ordinal));

        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path)))
        {
            Assert.NotNull(writer.Recovery);
            Assert.Equal(torn.Length, writer.Recovery.TornBytes);
            Assert.Equal(torn, File.ReadAllText(Path.Combine(dir.Path, writer.Recovery.SavedAs)));
            Assert.Equal(6, (await writer.AppendAsync(AuditLogFixture.Record(6))).Record.Seq);
        }
        Assert.Contains("\"event\":\"recovered\"", File.ReadAllText(Path.Combine(dir.Path, "recovery.log")), StringComparison.Ordinal);
        VerifyResult after = AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions());
        Assert.True(after.Ok, after.Message);
        Assert.Equal(6, after.RecordsChecked);
    }

    [Fact]
    public void Open_SecondWriterOnSameDirectory_IsRefused()
    {
        using var dir = new TempDirectory();
        using AuditLogWriter first = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path));
        Assert.Throws<AuditLogException>(() => AuditLogWriter.Open(AuditLogFixture.Options(dir.Path)));
    }

    [Fact]
    public void Open_TamperedLog_RefusesToResume()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 5);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        lines.RemoveAt(4);
        AuditLogFixture.WriteLines(segment, lines);
        Assert.Throws<AuditLogException>(() => AuditLogWriter.Open(AuditLogFixture.Options(dir.Path)));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentCallers_GetUniqueContiguousSeqsAndAValidChain()
    {
        using var dir = new TempDirectory();
        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path, segmentRecords: 150, checkpointEvery: 64)))
        {
            Task<AuditAppendResult>[] tasks = [.. Enumerable.Range(1, 800).Select(i => Task.Run(() => writer.AppendAsync(AuditLogFixture.Record(i))))];
            AuditAppendResult[] results = await Task.WhenAll(tasks);
            Assert.Equal(Enumerable.Range(1, 800).Select(i => (long)i), results.Select(r => r.Record.Seq).Order());
        }
        VerifyResult result = AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions());
        Assert.True(result.Ok, result.Message);
        Assert.Equal(800, result.RecordsChecked);
        Assert.True(result.CheckpointsChecked >= 2, $"{result.CheckpointsChecked} checkpoints"); // size 0, then at least one covering all 800
    }

    [Fact]
    public async Task AppendAsync_NonFiniteDuration_FailsThatRecordOnly()
    {
        using var dir = new TempDirectory();
        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path)))
        {
            await Assert.ThrowsAsync<ArgumentException>(() => writer.AppendAsync(AuditLogFixture.Record(1) with { DurationMs = double.NaN }));
            Assert.Equal(1, (await writer.AppendAsync(AuditLogFixture.Record(2))).Record.Seq);
        }
        Assert.True(AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions()).Ok);
    }

    [Fact]
    public async Task AppendAsync_WriteFails_SurfacesAndFailsClosed()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var dir = new TempDirectory();
        AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path, segmentRecords: 1));
        await writer.AppendAsync(AuditLogFixture.Record(1));
        // Rotation must create a new segment; a read-only directory makes that fail.
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (Environment.UserName == "root")
            {
                // root ignores directory permissions; use a name that already exists as a directory instead.
                File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                Directory.CreateDirectory(Path.Combine(dir.Path, "audit-00000000000000000002.jsonl"));
            }
            await Assert.ThrowsAsync<AuditLogException>(() => writer.AppendAsync(AuditLogFixture.Record(2)));
            await Assert.ThrowsAsync<AuditLogException>(() => writer.AppendAsync(AuditLogFixture.Record(3)));
        }
        finally
        {
            File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task CheckpointWritten_IsRaisedWithAVerifiableNote()
    {
        using var dir = new TempDirectory();
        var shipped = new List<string>();
        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path, checkpointEvery: 2)))
        {
            writer.CheckpointWritten += (_, checkpoint) => shipped.Add(checkpoint.Text);
            for (int i = 1; i <= 4; i++)
            {
                await writer.AppendAsync(AuditLogFixture.Record(i));
            }
        }
        Assert.True(shipped.Count >= 2);
        Assert.All(shipped, note => Assert.Equal(CheckpointOpenStatus.Ok, AuditCheckpoint.Open(note, [AuditLogFixture.Key.Verifier]).Status));
        Assert.True(AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions([.. shipped])).Ok);
    }

    [Fact]
    public async Task CheckpointInterval_Elapses_WritesACheckpointWithoutNewAppends()
    {
        using var dir = new TempDirectory();
        AuditLogOptions options = AuditLogFixture.Options(dir.Path) with { CheckpointInterval = TimeSpan.FromMilliseconds(50) };
        await using AuditLogWriter writer = AuditLogWriter.Open(options);
        var written = new TaskCompletionSource<AuditCheckpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.CheckpointWritten += (_, c) => written.TrySetResult(c);
        await writer.AppendAsync(AuditLogFixture.Record(1));
        AuditCheckpoint checkpoint = await written.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, checkpoint.TreeSize);
    }

    [Theory]
    [InlineData(AuditFsyncPolicy.Interval)]
    [InlineData(AuditFsyncPolicy.None)]
    public async Task AppendAsync_RelaxedFsyncPolicies_StillWriteBeforeCompleting(AuditFsyncPolicy policy)
    {
        using var dir = new TempDirectory();
        await using AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path) with { FsyncPolicy = policy, FsyncInterval = TimeSpan.FromMilliseconds(20) });
        for (int i = 1; i <= 3; i++)
        {
            await writer.AppendAsync(AuditLogFixture.Record(i));
            // Another reader sees the line as soon as the append completes: it is in the OS, not in a user buffer.
            Assert.Equal(i, AuditLogFixture.Lines(AuditLogFixture.SingleSegment(dir.Path)).Count);
        }
    }

    [Theory]
    [InlineData(AuditFsyncPolicy.Interval)]
    [InlineData(AuditFsyncPolicy.None)]
    public async Task AppendAsync_InlineAppendsWithRotationFsyncAndCheckpoints_KeepAValidChain(AuditFsyncPolicy policy)
    {
        using var dir = new TempDirectory();
        AuditLogOptions options = AuditLogFixture.Options(dir.Path, segmentRecords: 97, checkpointEvery: 50) with
        {
            FsyncPolicy = policy,
            FsyncInterval = TimeSpan.FromMilliseconds(1),
        };
        await using (AuditLogWriter writer = AuditLogWriter.Open(options))
        {
            // Appends run on the callers' threads while the loop fsyncs outside the gate and rotation retires segments.
            Task<AuditAppendResult[]>[] callers = [.. Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
            {
                var mine = new List<AuditAppendResult>();
                for (int i = 0; i < 150; i++)
                {
                    mine.Add(await writer.AppendAsync(AuditLogFixture.Record(c * 1000 + i)));
                }
                return mine.ToArray();
            }))];
            AuditAppendResult[] results = [.. (await Task.WhenAll(callers)).SelectMany(r => r)];
            Assert.Equal(Enumerable.Range(1, 1200).Select(i => (long)i), results.Select(r => r.Record.Seq).Order());
        }
        VerifyResult result = AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions());
        Assert.True(result.Ok, result.Message);
        Assert.Equal(1200, result.RecordsChecked);
        Assert.True(result.CheckpointsChecked >= 2, $"{result.CheckpointsChecked} checkpoints");
        Assert.True(Directory.GetFiles(dir.Path, "*.jsonl").Length >= 12, "segments rotated by record count");
    }
}
