using System.Security.Cryptography;
using System.Text;
using Lantern.Gateway.Audit;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Audit;

public class AuditLogVerifierTests
{
    private static VerifyResult Verify(string dir, params string[] trusted) => AuditLogVerifier.Verify(dir, AuditLogFixture.VerifyOptions(trusted));

    private static void AssertBad(VerifyResult result, string problem, long? seq)
    {
        Assert.False(result.Ok, "verify passed on a tampered log");
        Assert.True(problem == result.Problem, $"expected {problem}, got {result.Problem}: {result.Message}");
        Assert.Equal(seq, result.FirstBadSeq);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Verify_UntouchedLog_Passes()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 20, segmentRecords: 6, checkpointEvery: 5);
        VerifyResult result = Verify(dir.Path);
        Assert.True(result.Ok, result.Message);
        Assert.Equal(20, result.RecordsChecked);
        Assert.Equal(VerifyProblems.None, result.Problem);
    }

    [Fact]
    public void Verify_FieldEditedInTheMiddle_NamesThatRecord()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        lines[4] = lines[4].Replace("\"user\":\"alice\"", "\"user\":\"mallory\"", StringComparison.Ordinal);
        AuditLogFixture.WriteLines(segment, lines);
        VerifyResult result = Verify(dir.Path);
        AssertBad(result, VerifyProblems.Changed, 5);
        Assert.Equal(5, result.FirstBadLine);
        Assert.Equal(Path.GetFileName(segment), result.FirstBadFile);
    }

    [Fact]
    public void Verify_PrevFieldEdited_NamesThatRecordNotTheOneBefore()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        string prev = AuditRecord.Parse(Encoding.UTF8.GetBytes(lines[6])).Prev;
        lines[6] = lines[6].Replace(prev, new string('f', 64), StringComparison.Ordinal);
        AuditLogFixture.WriteLines(segment, lines);
        AssertBad(Verify(dir.Path), VerifyProblems.Changed, 7);
    }

    [Fact]
    public void Verify_LastRecordEdited_IsCaughtByTheCheckpointRoot()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10, checkpointEvery: 4);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        lines[9] = lines[9].Replace("\"httpStatus\":200", "\"httpStatus\":201", StringComparison.Ordinal);
        AuditLogFixture.WriteLines(segment, lines);
        VerifyResult result = Verify(dir.Path);
        Assert.False(result.Ok);
        Assert.Equal(VerifyProblems.Changed, result.Problem);
        // Checkpoints at 0, 4 (or later batch boundary) … 10: the change lies after the last matching one.
        Assert.InRange(result.FirstBadSeq!.Value, 1, 10);
    }

    [Fact]
    public void Verify_NonCanonicalEdit_NamesThatRecordDirectly()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 6);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        lines[2] = lines[2].Replace("{\"", "{ \"", StringComparison.Ordinal);
        AuditLogFixture.WriteLines(segment, lines);
        AssertBad(Verify(dir.Path), VerifyProblems.Changed, 3);
    }

    [Fact]
    public void Verify_RecordDroppedInTheMiddle_NamesTheMissingSeq()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        lines.RemoveAt(5);
        AuditLogFixture.WriteLines(segment, lines);
        VerifyResult result = Verify(dir.Path);
        AssertBad(result, VerifyProblems.Dropped, 6);
        Assert.Equal(6, result.FirstBadLine);
    }

    [Fact]
    public void Verify_TwoRecordsSwapped_ReportsReordered()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        (lines[3], lines[4]) = (lines[4], lines[3]);
        AuditLogFixture.WriteLines(segment, lines);
        AssertBad(Verify(dir.Path), VerifyProblems.Reordered, 4);
    }

    [Fact]
    public void Verify_TailTruncated_IsCaughtAgainstTheCheckpoint()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 10);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        AuditLogFixture.WriteLines(segment, lines.Take(7));
        AssertBad(Verify(dir.Path), VerifyProblems.Truncated, 8);
    }

    [Fact]
    public async Task Verify_TailAndLocalCheckpointsTruncated_IsCaughtAgainstTheSiemCopy()
    {
        using var dir = new TempDirectory();
        List<string> shipped = await WriteShippingCheckpoints(dir.Path, 10);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        AuditLogFixture.WriteLines(segment, AuditLogFixture.Lines(segment).Take(6));
        // The attacker cannot sign a head of size 6, so keeps only the genuine size-0 checkpoint locally.
        File.WriteAllText(Path.Combine(dir.Path, "checkpoints.log"), shipped[0] + "\n");
        Assert.True(Verify(dir.Path).Ok, "without the SIEM copy a truncation behind the last local checkpoint is invisible");
        AssertBad(Verify(dir.Path, shipped[^1]), VerifyProblems.Truncated, 7);
    }

    private static async Task<List<string>> WriteShippingCheckpoints(string directory, int count)
    {
        var shipped = new List<string>();
        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(directory)))
        {
            shipped.Add(File.ReadAllText(Path.Combine(directory, "checkpoints.log")).TrimEnd('\n') + "\n");
            writer.CheckpointWritten += (_, c) => shipped.Add(c.Text);
            for (int i = 1; i <= count; i++)
            {
                await writer.AppendAsync(AuditLogFixture.Record(i));
            }
        }
        return shipped;
    }

    [Fact]
    public void Verify_MiddleSegmentDeleted_ReportsDropped()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 12, segmentRecords: 4);
        File.Delete(Path.Combine(dir.Path, "audit-00000000000000000005.jsonl"));
        AssertBad(Verify(dir.Path), VerifyProblems.Dropped, 5);
    }

    [Fact]
    public void Verify_LastSegmentDeleted_ReportsTruncated()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 12, segmentRecords: 4);
        File.Delete(Path.Combine(dir.Path, "audit-00000000000000000009.jsonl"));
        AssertBad(Verify(dir.Path), VerifyProblems.Truncated, 9);
    }

    [Fact]
    public void Verify_FirstSegmentDeleted_ReportsDroppedFromOne()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 12, segmentRecords: 4);
        File.Delete(Path.Combine(dir.Path, "audit-00000000000000000001.jsonl"));
        AssertBad(Verify(dir.Path), VerifyProblems.Dropped, 1);
    }

    [Fact]
    public void Verify_ConsistentRewriteWithAnotherKey_FailsTheSignature()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 8);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        // Rewrite every record (user renamed), re-link the chain, rebuild the tree and sign with the attacker's key
        // under the same key name.
        var tree = new MerkleTree();
        string prev = AuditRecord.GenesisPrev;
        var rewritten = new List<string>();
        foreach (string line in AuditLogFixture.Lines(segment))
        {
            AuditRecord record = AuditRecord.Parse(Encoding.UTF8.GetBytes(line));
            AuditRecord forged = record with { Caller = record.Caller with { User = "nobody" }, Prev = prev };
            byte[] bytes = forged.ToCanonicalJson();
            byte[] hash = SHA256.HashData(bytes);
            tree.AppendLeafHash(MerkleTree.HashLeaf(hash));
            prev = Convert.ToHexStringLower(hash);
            rewritten.Add(Encoding.UTF8.GetString(bytes));
        }
        AuditLogFixture.WriteLines(segment, rewritten);
        AuditSigningKey attacker = AuditSigningKey.Generate("lantern-test-log");
        File.WriteAllText(Path.Combine(dir.Path, "checkpoints.log"),
            AuditCheckpoint.Create("test.lantern/audit", 0, MerkleTree.EmptyRoot(), attacker).Text + "\n"
            + AuditCheckpoint.Create("test.lantern/audit", 8, tree.Root(), attacker).Text + "\n");
        VerifyResult result = Verify(dir.Path);
        Assert.False(result.Ok);
        Assert.Equal(VerifyProblems.BadSignature, result.Problem);
        Assert.Equal("checkpoints.log", result.FirstBadFile);

        // And if the attacker keeps the genuine checkpoints, the roots no longer match.
        using var dir2 = new TempDirectory();
        AuditLogFixture.Write(dir2.Path, 8);
        AuditLogFixture.WriteLines(AuditLogFixture.SingleSegment(dir2.Path), rewritten);
        AssertBad(Verify(dir2.Path), VerifyProblems.Changed, 1);
    }

    [Fact]
    public async Task Verify_ForgedCheckpointAppended_FailsTheSignature()
    {
        using var dir = new TempDirectory();
        List<string> shipped = await WriteShippingCheckpoints(dir.Path, 5);
        // Same key name and key hash, size bumped, signature left as it was.
        string forged = shipped[^1].Replace("\n5\n", "\n6\n", StringComparison.Ordinal);
        Assert.NotEqual(shipped[^1], forged);
        File.AppendAllText(Path.Combine(dir.Path, "checkpoints.log"), forged + "\n");
        VerifyResult result = Verify(dir.Path);
        Assert.False(result.Ok);
        Assert.Equal(VerifyProblems.BadSignature, result.Problem);
        Assert.Equal("checkpoints.log", result.FirstBadFile);

        // A forged external checkpoint is refused the same way.
        using var clean = new TempDirectory();
        await WriteShippingCheckpoints(clean.Path, 5);
        Assert.Equal(VerifyProblems.BadSignature, Verify(clean.Path, forged).Problem);
    }

    [Fact]
    public void Verify_CheckpointsLogDeleted_Fails()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 5);
        File.Delete(Path.Combine(dir.Path, "checkpoints.log"));
        VerifyResult result = Verify(dir.Path);
        Assert.False(result.Ok);
        Assert.Equal(VerifyProblems.BadCheckpoint, result.Problem);
    }

    [Fact]
    public void Verify_JunkLineAppended_ReportsMalformed()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 5);
        File.AppendAllText(AuditLogFixture.SingleSegment(dir.Path), "this is not a record\n");
        VerifyResult result = Verify(dir.Path);
        AssertBad(result, VerifyProblems.Malformed, 6);
        Assert.Equal(6, result.FirstBadLine);
    }

    [Fact]
    public void Verify_JunkWithoutNewlineAppended_IsNotMistakenForACrashTail()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 5);
        File.AppendAllText(AuditLogFixture.SingleSegment(dir.Path), "junk");
        AssertBad(Verify(dir.Path), VerifyProblems.Malformed, 6);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe, 0x7b, 0x0a })] // bad UTF-8
    [InlineData(new byte[] { 0x7b, 0x22, 0x73, 0x65, 0x71, 0x22, 0x3a, 0x36, 0x7d, 0x0a })] // {"seq":6} — no prev
    [InlineData(new byte[] { 0x5b, 0x5d, 0x0a })] // []
    [InlineData(new byte[] { 0x0a })] // empty line
    public void Verify_HostileLine_ReportsMalformed(byte[] junk)
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 5);
        using (var stream = new FileStream(AuditLogFixture.SingleSegment(dir.Path), FileMode.Append))
        {
            stream.Write(junk);
        }
        AssertBad(Verify(dir.Path), VerifyProblems.Malformed, 6);
    }

    [Fact]
    public void Verify_HugeLine_ReportsMalformedWithoutBufferingIt()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 3);
        using (var stream = new FileStream(AuditLogFixture.SingleSegment(dir.Path), FileMode.Append))
        {
            byte[] chunk = new byte[1024 * 1024];
            chunk.AsSpan().Fill((byte)'a');
            for (int i = 0; i < 3; i++)
            {
                stream.Write(chunk);
            }
            stream.WriteByte((byte)'\n');
        }
        VerifyResult result = AuditLogVerifier.Verify(dir.Path, AuditLogFixture.VerifyOptions() with { MaxLineBytes = 64 * 1024 });
        AssertBad(result, VerifyProblems.Malformed, 4);
    }

    [Fact]
    public void Verify_DeeplyNestedLine_ReportsMalformed()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 3);
        File.AppendAllText(AuditLogFixture.SingleSegment(dir.Path), new string('[', 100_000) + new string(']', 100_000) + "\n");
        AssertBad(Verify(dir.Path), VerifyProblems.Malformed, 4);
    }

    [Fact]
    public void Verify_WrongTrustedKey_FailsTheSignature()
    {
        using var dir = new TempDirectory();
        AuditLogFixture.Write(dir.Path, 3);
        VerifyResult result = AuditLogVerifier.Verify(dir.Path, new VerifyOptions { VerifierKeys = [AuditSigningKey.Generate("someone-else").Verifier] });
        Assert.False(result.Ok);
        Assert.Equal(VerifyProblems.BadSignature, result.Problem);
    }

    [Fact]
    public void Verify_EmptyOrMissingDirectory_Fails()
    {
        using var dir = new TempDirectory();
        Assert.False(Verify(dir.Path).Ok);
        Assert.False(Verify(Path.Combine(dir.Path, "nope")).Ok);
    }

    [Fact]
    public void Verify_RandomGarbageSegments_NeverThrows()
    {
        var random = new Random(7);
        for (int round = 0; round < 30; round++)
        {
            using var dir = new TempDirectory();
            AuditLogFixture.Write(dir.Path, 4);
            string segment = AuditLogFixture.SingleSegment(dir.Path);
            byte[] bytes = File.ReadAllBytes(segment);
            for (int flips = 0; flips < 1 + (round % 5); flips++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            byte[] original = File.ReadAllBytes(segment);
            File.WriteAllBytes(segment, bytes);
            VerifyResult result = Verify(dir.Path);
            if (!bytes.SequenceEqual(original))
            {
                Assert.False(result.Ok, $"round {round}: a changed segment verified: {result.Message}");
            }
        }
    }
}
