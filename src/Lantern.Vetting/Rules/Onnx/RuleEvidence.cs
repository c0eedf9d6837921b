using System.Globalization;

namespace Lantern.Vetting.Rules.Onnx;

/// <summary>Builds the evidence dictionaries the framework vetters attach to findings (sorted keys, invariant numbers).</summary>
internal static class RuleEvidence
{
    public static SortedDictionary<string, string> Of(params (string Key, object? Value)[] items)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, object? value) in items)
        {
            if (value is null)
            {
                continue;
            }
            string text = value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? string.Empty;
            // Evidence is echoed into reports; a crafted 10 MB name must not be.
            evidence[key] = text.Length > 512 ? string.Concat(text.AsSpan(0, 512), "…") : text;
        }
        return evidence;
    }
}
