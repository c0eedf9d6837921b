namespace Lantern.Gateway.Classification;

/// <summary>
/// Check-digit algorithms of the identifiers the detectors validate (reference: gateway.md §9 "Checksums").
/// All take the identifier with separators already removed and never throw on bad input: they return false.
/// </summary>
internal static class Checksums
{
    /// <summary>Luhn (ISO/IEC 7812-1 annex B): from the right, double every second digit, subtract 9 above 9, sum % 10 == 0.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }
        int sum = 0;
        bool doubleIt = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>
    /// ISO 13616 / ISO 7064 MOD 97-10: move the first four characters to the end, letters become 10..35, the number
    /// mod 97 must be 1. Computed piecewise so no big integer is needed. Expects upper-case letters and digits.
    /// </summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        if (iban.Length < 5)
        {
            return false;
        }
        int remainder = 0;
        for (int i = 0; i < iban.Length; i++)
        {
            char c = iban[(i + 4) % iban.Length];
            if (c is >= '0' and <= '9')
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }
        return remainder == 1;
    }

    /// <summary>
    /// German Steuerliche Identifikationsnummer (§ 139b AO): 11 digits, first not 0, check digit by ISO 7064
    /// MOD 11,10; in the first ten digits exactly one digit occurs twice or three times (a three-fold one never
    /// three times in a row), the others at most once (BZSt rule since 2016).
    /// </summary>
    public static bool SteuerId(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 11 || digits[0] == '0')
        {
            return false;
        }
        Span<int> counts = stackalloc int[10];
        for (int i = 0; i < 11; i++)
        {
            int d = digits[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }
            if (i < 10)
            {
                counts[d]++;
            }
        }
        int repeated = 0;
        for (int d = 0; d < 10; d++)
        {
            if (counts[d] > 3)
            {
                return false;
            }
            if (counts[d] >= 2)
            {
                repeated++;
            }
        }
        if (repeated != 1)
        {
            return false;
        }
        for (int i = 2; i < 10; i++)
        {
            if (digits[i] == digits[i - 1] && digits[i] == digits[i - 2])
            {
                return false;
            }
        }
        return digits[10] - '0' == Iso7064Mod11_10(digits[..10]);
    }

    /// <summary>ISO 7064 MOD 11,10 check digit of a run of decimal digits.</summary>
    public static int Iso7064Mod11_10(ReadOnlySpan<char> digits)
    {
        int product = 10;
        foreach (char c in digits)
        {
            int sum = (c - '0' + product) % 10;
            if (sum == 0)
            {
                sum = 10;
            }
            product = sum * 2 % 11;
        }
        int check = 11 - product;
        return check == 10 ? 0 : check;
    }

    /// <summary>UK NHS number: weights 10..2 on the first nine digits; check = 11 − (sum mod 11), 11 → 0, 10 is invalid.</summary>
    public static bool NhsNumber(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 10)
        {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 10; i++)
        {
            if ((uint)(digits[i] - '0') > 9)
            {
                return false;
            }
        }
        for (int i = 0; i < 9; i++)
        {
            sum += (digits[i] - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }
        return check != 10 && check == digits[9] - '0';
    }
}
