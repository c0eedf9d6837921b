using System.Globalization;

namespace Lantern.Cli.Commands;

/// <summary>Parses durations people type: <c>90s</c>, <c>10m</c>, <c>1h</c>, <c>1h30m</c>, or plain seconds.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim().ToLowerInvariant();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain))
        {
            return Valid(TimeSpan.FromSeconds(plain), out duration);
        }
        TimeSpan total = TimeSpan.Zero;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char unit = text[i];
            if (unit is not ('h' or 'm' or 's'))
            {
                continue;
            }
            if (!double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0)
            {
                return false;
            }
            total += unit switch { 'h' => TimeSpan.FromHours(value), 'm' => TimeSpan.FromMinutes(value), _ => TimeSpan.FromSeconds(value) };
            start = i + 1;
        }
        return start == text.Length && Valid(total, out duration);
    }

    private static bool Valid(TimeSpan value, out TimeSpan duration)
    {
        duration = value;
        return value > TimeSpan.Zero && value <= TimeSpan.FromDays(7);
    }
}
