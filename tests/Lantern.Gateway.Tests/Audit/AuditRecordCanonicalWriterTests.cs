using System.Text;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Tests.Audit;

/// <summary>The direct record writer must give exactly the bytes of the generic JCS walk over <c>ToJsonObject</c>.</summary>
public sealed class AuditRecordCanonicalWriterTests
{
    private static readonly string[] Texts =
    [
        "", "plain", "quote \" and \\ backslash", "line\nbreak\ttab\u0001\u001f", "é ü 中文 🙂", "\u007f\u0080\u2028", "key<>&'",
    ];

    [Fact]
    public void ToCanonicalJson_RandomRecords_MatchesGenericCanonicalizer()
    {
        var random = new Random(20261123);
        for (int i = 0; i < 2000; i++)
        {
            AuditRecord record = RandomRecord(random);
            byte[] direct = record.ToCanonicalJson();
            byte[] generic = JsonCanonicalizer.Canonicalize(record.ToJsonObject());
            Assert.True(generic.AsSpan().SequenceEqual(direct),
                $"record {i}:\n generic {Encoding.UTF8.GetString(generic)}\n direct  {Encoding.UTF8.GetString(direct)}");
        }
    }

    [Fact]
    public void ToCanonicalJson_LoneSurrogate_ThrowsInvalidData()
    {
        AuditRecord record = RandomRecord(new Random(1)) with { ModelName = "bad\ud800" };

        Assert.Throws<InvalidDataException>(() => record.ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_NonFiniteDuration_ThrowsArgument()
    {
        AuditRecord record = RandomRecord(new Random(2)) with { DurationMs = double.NaN };

        Assert.Throws<ArgumentException>(() => record.ToCanonicalJson());
    }

    private static AuditRecord RandomRecord(Random r)
    {
        string? Maybe() => r.Next(3) == 0 ? null : Texts[r.Next(Texts.Length)] + r.Next(1000);
        long? MaybeLong() => r.Next(3) == 0 ? null : r.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
        double Number() => r.Next(4) switch
        {
            0 => r.Next(100_000),
            1 => r.NextDouble() * 1e-7,
            2 => r.NextDouble() * 1e22,
            _ => r.NextDouble() * 1000,
        };
        var hits = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int h = r.Next(5); h > 0; h--)
        {
            hits[Texts[r.Next(Texts.Length)] + (char)('a' + r.Next(26)) + "Z_é"[r.Next(3)]] = r.Next(50);
        }
        DateTimeOffset start = DateTimeOffset.UnixEpoch.AddTicks(r.NextInt64(0, 4_000_000_000_000_000_00));
        return new AuditRecord
        {
            Id = Guid.CreateVersion7().ToString("D"),
            Seq = r.NextInt64(1, long.MaxValue >> 12),
            StartTime = start,
            EndTime = start.AddTicks(r.Next(1_000_000_000)),
            Caller = new AuditCaller { User = Maybe(), Process = Maybe(), Pid = r.Next(2) == 0 ? null : r.Next(), Client = Maybe(), ApiKeyId = Maybe() },
            Route = new AuditRoute(r.Next(2) == 0 ? "POST" : "GET", "/api/" + Maybe()),
            Upstream = Maybe(),
            ModelName = Maybe(),
            ModelDigest = Maybe(),
            UseCase = Maybe(),
            DataClass = Maybe(),
            DetectorHits = hits,
            TokensIn = MaybeLong(),
            TokensOut = MaybeLong(),
            TimeToFirstTokenMs = r.Next(2) == 0 ? null : Number(),
            DurationMs = Number(),
            EndState = (AuditEndState)r.Next(4),
            HttpStatus = r.Next(100, 600),
            OutputSha256 = Maybe(),
            PromptText = Maybe(),
            OutputText = Maybe(),
            RefusalReason = Maybe(),
            PolicyVersion = Maybe(),
            Prev = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            Call = r.Next(4) == 0 ? null : new AuditCallDetails
            {
                CallSeq = MaybeLong(),
                Api = Maybe(),
                RouteClass = Maybe(),
                Operation = Maybe(),
                UpstreamKind = Maybe(),
                ResolvedModelName = Maybe(),
                ManifestDigest = Maybe(),
                DigestSource = Maybe(),
                CloudModel = r.Next(2) == 0,
                ClassificationTruncated = r.Next(2) == 0,
                PromptOverride = r.Next(2) == 0,
                Streamed = r.Next(2) == 0,
                UsageInjected = r.Next(2) == 0,
                GatewayOverheadMs = r.Next(2) == 0 ? null : Number(),
                DoneReason = Maybe(),
                ResponseBytes = MaybeLong(),
                RefusalMessage = Maybe(),
                UpstreamError = Maybe(),
                Capture = Maybe(),
                TextTruncated = r.Next(2) == 0,
                CallerUid = MaybeLong(),
                CallerExecutable = Maybe(),
                CallerGroups = [.. Enumerable.Range(0, r.Next(3)).Select(_ => Texts[r.Next(Texts.Length)])],
                IdentitySource = Maybe(),
            },
        };
    }
}
