using System.Globalization;

namespace Lantern.Discovery.Host;

/// <summary>A DRM client as described by its fdinfo (docs.kernel.org/gpu/drm-usage-stats.html).</summary>
/// <param name="Driver">Mandatory <c>drm-driver</c> key (<c>amdgpu</c>, <c>i915</c>, <c>xe</c>…).</param>
/// <param name="PciDevice">Optional <c>drm-pdev</c> (PCI address, e.g. <c>0000:03:00.0</c>).</param>
/// <param name="ClientId">Optional <c>drm-client-id</c>, unique per open client, shared by dup'ed fds.</param>
/// <param name="MemoryBytes">The <c>drm-memory-*</c>, <c>drm-total-*</c> and <c>drm-resident-*</c> keys, in bytes.</param>
internal sealed record DrmClientInfo(string Driver, string? PciDevice, string? ClientId, IReadOnlyDictionary<string, long> MemoryBytes)
{
    /// <summary>
    /// Best single figure for "memory this client uses": the sum of <c>drm-resident-*</c> (what is actually
    /// placed), else <c>drm-total-*</c>, else the legacy <c>drm-memory-*</c> keys; null when none were reported.
    /// </summary>
    public long? BestMemoryBytes
    {
        get
        {
            foreach (string prefix in (ReadOnlySpan<string>)["drm-resident-", "drm-total-", "drm-memory-"])
            {
                long sum = 0;
                bool any = false;
                foreach ((string key, long value) in MemoryBytes)
                {
                    if (key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        sum = checked(sum + value);
                        any = true;
                    }
                }
                if (any)
                {
                    return sum;
                }
            }
            return null;
        }
    }
}

internal static class DrmFdinfo
{
    // Real fdinfo of a DRM fd is well under 4 KiB; 64 KiB leaves room for many engines and regions.
    internal const int MaxBytes = 64 * 1024;
    internal const int MaxLines = 1024;
    internal const int MaxMemoryKeys = 64;
    internal const int MaxValueLength = 256;

    /// <summary>Parses fdinfo text; null when it is not a DRM fd (no <c>drm-driver</c>).</summary>
    public static DrmClientInfo? Parse(string text)
    {
        string? driver = null;
        string? pdev = null;
        string? clientId = null;
        var memory = new SortedDictionary<string, long>(StringComparer.Ordinal);
        string bounded = text.Length > MaxBytes ? text[..MaxBytes] : text;
        foreach (string line in BoundedText.SplitLines(bounded, MaxLines, 1024, out _, out _))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            string key = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (value.Length > MaxValueLength)
            {
                continue;
            }
            switch (key)
            {
                case "drm-driver":
                    driver = value;
                    break;
                case "drm-pdev":
                    pdev = value;
                    break;
                case "drm-client-id":
                    clientId = value;
                    break;
                default:
                    if ((key.StartsWith("drm-memory-", StringComparison.Ordinal)
                        || key.StartsWith("drm-total-", StringComparison.Ordinal)
                        || key.StartsWith("drm-resident-", StringComparison.Ordinal))
                        && memory.Count < MaxMemoryKeys
                        && TryParseMemory(value, out long bytes))
                    {
                        memory[key] = bytes;
                    }
                    break;
            }
        }
        return driver is null || driver.Length == 0 ? null : new DrmClientInfo(driver, pdev, clientId, memory);
    }

    /// <summary>Memory values are <c>&lt;uint&gt; [KiB|MiB|GiB]</c>; no unit means bytes (drm-usage-stats.rst).</summary>
    internal static bool TryParseMemory(string value, out long bytes)
    {
        bytes = 0;
        string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            return false;
        }
        long multiplier = parts.Length == 1 ? 1 : parts[1] switch
        {
            "KiB" => 1024L,
            "MiB" => 1024L * 1024,
            "GiB" => 1024L * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0)
        {
            return false;
        }
        try
        {
            bytes = checked(number * multiplier);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
