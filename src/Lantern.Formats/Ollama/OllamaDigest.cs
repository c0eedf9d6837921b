namespace Lantern.Formats.Ollama;

/// <summary>
/// Blob digests as Ollama names them: <c>sha256:&lt;64 hex&gt;</c> in manifests and <c>sha256-&lt;64 hex&gt;</c> as file names
/// (ollama/ollama <c>manifest/paths.go</c>; the strict pattern is the CVE-2024-37032 path-traversal fix; discovery.md §2.1).
/// </summary>
public static class OllamaDigest
{
    private const string Algorithm = "sha256";
    private const int HexLength = 64;

    /// <summary>Accepts exactly <c>^sha256[:-][0-9a-fA-F]{64}$</c>; anything else (paths, other algorithms, padding) is refused.</summary>
    public static bool TryParse(string? value, out string hexLower)
    {
        hexLower = string.Empty;
        if (value is null || value.Length != Algorithm.Length + 1 + HexLength
            || !value.StartsWith(Algorithm, StringComparison.Ordinal)
            || value[Algorithm.Length] is not (':' or '-'))
        {
            return false;
        }
        ReadOnlySpan<char> hex = value.AsSpan(Algorithm.Length + 1);
        foreach (char c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        hexLower = hex.ToString().ToLowerInvariant();
        return true;
    }

    /// <summary>The blob file name for a digest: <c>sha256-&lt;hex&gt;</c>.</summary>
    public static string ToBlobFileName(string hexLower) => $"{Algorithm}-{hexLower}";
}
