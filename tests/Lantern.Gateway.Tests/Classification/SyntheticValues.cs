using System.Text;
using Lantern.Gateway.Classification;

namespace Lantern.Gateway.Tests.Classification;

/// <summary>
/// Builds synthetic identifiers and tokens with valid check digits and the right shapes, from a seeded generator.
/// None of them is a real card, account, id or credential.
/// </summary>
internal static class SyntheticValues
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Random(Random random, int length, string alphabet = Base62)
    {
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }
        return builder.ToString();
    }

    /// <summary>A PAN with the given prefix and length whose last digit makes the Luhn sum a multiple of 10.</summary>
    public static string Card(Random random, string prefix, int length)
    {
        string body = prefix + Random(random, length - prefix.Length - 1, "0123456789");
        for (char check = '0'; check <= '9'; check++)
        {
            if (Checksums.Luhn(body + check))
            {
                return body + check;
            }
        }
        throw new InvalidOperationException("unreachable: one Luhn digit always fits");
    }

    /// <summary>The same PAN with its check digit moved by one: always fails Luhn.</summary>
    public static string OffByOne(string digits) =>
        digits[..^1] + (char)('0' + ((digits[^1] - '0' + 1) % 10));

    public static string Group(string value, int size, char separator = ' ')
    {
        var builder = new StringBuilder();
        for (int i = 0; i < value.Length; i += size)
        {
            if (i > 0)
            {
                builder.Append(separator);
            }
            builder.Append(value.AsSpan(i, Math.Min(size, value.Length - i)));
        }
        return builder.ToString();
    }

    /// <summary>An IBAN for <paramref name="country"/> with the given BBAN and the check digits ISO 13616 gives it.</summary>
    public static string Iban(string country, string bban)
    {
        string rearranged = bban + country + "00";
        int remainder = 0;
        foreach (char c in rearranged)
        {
            remainder = char.IsAsciiDigit(c) ? ((remainder * 10) + (c - '0')) % 97 : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }
        int check = 98 - remainder;
        return $"{country}{check:00}{bban}";
    }

    /// <summary>A Steuer-ID satisfying the repetition rule and ISO 7064 MOD 11,10.</summary>
    public static string SteuerId(Random random)
    {
        while (true)
        {
            string first10 = Random(random, 1, "123456789") + Random(random, 9, "0123456789");
            string candidate = first10 + (char)('0' + Checksums.Iso7064Mod11_10(first10));
            if (Checksums.SteuerId(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>A ten-digit NHS number with a valid mod 11 check digit.</summary>
    public static string NhsNumber(Random random)
    {
        while (true)
        {
            string nine = Random(random, 9, "0123456789");
            int sum = 0;
            for (int i = 0; i < 9; i++)
            {
                sum += (nine[i] - '0') * (10 - i);
            }
            int check = 11 - (sum % 11);
            if (check == 11)
            {
                check = 0;
            }
            if (check != 10)
            {
                return nine + (char)('0' + check);
            }
        }
    }

    public static string Jwt(Random random, string headerJson = """{"alg":"HS256","typ":"JWT"}""")
    {
        string payload = """{"sub":"synthetic-user","iat":1700000000}""";
        return $"{Base64Url(headerJson)}.{Base64Url(payload)}.{Random(random, 43, Base62 + "-_")}";
    }

    public static string Base64Url(string text) =>
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
