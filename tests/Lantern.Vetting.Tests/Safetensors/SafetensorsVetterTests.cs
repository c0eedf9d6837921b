using System.Diagnostics;
using Lantern.Formats.Sniffing;
using Lantern.Testing;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Safetensors;
using Xunit;

namespace Lantern.Vetting.Tests.Safetensors;

public sealed class SafetensorsVetterTests
{
    private static SafetensorsWriter Good() => new SafetensorsWriter()
        .AddMetadata("format", "pt")
        .AddTensor("embed.weight", "F32", [4, 2])
        .AddTensor("norm.weight", "BF16", [4]);

    [Fact]
    public void Vet_WellFormed_Safe()
    {
        VetResult result = VetHarness.Vet(Good().Build());

        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.Equal("safetensors", result.Format);
        Assert.Empty(result.Findings);
    }

    public static TheoryData<string, Func<byte[]>, string, Verdict> Violations => new()
    {
        { "header length over 100 MB", () => Good().ClaimHeaderLength(200_000_000).Build(), SafetensorsRules.HeaderLength, Verdict.Malformed },
        { "header length past EOF", () => Good().ClaimHeaderLength(5000).Build(), SafetensorsRules.HeaderLength, Verdict.Malformed },
        { "invalid JSON", () => new SafetensorsWriter().RawHeader("{\"a\": [1,").Build(), SafetensorsRules.InvalidJson, Verdict.Malformed },
        { "missing field", () => new SafetensorsWriter().RawHeader("{\"a\": {\"dtype\": \"F32\"}}").Build(), SafetensorsRules.InvalidJson, Verdict.Malformed },
        { "not starting with brace", () => new SafetensorsWriter().RawHeader("[1, 2]").Build(), SafetensorsRules.Unreadable, Verdict.Malformed },
        { "dtype × shape ≠ range", () => new SafetensorsWriter().AddTensor("a", "F32", [4], 0, 8).Build(), SafetensorsRules.SizeMismatch, Verdict.Malformed },
        { "range past EOF", () => new SafetensorsWriter().AddTensor("a", "F32", [4]).BufferLength(8).Build(), SafetensorsRules.OutOfBounds, Verdict.Malformed },
        { "overlap", () => new SafetensorsWriter().AddTensor("a", "F32", [4], 0, 16).AddTensor("b", "F32", [4], 8, 24).Build(), SafetensorsRules.Overlap, Verdict.Malformed },
        { "gap", () => new SafetensorsWriter().AddTensor("a", "F32", [4], 0, 16).AddTensor("b", "F32", [4], 32, 48).Build(), SafetensorsRules.Gap, Verdict.Malformed },
        { "trailing bytes", () => Good().BufferLength(Good().DescribedBufferLength() + 100).Build(), SafetensorsRules.BufferMismatch, Verdict.Malformed },
        { "reversed offsets", () => new SafetensorsWriter().AddTensor("a", "F32", [4], 16, 0).BufferLength(16).Build(), SafetensorsRules.ReversedOffsets, Verdict.Malformed },
        { "unknown dtype", () => new SafetensorsWriter().AddTensor("a", "Q4", [4], 0, 4).Build(), SafetensorsRules.UnknownDtype, Verdict.Malformed },
        { "duplicate tensor", () => new SafetensorsWriter().RawHeader("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}").BufferLength(2).Build(), SafetensorsRules.DuplicateTensor, Verdict.Malformed },
        { "metadata not strings", () => new SafetensorsWriter().RawHeader("{\"__metadata__\":{\"format\":1}}").BufferLength(0).Build(), SafetensorsRules.MetadataNotStrings, Verdict.Malformed },
        { "metadata not an object", () => new SafetensorsWriter().RawHeader("{\"__metadata__\":[\"x\"]}").BufferLength(0).Build(), SafetensorsRules.MetadataNotStrings, Verdict.Malformed },
        { "unknown tensor field", () => new SafetensorsWriter().RawHeader("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"code\":\"x\"}}").BufferLength(1).Build(), SafetensorsRules.UnknownField, Verdict.Suspicious },
        { "truncated prefix", () => [1, 2, 3], SafetensorsRules.Unreadable, Verdict.Malformed },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void Vet_Violation_RuleAndVerdict(string name, Func<byte[]> build, string rule, Verdict verdict)
    {
        // Forced: the sniffer already refuses some of these (N past EOF), but the vetter must hold on its own.
        VetResult result = VetHarness.Vet(build(), ModelFormatId.Safetensors);

        Assert.True(result.Rules().Contains(rule), $"{name}: got {string.Join(", ", result.Rules())}");
        Assert.True(result.Verdict >= verdict, $"{name}: {result.Verdict}");
    }

    [Fact]
    public void Vet_TruncatedAtEveryOffset_NeverSafe()
    {
        byte[] full = Good().Build();
        for (int length = 0; length < full.Length; length++)
        {
            VetResult forced = VetHarness.Vet(full[..length], ModelFormatId.Safetensors);
            VetResult sniffed = VetHarness.Vet(full[..length]);
            Assert.True(forced.Verdict >= Verdict.Malformed, $"prefix {length}: {forced.Verdict}");
            Assert.NotEqual(Verdict.Safe, sniffed.Verdict);
        }
    }

    [Fact]
    public void Vet_Sparse10GbFile_HeaderOnlyFastFlatMemory()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        const ulong elements = 10UL * 1024 * 1024 * 1024 / 4;
        using (var fs = new FileStream(path, FileMode.Create))
        {
            new SafetensorsWriter().AddMetadata("format", "pt").AddTensor("w", "F32", [elements]).WriteTo(fs);
        }
        Assert.True(new FileInfo(path).Length > 10L * 1024 * 1024 * 1024);

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
        using var counting = new CountingStream(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        VetResult result = new ModelVetter().VetStream(path, counting, file.Length);
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.True(counting.BytesRead < 64 * 1024, $"read {counting.BytesRead} bytes of a 10 GB file");
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    /// <summary>Counts bytes read through it, to prove the vetter touches only the header.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
