using System.Globalization;

namespace Lantern.NetLog.Formats;

/// <summary>
/// Timestamp forms found in proxy logs, all turned into UTC. Forms without a zone (Zscaler NSS
/// <c>%s{time}</c>, CEF <c>rt</c> without zone, W3C date+time) are taken as UTC: W3C says so
/// (W3C WD-logfile, "Date and time fields are in GMT"); for Zscaler and CEF it is an assumption the docs state.
/// </summary>
internal static class LogTime
{
    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces;

    // Epochs outside 1990..2200 are not proxy-log times; the bound also keeps ms/s guessing unambiguous.
    private const double MinEpochSeconds = 631_152_000;
    private const double MaxEpochSeconds = 7_258_118_400;

    /// <summary>Zscaler NSS default <c>%s{time}</c>: <c>Mon Jun  2 15:29:11 2026</c> (ctime-like, no zone).</summary>
    private static readonly string[] ZscalerForms = ["ddd MMM d HH:mm:ss yyyy", "ddd MMM dd HH:mm:ss yyyy", "ddd MMM  d HH:mm:ss yyyy"];

    /// <summary>CEF <c>rt</c> date forms (ArcSight CEF 25: "MMM dd yyyy HH:mm:ss[.SSS] [zzz]", "MMM dd HH:mm:ss").</summary>
    private static readonly string[] CefForms =
    [
        "MMM dd yyyy HH:mm:ss", "MMM dd yyyy HH:mm:ss.fff", "MMM d yyyy HH:mm:ss", "MMM d yyyy HH:mm:ss.fff",
        "MMM dd yyyy HH:mm:ss zzz", "MMM dd yyyy HH:mm:ss.fff zzz",
    ];

    /// <summary>Squid <c>%ts.%03tu</c>: seconds since the epoch, optional fraction.</summary>
    public static DateTimeOffset? FromEpochSeconds(ReadOnlySpan<char> text)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds)
            || seconds < MinEpochSeconds || seconds > MaxEpochSeconds)
        {
            return null;
        }
        return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond / TimeSpan.TicksPerMillisecond) * TimeSpan.TicksPerMillisecond);
    }

    /// <summary>Epoch seconds or milliseconds (told apart by magnitude), as text or JSON number.</summary>
    public static DateTimeOffset? FromEpoch(ReadOnlySpan<char> text)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
        {
            return null;
        }
        if (value > MaxEpochSeconds)
        {
            value /= 1000;
        }
        return value is < MinEpochSeconds or > MaxEpochSeconds
            ? null
            : DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(value * 1000) * TimeSpan.TicksPerMillisecond);
    }

    /// <summary>ISO 8601 with or without zone (no zone = UTC), or an epoch number.</summary>
    public static DateTimeOffset? FromIsoOrEpoch(string text)
    {
        ReadOnlySpan<char> span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return null;
        }
        if (char.IsAsciiDigit(span[0]) && span.ContainsAnyExcept(CharSets.DigitsAndDot) is false)
        {
            return FromEpoch(span);
        }
        return DateTimeOffset.TryParse(span, CultureInfo.InvariantCulture, Utc, out DateTimeOffset time) ? time.ToUniversalTime() : null;
    }

    /// <summary>W3C <c>date</c> (yyyy-MM-dd) and <c>time</c> (HH:mm:ss[.fff]), UTC by the W3C draft.</summary>
    public static DateTimeOffset? FromW3c(string? date, string? time)
    {
        if (date is null || time is null)
        {
            return null;
        }
        return DateTimeOffset.TryParseExact(date + " " + time, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"],
            CultureInfo.InvariantCulture, Utc, out DateTimeOffset value) ? value : null;
    }

    /// <summary>Squid <c>%tl</c> as in <c>[02/Jan/2026:10:00:00 +0100]</c> (Apache common log time).</summary>
    public static DateTimeOffset? FromCommonLog(ReadOnlySpan<char> text) =>
        DateTimeOffset.TryParseExact(text, "dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture, Utc, out DateTimeOffset value)
            ? value.ToUniversalTime()
            : null;

    public static DateTimeOffset? FromZscaler(string text)
    {
        if (DateTimeOffset.TryParseExact(text.Trim(), ZscalerForms, CultureInfo.InvariantCulture, Utc, out DateTimeOffset value))
        {
            return value;
        }
        return FromIsoOrEpoch(text);
    }

    public static bool LooksLikeZscalerTime(string text) =>
        DateTimeOffset.TryParseExact(text.Trim(), ZscalerForms, CultureInfo.InvariantCulture, Utc, out _);

    public static DateTimeOffset? FromCef(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length > 0 && char.IsAsciiDigit(trimmed[0]) && !trimmed.AsSpan().ContainsAnyExcept(CharSets.Digits))
        {
            return FromEpoch(trimmed);
        }
        // A trailing zone name (UTC, GMT, Z) is dropped: ParseExact's zzz wants an offset.
        foreach (string zone in (ReadOnlySpan<string>)[" UTC", " GMT", " Z"])
        {
            if (trimmed.EndsWith(zone, StringComparison.OrdinalIgnoreCase))
            {
                trimmed = trimmed[..^zone.Length];
                break;
            }
        }
        if (DateTimeOffset.TryParseExact(trimmed, CefForms, CultureInfo.InvariantCulture, Utc, out DateTimeOffset value))
        {
            return value.ToUniversalTime();
        }
        return FromIsoOrEpoch(trimmed);
    }
}
