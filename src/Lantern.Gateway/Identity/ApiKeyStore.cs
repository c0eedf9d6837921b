using System.Security.Cryptography;
using System.Text;
using Lantern.Gateway.Hosting;

namespace Lantern.Gateway.Identity;

/// <summary>One API key entry: who it belongs to and the SHA-256 of the key (the key itself is never stored).</summary>
public sealed record ApiKeyEntry(string Id, string User, byte[] Sha256, string? DefaultUseCase, IReadOnlyList<string> Groups);

/// <summary>
/// Per-user API keys from <c>keys.yaml</c> (docs/gateway.md, "API keys"). Verification hashes the presented key and
/// compares it with every entry in constant time, so timing reveals neither which entry nor how much matched.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Keys longer than 1 KiB are not keys; they are refused before hashing.</summary>
    public const int MaxKeyLength = 1024;

    private readonly IReadOnlyList<ApiKeyEntry> _entries;

    public ApiKeyStore(IReadOnlyList<ApiKeyEntry> entries) => _entries = entries;

    public IReadOnlyList<ApiKeyEntry> Entries => _entries;

    /// <summary>Reads a keys file: <c>keys: [{id, user, sha256, defaultUseCase?, groups?}]</c>; unknown keys are errors.</summary>
    public static ApiKeyStore Load(string path) => Parse(YamlMap.ReadFile(path, "the keys file"), path);

    public static ApiKeyStore Parse(string yaml, string source)
    {
        YamlMap root = YamlMap.Parse(yaml, source, "the keys file");
        root.Check("keys");
        var entries = new List<ApiKeyEntry>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (YamlMap item in root.RequiredMapList("keys"))
        {
            item.Check("id", "user", "sha256", "defaultUseCase", "groups");
            string id = item.RequiredString("id");
            if (!ids.Add(id))
            {
                throw item.Error("id", $"duplicate key id '{id}'");
            }
            string hex = item.RequiredString("sha256");
            if (hex.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
            {
                hex = hex[7..];
            }
            if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
            {
                throw item.Error("sha256", "sha256 must be 64 hex digits (the SHA-256 of the key, never the key itself)");
            }
            entries.Add(new ApiKeyEntry(id, item.RequiredString("user"), Convert.FromHexString(hex), item.OptionalString("defaultUseCase"),
                item.StringList("groups")));
        }
        return new ApiKeyStore(entries);
    }

    /// <summary>The entry the key belongs to, or null.</summary>
    public ApiKeyEntry? Verify(string presentedKey)
    {
        if (presentedKey.Length is 0 or > MaxKeyLength)
        {
            return null;
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), hash);
        ApiKeyEntry? match = null;
        foreach (ApiKeyEntry entry in _entries)
        {
            // No early exit: every entry is compared, each in constant time.
            if (CryptographicOperations.FixedTimeEquals(hash, entry.Sha256))
            {
                match = entry;
            }
        }
        return match;
    }

    /// <summary>Hex SHA-256 of a key, for writing keys.yaml.</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
