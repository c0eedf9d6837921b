using System.Text;
using Lantern.Gateway.Audit;

namespace Lantern.Gateway.Tests.Audit;

public class JsonCanonicalizerTests
{
    private static string Canon(string json) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Canonicalize_Rfc8785Section322Example_MatchesPublishedOutput()
    {
        // RFC 8785 §3.2.2: numbers, string escaping and literals.
        string input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
            + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + "  \"literals\": [null, true, false]\n}";
        string expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        Assert.Equal(expected, Canon(input));
    }

    [Fact]
    public void Canonicalize_Rfc8785Section323Sorting_OrdersByUtf16CodeUnits()
    {
        string input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
            + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        string expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\","
            + "\"€\":\"Euro Sign\",\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
        Assert.Equal(expected, Canon(input));
    }

    [Theory]
    // RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript serialisation.
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void FormatNumber_Rfc8785AppendixB_MatchesEcmaScript(ulong bits, string expected)
    {
        Assert.Equal(expected, JsonCanonicalizer.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void FormatNumber_NonFinite_Throws(double value)
    {
        Assert.Throws<InvalidDataException>(() => JsonCanonicalizer.FormatNumber(value));
    }

    [Fact]
    public void Canonicalize_IntegralDoubles_HaveNoFraction()
    {
        Assert.Equal("[1,100,-3,1.5,12.25]", Canon("[1.0, 1e2, -3.000, 1.5, 12.25]"));
    }

    [Fact]
    public void Canonicalize_ControlCharacters_UseShortOrLowerHexEscapes()
    {
        Assert.Equal("\"\\b\\f\\n\\r\\t\\u0001\\u001f<>&'\u007f\"", Canon("\"\\b\\f\\n\\r\\t\\u0001\\u001F<>&'\\u007f\""));
    }

    [Fact]
    public void Canonicalize_LoneSurrogate_IsRejected()
    {
        Assert.Throws<InvalidDataException>(() => Canon("\"\\ud800\""));
    }

    [Fact]
    public void Canonicalize_DeepNesting_IsRejectedNotOverflowed()
    {
        string deep = new string('[', 10_000) + new string(']', 10_000);
        Assert.Throws<InvalidDataException>(() => Canon(deep));
    }

    [Theory]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("")]
    public void Canonicalize_NotIJson_IsRejected(string json)
    {
        Assert.Throws<InvalidDataException>(() => Canon(json));
    }

    [Fact]
    public void Canonicalize_NestedObjects_SortsEveryLevel()
    {
        Assert.Equal("{\"a\":{\"x\":[{\"b\":1,\"c\":2}],\"y\":null},\"b\":true}", Canon("{ \"b\": true, \"a\": { \"y\": null, \"x\": [ { \"c\": 2, \"b\": 1 } ] } }"));
    }
}
