using Lantern.Gateway.Classification;
using Xunit;

namespace Lantern.Gateway.Tests.Classification;

public class ChecksumsTests
{
    [Theory]
    [InlineData("79927398713", true)]  // the textbook Luhn example
    [InlineData("79927398710", false)]
    [InlineData("0", true)]
    [InlineData("12a4", false)]
    [InlineData("", false)]
    public void Luhn_KnownVectors_MatchDefinition(string digits, bool expected) =>
        Assert.Equal(expected, Checksums.Luhn(digits));

    [Fact]
    public void Luhn_GeneratedCardsAndOffByOne_AcceptAndReject()
    {
        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            string pan = SyntheticValues.Card(random, "4", 16);
            Assert.True(Checksums.Luhn(pan));
            Assert.False(Checksums.Luhn(SyntheticValues.OffByOne(pan)));
        }
    }

    [Theory]
    // The specimen IBANs published in the SWIFT IBAN registry (not real accounts).
    [InlineData("DE89370400440532013000", true)]
    [InlineData("GB29NWBK60161331926819", true)]
    [InlineData("FR1420041010050500013M02606", true)]
    [InlineData("NL91ABNA0417164300", true)]
    [InlineData("DE88370400440532013000", false)]
    [InlineData("GB28NWBK60161331926819", false)]
    [InlineData("NL91ABNA0417164301", false)]
    [InlineData("de89370400440532013000", false)]
    public void IbanMod97_RegistrySpecimensAndAlteredCheckDigits(string iban, bool expected) =>
        Assert.Equal(expected, Checksums.IbanMod97(iban));

    [Theory]
    [InlineData("86095742719", true)]   // the example used in BZSt material and Wikipedia
    [InlineData("86095742718", false)]  // wrong check digit
    [InlineData("06095742719", false)]  // leading zero
    [InlineData("12345678903", false)]  // no repeated digit
    [InlineData("11145678903", false)]  // a digit three times in a row
    [InlineData("1122345678", false)]   // too short
    public void SteuerId_RulesAndCheckDigit(string id, bool expected) =>
        Assert.Equal(expected, Checksums.SteuerId(id));

    [Fact]
    public void SteuerId_GeneratedIdsPass_AndEveryOtherCheckDigitFails()
    {
        var random = new Random(5);
        for (int i = 0; i < 100; i++)
        {
            string id = SyntheticValues.SteuerId(random);
            Assert.True(Checksums.SteuerId(id));
            for (char other = '0'; other <= '9'; other++)
            {
                if (other != id[10])
                {
                    Assert.False(Checksums.SteuerId(id[..10] + other));
                }
            }
        }
    }

    [Theory]
    [InlineData("9434765919", true)]   // the NHS Data Dictionary example
    [InlineData("9434765918", false)]
    [InlineData("1234567890", false)]  // check digit would be 10: never issued
    [InlineData("943476591", false)]
    public void NhsNumber_Mod11(string digits, bool expected) =>
        Assert.Equal(expected, Checksums.NhsNumber(digits));
}
