using Lantern.Formats;
using Lantern.Formats.Protobuf;
using Lantern.Testing.Fixtures;
using Xunit;

namespace Lantern.Formats.Tests.Protobuf;

public sealed class ProtobufReaderTests
{
    private static byte[] Sample() => new ProtobufWriter()
        .Varint(1, 7)
        .Text(2, "producer")
        .Message(7, g => g.Message(1, n => n.Text(4, "Relu").Text(7, "")).Bytes(5, new byte[300]))
        .Fixed32(9, 0xDEADBEEF)
        .Fixed64(10, 0x0102030405060708)
        .Varint(11, ulong.MaxValue)
        .ToArray();

    [Fact]
    public void Next_WellFormedMessage_ReadsEveryFieldAndNestedWindow()
    {
        var reader = new ProtobufReader(new MemoryStream(Sample()), -1);
        ProtobufMessage root = reader.Root();

        Assert.True(root.Next());
        Assert.Equal((1, ProtobufWireType.Varint, 7UL), (root.FieldNumber, root.WireType, root.ReadVarint()));
        Assert.True(root.Next());
        Assert.Equal("producer", root.ReadString(100));
        Assert.True(root.Next());
        ProtobufMessage graph = root.ReadMessage();
        Assert.Equal(1, graph.Depth);
        Assert.True(graph.Next());
        ProtobufMessage node = graph.ReadMessage();
        Assert.True(node.Next());
        Assert.Equal("Relu", node.ReadString(100));
        Assert.True(node.Next());
        Assert.Equal(string.Empty, node.ReadString(100));
        Assert.False(node.Next());
        Assert.True(graph.Next());
        Assert.Equal(300, graph.ValueLength);
        Assert.False(graph.Next());
        Assert.True(root.Next());
        Assert.Equal(0xDEADBEEFu, root.ReadFixed32());
        Assert.True(root.Next());
        Assert.Equal(0x0102030405060708UL, root.ReadFixed64());
        Assert.True(root.Next());
        Assert.Equal(ulong.MaxValue, root.ReadVarint());
        Assert.False(root.Next());
    }

    [Fact]
    public void Next_StreamStartsMidway_WindowIsRelativeToStartPosition()
    {
        byte[] sample = Sample();
        var stream = new MemoryStream([0xFF, 0xFF, .. sample]) { Position = 2 };
        ProtobufMessage root = new ProtobufReader(stream, sample.Length).Root();
        Assert.True(root.Next());
        Assert.Equal(7UL, root.ReadVarint());
        Assert.Equal(0, root.FieldOffset);
    }

    [Fact]
    public void Next_LengthPastParentWindow_Throws()
    {
        // The inner length (50) fits the file but not the enclosing message (10 bytes).
        byte[] inner = new ProtobufWriter().LengthDelimitedClaiming(1, 50, new byte[8]).ToArray();
        byte[] bytes = new ProtobufWriter().Bytes(7, inner).Raw(new byte[100]).ToArray();
        ProtobufMessage root = new ProtobufReader(new MemoryStream(bytes), bytes.Length - 100).Root();
        Assert.True(root.Next());
        ProtobufMessage child = root.ReadMessage();
        var ex = Assert.Throws<ModelFormatException>(() => child.Next());
        Assert.Equal(ProtobufErrors.LengthPastWindow, ex.Code);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Next_Group_Rejected(int wireType)
    {
        byte[] bytes = new ProtobufWriter().Tag(1, wireType).ToArray();
        var ex = Assert.Throws<ModelFormatException>(() => new ProtobufReader(new MemoryStream(bytes), -1).Root().Next());
        Assert.Equal(ProtobufErrors.Group, ex.Code);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void Next_InvalidWireType_Rejected(int wireType)
    {
        byte[] bytes = new ProtobufWriter().Tag(1, wireType).ToArray();
        var ex = Assert.Throws<ModelFormatException>(() => new ProtobufReader(new MemoryStream(bytes), -1).Root().Next());
        Assert.Equal(ProtobufErrors.BadTag, ex.Code);
    }

    [Fact]
    public void Next_FieldNumberZero_Rejected()
    {
        var ex = Assert.Throws<ModelFormatException>(() => new ProtobufReader(new MemoryStream([0x00, 0x01]), -1).Root().Next());
        Assert.Equal(ProtobufErrors.BadTag, ex.Code);
    }

    [Fact]
    public void ReadVarint_ElevenBytes_Rejected()
    {
        byte[] bytes = new ProtobufWriter().Tag(1, 0).Raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).ToArray();
        var ex = Assert.Throws<ModelFormatException>(() => new ProtobufReader(new MemoryStream(bytes), -1).Root().Next());
        Assert.Equal(ProtobufErrors.BadVarint, ex.Code);
    }

    [Fact]
    public void ReadVarint_TenthByteOverflows_Rejected()
    {
        byte[] bytes = new ProtobufWriter().Tag(1, 0).Raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02).ToArray();
        var ex = Assert.Throws<ModelFormatException>(() => new ProtobufReader(new MemoryStream(bytes), -1).Root().Next());
        Assert.Equal(ProtobufErrors.BadVarint, ex.Code);
    }

    [Fact]
    public void ReadMessage_DeeperThanLimit_ThrowsLimit()
    {
        byte[] bytes = new ProtobufWriter().Varint(1, 1).ToArray();
        for (int i = 0; i < 10; i++)
        {
            bytes = new ProtobufWriter().Bytes(1, bytes).ToArray();
        }
        var reader = new ProtobufReader(new MemoryStream(bytes), -1, new ProtobufReaderOptions { MaxDepth = 5 });
        ProtobufMessage message = reader.Root();
        var ex = Assert.Throws<ModelFormatException>(() =>
        {
            while (message.Next() && message.WireType == ProtobufWireType.LengthDelimited)
            {
                message = message.ReadMessage();
            }
        });
        Assert.Equal(ProtobufErrors.DepthLimit, ex.Code);
        Assert.True(ProtobufErrors.IsLimit(ex));
    }

    [Fact]
    public void Next_MoreFieldsThanLimit_ThrowsLimit()
    {
        var writer = new ProtobufWriter();
        for (int i = 0; i < 20; i++)
        {
            writer.Varint(1, 1);
        }
        byte[] bytes = writer.ToArray();
        ProtobufMessage root = new ProtobufReader(new MemoryStream(bytes), -1, new ProtobufReaderOptions { MaxFields = 10 }).Root();
        var ex = Assert.Throws<ModelFormatException>(() =>
        {
            while (root.Next())
            {
            }
        });
        Assert.Equal(ProtobufErrors.FieldLimit, ex.Code);
    }

    [Fact]
    public void ReadString_LongerThanCap_ThrowsLimit()
    {
        byte[] bytes = new ProtobufWriter().Text(1, new string('a', 100)).ToArray();
        ProtobufMessage root = new ProtobufReader(new MemoryStream(bytes), -1).Root();
        Assert.True(root.Next());
        var ex = Assert.Throws<ModelFormatException>(() => root.ReadString(10));
        Assert.Equal(ProtobufErrors.InlineLimit, ex.Code);
    }

    [Fact]
    public void ReadString_InvalidUtf8_Throws()
    {
        byte[] bytes = new ProtobufWriter().Bytes(1, [0x61, 0xC3, 0x28]).ToArray();
        ProtobufMessage root = new ProtobufReader(new MemoryStream(bytes), -1).Root();
        Assert.True(root.Next());
        var ex = Assert.Throws<ModelFormatException>(() => root.ReadString(10));
        Assert.Equal(ProtobufErrors.InvalidUtf8, ex.Code);
    }

    [Fact]
    public void ReadVarint_WrongWireType_Throws()
    {
        byte[] bytes = new ProtobufWriter().Text(1, "x").ToArray();
        ProtobufMessage root = new ProtobufReader(new MemoryStream(bytes), -1).Root();
        Assert.True(root.Next());
        Assert.Equal(ProtobufErrors.WrongWireType, Assert.Throws<ModelFormatException>(() => root.ReadVarint()).Code);
    }

    [Fact]
    public void Next_HugeBytesField_SkippedWithoutReadingIt()
    {
        // 8 MiB payload; a counting stream shows the reader touches only the tag, the length and the next field.
        byte[] bytes = new ProtobufWriter().Bytes(9, new byte[8 * 1024 * 1024]).Varint(1, 3).ToArray();
        var counting = new CountingStream(bytes);
        ProtobufMessage root = new ProtobufReader(counting, -1).Root();
        Assert.True(root.Next());
        Assert.True(root.Next());
        Assert.Equal(3UL, root.ReadVarint());
        Assert.True(counting.BytesRead < 256 * 1024, $"read {counting.BytesRead} bytes");
    }

    [Fact]
    public void Next_StreamShorterThanDeclaredLength_Truncated()
    {
        byte[] bytes = new ProtobufWriter().Varint(1, 1).ToArray();
        ProtobufMessage root = new ProtobufReader(new MemoryStream(bytes), bytes.Length + 10).Root();
        Assert.True(root.Next());
        Assert.Equal(ProtobufErrors.Truncated, Assert.Throws<ModelFormatException>(() => root.Next()).Code);
    }

    [Fact]
    public void Walk_TruncatedAtEveryOffset_ThrowsOnlyModelFormatException()
    {
        byte[] sample = Sample();
        for (int cut = 0; cut < sample.Length; cut++)
        {
            var stream = new MemoryStream(sample, 0, cut);
            try
            {
                Walk(new ProtobufReader(stream, -1));
            }
            catch (ModelFormatException ex)
            {
                Assert.False(string.IsNullOrEmpty(ex.Code));
                Assert.InRange(ex.Offset, 0, sample.Length);
            }
        }
        // The complete input walks to the end without error.
        Assert.Equal(10, Walk(new ProtobufReader(new MemoryStream(sample), -1)));
    }

    /// <summary>Depth-first walk with an explicit stack, treating every length-delimited field that parses as a message.</summary>
    private static int Walk(ProtobufReader reader)
    {
        int fields = 0;
        var stack = new Stack<ProtobufMessage>();
        stack.Push(reader.Root());
        while (stack.Count > 0)
        {
            ProtobufMessage m = stack.Pop();
            while (m.Next())
            {
                fields++;
                if (m.WireType == ProtobufWireType.LengthDelimited && m.FieldNumber is 7 or 1 && m.ValueLength > 0)
                {
                    stack.Push(m.ReadMessage());
                }
            }
        }
        return fields;
    }

    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = base.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            int n = base.Read(buffer);
            BytesRead += n;
            return n;
        }
    }
}
