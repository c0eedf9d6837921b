using System.Security.Cryptography;
using System.Text;
using Lantern.Governance.Licenses;

namespace Lantern.Governance.Tests.Licenses;

public class LicenseTextIdentifierTests
{
    [Theory]
    [InlineData(LicenseTexts.Apache, "Apache-2.0")]
    [InlineData(LicenseTexts.Mit, "MIT")]
    [InlineData(LicenseTexts.Llama31, "llama3.1")]
    [InlineData(LicenseTexts.Gemma, "gemma")]
    [InlineData(LicenseTexts.CcByNc, "CC-BY-NC-4.0")]
    [InlineData(LicenseTexts.Qwen, "qwen")]
    [InlineData(LicenseTexts.QwenResearch, "qwen-research")]
    [InlineData(LicenseTexts.Mrl, "mrl")]
    public void Identify_KnownTexts(string text, string expected)
    {
        LicenseIdentification? id = LicenseTextIdentifier.Identify(text);
        Assert.NotNull(id);
        Assert.Equal(expected, id.Id);
        Assert.InRange(id.Confidence, 0.34, 1.0);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), id.TextSha256);
    }

    [Fact]
    public void Identify_FirstLineSaysMitButBodyIsLlama_IsLlama()
    {
        string text = "MIT License\n\n" + LicenseTexts.Llama31;
        Assert.Equal("llama3.1", LicenseTextIdentifier.Identify(text)?.Id);
    }

    [Fact]
    public void Identify_MarkdownAndOddWhitespace_StillMatches()
    {
        string text = "## **Apache   License**\r\n_Version 2.0,\tJanuary 2004_\r\n";
        Assert.Equal("Apache-2.0", LicenseTextIdentifier.Identify(text)?.Id);
    }

    [Fact]
    public void Identify_Bsd3VersusBsd2()
    {
        const string bsd2 = "Redistribution and use in source and binary forms, with or without modification, are permitted provided that ... this list of conditions and the following disclaimer.";
        Assert.Equal("BSD-2-Clause", LicenseTextIdentifier.Identify(bsd2)?.Id);
        Assert.Equal("BSD-3-Clause", LicenseTextIdentifier.Identify(bsd2 + " Neither the name of the copyright holder ...")?.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Hello world, this is a readme about a model.")]
    [InlineData("license")]
    public void Identify_Unrelated_ReturnsNull(string text) => Assert.Null(LicenseTextIdentifier.Identify(text));

    [Fact]
    public void Identify_HugeText_IsBounded()
    {
        string text = new string('x', 5_000_000) + " mit license";
        Assert.Null(LicenseTextIdentifier.Identify(text));
    }

    [Fact]
    public void Normalise_KeepsVersionDots() =>
        Assert.Equal("llama 3.1 community license end", LicenseTextIdentifier.Normalise("**LLAMA 3.1** Community-License. End."));
}
