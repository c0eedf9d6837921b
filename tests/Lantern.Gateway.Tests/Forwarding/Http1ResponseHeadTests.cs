using System.Text;
using Lantern.Gateway.Forwarding.Http1;

namespace Lantern.Gateway.Tests.Forwarding;

public sealed class Http1ResponseHeadTests
{
    private static Http1ResponseHead Parse(string head) => Http1ResponseHead.Parse(Encoding.ASCII.GetBytes(head));

    [Fact]
    public void Parse_SizedKeepAlive_KeepsEndToEndFieldsOnly()
    {
        Http1ResponseHead head = Parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive\r\nX-Request-Id: a1");

        Assert.Equal(200, head.StatusCode);
        Assert.Equal(12, head.ContentLength);
        Assert.True(head.KeepAlive);
        Assert.Equal(BodyFramingKind.ContentLength, head.FramingFor(headRequest: false));
        Assert.Equal(BodyFramingKind.None, head.FramingFor(headRequest: true));
        Assert.Equal(["Content-Type", "X-Request-Id"], head.Headers.Select(h => h.Name));
        Assert.Equal("application/json", head.ContentType);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5", "Chunked", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close", "UntilClose", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 3", "ContentLength", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive", "ContentLength", true)]
    [InlineData("HTTP/1.1 204 No Content", "None", true)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 40", "None", true)]
    [InlineData("HTTP/1.1 200", "UntilClose", true)]
    public void Parse_Framing_FollowsRfc9112(string text, string framing, bool keepAlive)
    {
        Http1ResponseHead head = Parse(text);

        Assert.Equal(framing, head.FramingFor(headRequest: false).ToString());
        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Theory]
    [InlineData("HTTP/2 200 OK")]
    [InlineData("HTTP/1.1 20 OK")]
    [InlineData("HTTP/1.1 2000 OK")]
    [InlineData("HTTP/1.1  200 OK")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1e3")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: x")]
    [InlineData("HTTP/1.1 200 OK\r\n: x")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\r\n\tcontinued")]
    public void Parse_Malformed_ThrowsUpstreamProtocolException(string text)
    {
        Assert.Throws<UpstreamProtocolException>(() => Parse(text));
    }

    [Fact]
    public void Parse_TooManyFields_ThrowsUpstreamProtocolException()
    {
        string text = "HTTP/1.1 200 OK" + string.Concat(Enumerable.Range(0, Http1ResponseHead.MaxHeaderCount + 1).Select(i => $"\r\nX-{i}: v"));

        Assert.Throws<UpstreamProtocolException>(() => Parse(text));
    }

    [Fact]
    public void Parse_ControlOrNonAsciiValue_FieldIsDroppedNotForwarded()
    {
        Http1ResponseHead head = Http1ResponseHead.Parse([.. "HTTP/1.1 200 OK\r\nX-Good: ok\r\nX-Bad: a"u8, 0xC3, 0xA9, .. "\r\nX-Ctl: a\u0001b"u8]);

        Assert.Equal(["X-Good"], head.Headers.Select(h => h.Name));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1a", 26)]
    [InlineData("1A;name=value", 26)]
    [InlineData("ff ; x", 255)]
    [InlineData("fffffffffffffff", 0x0fffffffffffffff)]
    public void ParseChunkSize_Valid_ReturnsSize(string line, long expected)
    {
        Assert.Equal(expected, Http1BodyStream.ParseChunkSize(Encoding.ASCII.GetBytes(line)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(";x")]
    [InlineData("-1")]
    [InlineData("0x10")]
    [InlineData("ffffffffffffffff")]
    [InlineData("g")]
    public void ParseChunkSize_Invalid_ThrowsUpstreamProtocolException(string line)
    {
        Assert.Throws<UpstreamProtocolException>(() => Http1BodyStream.ParseChunkSize(Encoding.ASCII.GetBytes(line)));
    }
}
