namespace Lantern.Governance.Licenses;

/// <summary>
/// File names that carry licence terms beside model weights (discovery.md §6: LICENSE, LICENSE.txt,
/// LICENSE.md, USE_POLICY.md on the hub; COPYING in source trees).
/// </summary>
public static class LicenseFile
{
    private static readonly HashSet<string> Stems = new(StringComparer.OrdinalIgnoreCase)
    {
        "LICENSE", "LICENCE", "COPYING", "USE_POLICY", "LICENSE-APACHE", "LICENSE-MIT", "NOTICE",
    };

    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { "", ".txt", ".md", ".rst" };

    /// <summary>True when a bare file name (no directory) names a licence or use-policy file.</summary>
    public static bool IsLicenseFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName) || fileName.Length > 64 || fileName.IndexOfAny(['/', '\\']) >= 0)
        {
            return false;
        }
        string ext = Path.GetExtension(fileName);
        string stem = Path.GetFileNameWithoutExtension(fileName);
        return Extensions.Contains(ext) && Stems.Contains(stem);
    }

    /// <summary>True for the acceptable-use policy Meta ships beside Llama weights; it restricts use but is not the licence.</summary>
    public static bool IsUsePolicy(string? fileName) =>
        fileName is not null && Path.GetFileNameWithoutExtension(fileName).Equals("USE_POLICY", StringComparison.OrdinalIgnoreCase);

    /// <summary>The evidence source string for a licence read from such a file, e.g. <c>file:LICENSE</c>.</summary>
    public static string SourceFor(string fileName) => "file:" + fileName;
}
