using Lantern.Gateway.Audit;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Audit;

public sealed class AuditInclusionTests
{
    private static async Task<TempDirectory> LogAsync(int records)
    {
        var dir = new TempDirectory();
        await using (AuditLogWriter writer = AuditLogWriter.Open(AuditLogFixture.Options(dir.Path, segmentRecords: 700, checkpointEvery: 1000)))
        {
            for (int i = 1; i <= records; i++)
            {
                await writer.AppendAsync(AuditLogFixture.Record(i));
            }
        }
        return dir;
    }

    [Fact]
    public async Task Prove_RecordAcrossSegments_ChecksWithTheVerifierKey()
    {
        using TempDirectory dir = await LogAsync(2500);

        AuditInclusionProof proof = AuditInclusion.Prove(dir.Path, 1234);
        (bool ok, string message) = AuditInclusion.Check(AuditInclusionProof.Parse(proof.ToJson()), [AuditLogFixture.Key.Verifier]);

        Assert.True(ok, message);
        Assert.Equal(2500, proof.TreeSize); // the final checkpoint written at close covers everything
        Assert.Contains("record 1234", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prove_UnderAnEarlierCheckpoint_UsesItsTreeSize()
    {
        using TempDirectory dir = await LogAsync(2500);

        AuditInclusionProof proof = AuditInclusion.Prove(dir.Path, 17, treeSize: 1000);

        Assert.Equal(1000, proof.TreeSize);
        Assert.True(AuditInclusion.Check(proof, [AuditLogFixture.Key.Verifier]).Ok);
    }

    [Fact]
    public async Task Check_AlteredRecordPathOrKey_Fails()
    {
        using TempDirectory dir = await LogAsync(300);
        AuditInclusionProof proof = AuditInclusion.Prove(dir.Path, 42);

        Assert.False(AuditInclusion.Check(proof with { Record = proof.Record.Replace("\"httpStatus\":200", "\"httpStatus\":201", StringComparison.Ordinal) },
            [AuditLogFixture.Key.Verifier]).Ok);
        Assert.False(AuditInclusion.Check(proof with { InclusionPath = [.. proof.InclusionPath.Reverse()] }, [AuditLogFixture.Key.Verifier]).Ok);
        Assert.False(AuditInclusion.Check(proof with { Seq = 43 }, [AuditLogFixture.Key.Verifier]).Ok);
        Assert.False(AuditInclusion.Check(proof, [AuditSigningKey.Generate("other").Verifier]).Ok);
        Assert.False(AuditInclusion.Check(proof with { TreeSize = 299 }, [AuditLogFixture.Key.Verifier]).Ok);
        Assert.False(AuditInclusion.Check(proof with { InclusionPath = [.. proof.InclusionPath.Take(1), null!] }, [AuditLogFixture.Key.Verifier]).Ok);
    }

    [Fact]
    public async Task Prove_LogChangedAfterItsCheckpoint_ThrowsInvalidData()
    {
        using TempDirectory dir = await LogAsync(50);
        string segment = AuditLogFixture.SingleSegment(dir.Path);
        List<string> lines = AuditLogFixture.Lines(segment);
        lines[9] = lines[9].Replace("\"httpStatus\":200", "\"httpStatus\":500", StringComparison.Ordinal);
        AuditLogFixture.WriteLines(segment, lines);

        Assert.Throws<InvalidDataException>(() => AuditInclusion.Prove(dir.Path, 3));
    }

    [Fact]
    public async Task Prove_RecordBeyondEveryCheckpoint_ThrowsInvalidData()
    {
        using TempDirectory dir = await LogAsync(10);

        Assert.Throws<InvalidDataException>(() => AuditInclusion.Prove(dir.Path, 11));
        Assert.Throws<InvalidDataException>(() => AuditInclusion.Prove(dir.Path, 5, treeSize: 7));
    }

    [Fact]
    public void Parse_NotAProof_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => AuditInclusionProof.Parse("{\"format\":\"other\"}"));
        Assert.Throws<InvalidDataException>(() => AuditInclusionProof.Parse("[1,2"));
        Assert.Throws<InvalidDataException>(() => AuditInclusionProof.Parse(
            "{\"format\":\"lantern-audit-inclusion/v1\",\"seq\":1,\"record\":null,\"treeSize\":1,\"inclusionPath\":[],\"checkpoint\":\"x\"}"));
    }
}
